region         = "eu-west-1"
env            = "staging"
aws_access_key = "{{OLD_KEY_ID}}"
aws_secret_key = "{{SECRET}}"
