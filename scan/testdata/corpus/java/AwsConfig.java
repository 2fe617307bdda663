package com.acme.config;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

public final class AwsConfig {
    private static final String ACCESS_KEY =
        "{{OLD_KEY_ID}}";
    private static final String SECRET_KEY =
        "{{SECRET}}";

    static StaticCredentialsProvider provider() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    static {
        System.setProperty("aws.accessKeyId", "{{KEY_ID}}");
        System.setProperty("aws.secretAccessKey", "{{SECRET}}");
    }
}
