"""The backup's signature: an HMAC of its manifest under one of the install's record keys.

The manifest lists a SHA-256 of ``data.json`` and of every file, so its signature covers the
whole backup: someone who edits a row (a planted manager account, a rewritten sign-off) and
fixes the checksums still cannot sign the manifest again without a key the database does not
hold. An import checks it before reading any row, with the key named by id. Pure.
"""

import json
from typing import Any

from clinic_onboard.backup.archive import MANIFEST, BackupError
from clinic_onboard.record.keys import KeyRing

SIGNATURE = "signature"


def _canonical(manifest: dict[str, Any]) -> bytes:
    """Everything but the signature, in one byte form whatever the writer's key order."""
    body = {key: value for key, value in manifest.items() if key != SIGNATURE}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign_manifest(manifest: dict[str, Any], keys: KeyRing) -> dict[str, Any]:
    """The manifest with its signature under the current key."""
    key_id, mac = keys.sign(_canonical(manifest))
    return {**manifest, SIGNATURE: {"key_id": key_id, "hmac": mac}}


def check_signature(manifest: dict[str, Any], keys: KeyRing) -> None:
    """Refuse a manifest that is unsigned, signed by a key this install lacks, or altered."""
    signature = manifest.get(SIGNATURE)
    if not isinstance(signature, dict) or not all(
        isinstance(signature.get(part), str) for part in ("key_id", "hmac")
    ):
        raise BackupError(f"{MANIFEST} carries no signature, so nothing shows it is unaltered")
    key_id = signature["key_id"]
    if not keys.holds(key_id):
        raise BackupError(
            f"the backup is signed with record key {key_id!r}, which this install does not hold; "
            "add that key to RECORD_KEYS (keep the current one first) and import again"
        )
    if not keys.verify(key_id, _canonical(manifest), signature["hmac"]):
        raise BackupError(
            f"{MANIFEST}'s signature does not verify: the backup was altered after it was written"
        )
