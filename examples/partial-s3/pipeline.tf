provider "aws" {
  region = var.aws_region
}

resource "aws_s3_bucket" "artifacts" {
  bucket        = "tf-pipeline-artifacts-${var.environment_suffix}"
  force_destroy = true
}

resource "aws_codebuild_project" "plan" {
  name         = "terraform-plan-${var.environment_suffix}"
  service_role = aws_iam_role.codebuild.arn

  artifacts {
    type = "NO_ARTIFACTS"
  }

  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "hashicorp/terraform:1.9"
    type         = "LINUX_CONTAINER"
  }

  source {
    type      = "NO_SOURCE"
    buildspec = <<-YAML
      version: 0.2
      phases:
        build:
          commands:
            - terraform init -input=false
            - terraform plan -input=false
    YAML
  }
}

resource "aws_iam_role" "codebuild" {
  name = "tf-pipeline-codebuild-${var.environment_suffix}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "codebuild.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}
