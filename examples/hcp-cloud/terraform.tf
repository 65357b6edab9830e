terraform {
  required_version = ">= 1.6.0"

  cloud {
    organization = "acme-platform"

    workspaces {
      tags = ["edge", "prod"]
    }
  }
}
