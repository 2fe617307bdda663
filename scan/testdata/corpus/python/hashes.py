import hashlib, hmac, base64

KNOWN_GOOD = {
    "release-1.2.0.tar.gz": "{{HEX:40}}",
    "release-1.3.0.tar.gz": "{{HEX:64}}",
}
PINNED_COMMIT = "{{HEX:40}}"
SIGNING_SALT = b"{{B64:30}}"


def sign(body: bytes, key: bytes) -> str:
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def etag(body: bytes) -> str:
    return hashlib.md5(body).hexdigest()
