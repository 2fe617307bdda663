#!/bin/bash
docker run -d \
  -e AWS_ACCESS_KEY_ID={{KEY_ID}} \
  -e AWS_SECRET_ACCESS_KEY={{SECRET}} \
  -e AWS_REGION=us-east-1 \
  acme/worker:latest
