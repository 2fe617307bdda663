#!/usr/bin/env bash
# Credentials come from the CI's secret store, never from the repository.
: "${AWS_ACCESS_KEY_ID:?missing}"
: "${AWS_SECRET_ACCESS_KEY:?missing}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY}"
export AWS_SESSION_TOKEN=$AWS_SESSION_TOKEN
aws_secret_access_key="$(vault kv get -field=secret_key aws/ci)"
AWS_SECRET_ACCESS_KEY=$(aws secretsmanager get-secret-value --secret-id ci/aws --query SecretString --output text)
docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN amazon/aws-cli sts get-caller-identity
git verify-commit {{HEX:40}}
sha1sum dist/app.tar.gz | grep {{HEX:40}}
