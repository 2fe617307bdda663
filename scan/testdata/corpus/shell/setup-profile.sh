#!/bin/sh
aws configure set aws_access_key_id {{OLD_KEY_ID}} --profile ops
aws configure set aws_secret_access_key {{SECRET}} --profile ops
aws configure set region ap-southeast-2 --profile ops
