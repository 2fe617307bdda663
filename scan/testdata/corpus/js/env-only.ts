import { fromEnv, fromIni } from "@aws-sdk/credential-providers";

const accessKeyId = process.env.AWS_ACCESS_KEY_ID ?? "";
const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY ?? "";
const sessionToken = process.env.AWS_SESSION_TOKEN;
export const creds = accessKeyId ? { accessKeyId, secretAccessKey, sessionToken } : fromIni({ profile: "dev" });
export const fallback = fromEnv();
// integrity of the vendored bundle
export const BUNDLE_SHA = "{{HEX:40}}";
export const BUNDLE_SRI = "{{SHA512}}";
