import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

interface AppStackProps {
  environmentSuffix?: string;
  stateBucket?: string;
  awsRegion?: string;
}

export class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string, props?: AppStackProps) {
    super(scope, id);

    const environmentSuffix = props?.environmentSuffix || 'dev';
    const awsRegion = props?.awsRegion || 'us-east-1';
    const stateBucket = props?.stateBucket || 'acme-tf-states';

    new AwsProvider(this, 'aws', { region: awsRegion });

    new S3Backend(this, {
      bucket: stateBucket,
      key: `${environmentSuffix}/${id}.tfstate`,
      region: 'us-east-1',
      encrypt: true,
    });
    this.addOverride('terraform.backend.s3.use_lockfile', true);

    new Vpc(this, 'vpc', {
      cidrBlock: '10.0.0.0/16',
      tags: { Name: `app-vpc-${environmentSuffix}` },
    });
  }
}
