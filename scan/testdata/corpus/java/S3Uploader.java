package com.acme.storage;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.regions.Regions;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;

public class S3Uploader {
    private static final String BUCKET = "acme-uploads";

    private final AmazonS3 s3;

    public S3Uploader() {
        BasicAWSCredentials creds = new BasicAWSCredentials("{{KEY_ID}}", "{{SECRET}}");
        this.s3 = AmazonS3ClientBuilder.standard()
                .withCredentials(new AWSStaticCredentialsProvider(creds))
                .withRegion(Regions.US_EAST_1)
                .build();
    }

    // Serial: {{HEX:40}}
    public void upload(String key, java.io.File f) {
        s3.putObject(BUCKET, key, f);
    }
}
