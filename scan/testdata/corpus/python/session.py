import boto3

session = boto3.Session(
    aws_access_key_id='{{TEMP_KEY_ID}}',
    aws_secret_access_key='{{SECRET}}',
    aws_session_token='{{TOKEN}}',
    region_name='us-east-1',
)
sts = session.client("sts")
print(sts.get_caller_identity()["Account"])
