import os
import boto3
from botocore.config import Config

# quick hack for the demo, rotate after!
s3 = boto3.client(
    "s3",
    aws_access_key_id="{{KEY_ID}}",
    aws_secret_access_key="{{SECRET}}",
    config=Config(retries={"max_attempts": 10}),
)

sqs = boto3.client('sqs', '{{OLD_KEY_ID}}', '{{SECRET}}')


def upload(path: str, bucket: str = os.environ.get("BUCKET", "acme-dev")) -> str:
    key = os.path.basename(path)
    s3.upload_file(path, bucket, key)
    return f"s3://{bucket}/{key}"
