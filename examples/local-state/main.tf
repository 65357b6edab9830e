terraform {
  required_version = ">= 1.5.0"

  backend "local" {
    path = "terraform.tfstate"
  }
}

resource "terraform_data" "release" {
  input = "v1.4.2"
}
