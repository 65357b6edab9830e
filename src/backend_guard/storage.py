"""What creates the external storage a backend names: resource types and their name attribute.

A backend is self-contained only if the storage it names (bucket, lock table, container, ...)
exists before `terraform init`; a resource elsewhere in the repository that creates it means a
documented bootstrap step exists. These tables say which resource creates which kind of storage.
"""

from __future__ import annotations

# resource type -> the attribute that holds the created storage's name
STORAGE_NAME_ATTRIBUTE: dict[str, str] = {
    "aws_s3_bucket": "bucket",
    "aws_dynamodb_table": "name",
    "google_storage_bucket": "name",
    "azurerm_storage_account": "name",
    "azurerm_storage_container": "name",
    "tencentcloud_cos_bucket": "bucket",
    "alicloud_oss_bucket": "bucket",
    "alicloud_ots_table": "table_name",
    "oci_objectstorage_bucket": "name",
    "tfe_organization": "name",
    "tfe_workspace": "name",
}

# CDKTF provider class -> the resource type it synthesizes (`new S3Bucket(this, 'state', {...})`);
# the storage's name is the config property of STORAGE_NAME_ATTRIBUTE, in the language's case.
CDKTF_STORAGE_CLASSES: dict[str, str] = {
    "S3Bucket": "aws_s3_bucket",
    "DynamodbTable": "aws_dynamodb_table",
    "StorageBucket": "google_storage_bucket",
    "StorageAccount": "azurerm_storage_account",
    "StorageContainer": "azurerm_storage_container",
    "CosBucket": "tencentcloud_cos_bucket",
    "OssBucket": "alicloud_oss_bucket",
    "OtsTable": "alicloud_ots_table",
    "ObjectstorageBucket": "oci_objectstorage_bucket",
}

# (backend type, argument) -> resource types that create what that argument names
STORAGE_CREATED_BY: dict[tuple[str, str], tuple[str, ...]] = {
    ("s3", "bucket"): ("aws_s3_bucket",),
    ("s3", "dynamodb_table"): ("aws_dynamodb_table",),
    ("gcs", "bucket"): ("google_storage_bucket",),
    ("azurerm", "storage_account_name"): ("azurerm_storage_account",),
    ("azurerm", "container_name"): ("azurerm_storage_container",),
    ("cos", "bucket"): ("tencentcloud_cos_bucket",),
    ("oss", "bucket"): ("alicloud_oss_bucket",),
    ("oss", "tablestore_table"): ("alicloud_ots_table",),
    ("oci", "bucket"): ("oci_objectstorage_bucket",),
    ("remote", "organization"): ("tfe_organization",),
    ("cloud", "organization"): ("tfe_organization",),
}
