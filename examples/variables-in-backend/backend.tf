terraform {
  required_version = ">= 1.6.0"

  backend "gcs" {
    bucket = "acme-tfstate-${var.project_id}"
    prefix = "analytics/${terraform.workspace}"
  }
}
