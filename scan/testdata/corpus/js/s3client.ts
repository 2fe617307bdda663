import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";

const credentials = {
  accessKeyId: "{{TEMP_KEY_ID}}",
  secretAccessKey: "{{SECRET}}",
  sessionToken: "{{TOKEN}}",
};

export const client = new S3Client({ region: "eu-west-1", credentials });

export async function put(key: string, body: Uint8Array): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: process.env.BUCKET!, Key: key, Body: body }));
}
