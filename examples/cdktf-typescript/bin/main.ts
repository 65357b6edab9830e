#!/usr/bin/env node
import { App } from 'cdktf';
import { AppStack } from '../lib/app-stack';

const app = new App();
const environmentSuffix = process.env.ENVIRONMENT_SUFFIX || 'dev';

new AppStack(app, `AppStack${environmentSuffix}`, {
  environmentSuffix,
  stateBucket: process.env.TERRAFORM_STATE_BUCKET,
  awsRegion: process.env.AWS_REGION,
});

app.synth();
