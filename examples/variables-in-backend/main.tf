variable "project_id" {
  type = string
}

provider "google" {
  project = var.project_id
  region  = "europe-west1"
}

resource "google_bigquery_dataset" "events" {
  dataset_id = "events"
  location   = "EU"
}
