"""Signed audit digests: signing with a KMS asymmetric key, storing in S3 with Object Lock.

On deployed stages the key is ECC_NIST_P256 (SIGN_VERIFY) and the bucket has Object Lock in
compliance mode (infra/cloudformation.py): no one, the account root included, can delete or
overwrite a digest version before its retention ends. The local stack runs the same code on moto.
Only the digest function's role may kms:Sign and s3:PutObject; the API may kms:Verify and read.
"""
from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.errors import UnavailableError

SIGNING_ALGORITHM = "ECDSA_SHA_256"
DIGEST_PREFIX = "audit-digests/"


class KmsDigestSigner:
    def __init__(self, client: Any, key_id: str) -> None:
        self._kms = client
        self.key_id = key_id

    def sign(self, message: bytes) -> bytes:
        try:
            answer = self._kms.sign(KeyId=self.key_id, Message=message, MessageType="RAW",
                                    SigningAlgorithm=SIGNING_ALGORITHM)
        except ClientError as error:
            raise UnavailableError(f"cannot sign the audit digest: {error}") from error
        return bytes(answer["Signature"])

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            answer = self._kms.verify(KeyId=self.key_id, Message=message, MessageType="RAW",
                                      Signature=signature, SigningAlgorithm=SIGNING_ALGORITHM)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "KMSInvalidSignatureException":
                return False
            raise UnavailableError(f"cannot verify the audit digest: {error}") from error
        return bool(answer.get("SignatureValid"))


class S3DigestArchive:
    """Each digest is one object, `audit-digests/<time>.json`, its signature in the metadata.
    `retention_days`: each object locked in compliance mode that long (None: the bucket default)."""

    def __init__(self, client: Any, bucket: str, retention_days: int | None = None) -> None:
        self._s3 = client
        self._bucket = bucket
        self._retention_days = retention_days

    def put(self, name: str, body: bytes, signature: bytes, key_id: str) -> None:
        extra: dict[str, Any] = {}
        if self._retention_days:
            extra.update(ObjectLockMode="COMPLIANCE",
                         ObjectLockRetainUntilDate=datetime.now().astimezone() + timedelta(days=self._retention_days))
        self._s3.put_object(Bucket=self._bucket, Key=DIGEST_PREFIX + name, Body=body, ContentType="application/json",
                            ChecksumAlgorithm="SHA256",
                            Metadata={"signature": base64.b64encode(signature).decode(), "key-id": key_id,
                                      "algorithm": SIGNING_ALGORITHM}, **extra)

    def names(self) -> list[str]:
        out: list[str] = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=DIGEST_PREFIX):
            out += [o["Key"][len(DIGEST_PREFIX):] for o in page.get("Contents", [])]
        return sorted(out)

    def get(self, name: str) -> tuple[bytes, bytes]:
        answer = self._s3.get_object(Bucket=self._bucket, Key=DIGEST_PREFIX + name)
        signature = base64.b64decode(answer.get("Metadata", {}).get("signature", ""))
        return bytes(answer["Body"].read()), signature
