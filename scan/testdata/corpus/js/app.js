'use strict';
const AWS = require('aws-sdk');

AWS.config.update({
  region: 'us-east-1',
  accessKeyId: '{{KEY_ID}}',
  secretAccessKey: '{{SECRET}}',
});

const s3 = new AWS.S3({ apiVersion: '2006-03-01' });
const secret = process.env.AWS_SECRET_ACCESS_KEY || '{{SECRET}}';

module.exports = { s3, secret };
