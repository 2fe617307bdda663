terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region     = "us-west-2"
  access_key = "{{KEY_ID}}"
  secret_key = "{{SECRET}}"
}

provider "aws" {
  alias      = "prod"
  region     = var.region
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key
  token      = var.aws_session_token
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs-${var.env}"
}
