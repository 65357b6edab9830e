// Type declarations for the parts of @cdktf/provider-aws that the fixture stacks use. The fixes
// never touch provider code, and the real package is hundreds of megabytes, so the type-check
// project compiles against these few shapes instead (they follow the package's 19.x API).
declare module '@cdktf/provider-aws/lib/provider' {
  import { TerraformProvider } from 'cdktf';
  import { Construct } from 'constructs';

  export interface AwsProviderDefaultTags {
    readonly tags?: { [key: string]: string };
  }

  export interface AwsProviderConfig {
    readonly region?: string;
    readonly defaultTags?: AwsProviderDefaultTags[];
  }

  export class AwsProvider extends TerraformProvider {
    constructor(scope: Construct, id: string, config?: AwsProviderConfig);
  }
}

declare module '@cdktf/provider-aws/lib/vpc' {
  import { TerraformResource } from 'cdktf';
  import { Construct } from 'constructs';

  export interface VpcConfig {
    readonly cidrBlock?: string;
    readonly enableDnsHostnames?: boolean;
    readonly enableDnsSupport?: boolean;
    readonly tags?: { [key: string]: string };
  }

  export class Vpc extends TerraformResource {
    constructor(scope: Construct, id: string, config?: VpcConfig);
    get id(): string;
  }
}
