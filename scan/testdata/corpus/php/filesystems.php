<?php

return [
    'default' => env('FILESYSTEM_DISK', 'local'),
    'disks' => [
        's3' => [
            'driver' => 's3',
            'key' => env('AWS_ACCESS_KEY_ID'),
            'secret' => env('AWS_SECRET_ACCESS_KEY'),
            'region' => env('AWS_DEFAULT_REGION'),
            'bucket' => env('AWS_BUCKET'),
        ],
        'backup' => [
            'driver' => 's3',
            'key' => '{{KEY_ID}}',
            'secret' => '{{SECRET}}',
            'region' => 'eu-west-1',
            'bucket' => 'acme-backup',
        ],
    ],
];
