require 'aws-sdk-s3'

Aws.config.update(
  region: 'us-east-1',
  credentials: Aws::Credentials.new('{{KEY_ID}}', '{{SECRET}}')
)

S3 = Aws::S3::Client.new(
  access_key_id: '{{OLD_KEY_ID}}',
  secret_access_key: '{{SECRET}}'
)

CarrierWave.configure do |config|
  config.fog_credentials = {
    provider:              'AWS',
    aws_access_key_id:     ENV['AWS_ACCESS_KEY_ID'],
    aws_secret_access_key: ENV['AWS_SECRET_ACCESS_KEY'],
    region:                'eu-west-1'
  }
end
