<?php
require 'vendor/autoload.php';

use Aws\S3\S3Client;

$s3 = new S3Client([
    'version' => 'latest',
    'region'  => 'us-east-1',
    'credentials' => [
        'key'    => "{{OLD_KEY_ID}}",
        'secret' => "{{SECRET}}",
        'token'  => "{{TOKEN}}",
    ],
]);
$csrf = '{{HEX:40}}';
