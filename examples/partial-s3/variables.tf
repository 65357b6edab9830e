variable "aws_region" {
  description = "Region of the CI/CD pipeline"
  type        = string
  default     = "us-east-1"
}

variable "environment_suffix" {
  description = "Keeps names unique per environment"
  type        = string
  default     = "dev"
}
