"""The secret keys that authenticate the record: HMAC-SHA256 under a named, rotatable key.

A plain hash only shows accidental edits: anyone who can write the database can recompute it.
An HMAC needs a key the database does not hold, so a forged or rewritten event, a signed backup
or an anchor cannot be made without it. Each key has an id stored beside what it signed, so
keys can be rotated: new signatures use the current key, older ones still verify under the
key that made them as long as the ring holds it. Pure: no Flask, no database.
"""

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
MIN_KEY_BYTES = 32


class KeyRingError(ValueError):
    """The key setting cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class KeyRing:
    """Every key the install holds, by id, and the id that signs from now on."""

    keys: Mapping[str, bytes]
    current: str

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise KeyRingError(f"the current key id {self.current!r} is not among the keys")

    def sign(self, message: bytes) -> tuple[str, str]:
        """Return (key id, hex HMAC) of ``message`` under the current key."""
        return self.current, _mac(self.keys[self.current], message)

    def verify(self, key_id: str, message: bytes, mac: str) -> bool:
        """True when ``mac`` is the HMAC of ``message`` under the key named ``key_id``.

        A key id the ring does not hold fails: it may be a forger's invention, or a retired
        key the operator must put back to check old records.
        """
        key = self.keys.get(key_id)
        return key is not None and hmac.compare_digest(_mac(key, message), mac)

    def holds(self, key_id: str) -> bool:
        return key_id in self.keys


def _mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def parse_keys(text: str, current: str | None = None) -> KeyRing:
    """Read ``id:base64-secret`` entries separated by commas; the first signs unless ``current``
    names another. Secrets must decode to at least 32 bytes (a full HMAC-SHA256 key)."""
    keys: dict[str, bytes] = {}
    for position, entry in enumerate(filter(None, (e.strip() for e in text.split(","))), 1):
        key_id, _, encoded = entry.partition(":")
        if not KEY_ID.fullmatch(key_id) or not encoded:
            raise KeyRingError(
                f"entry {position} must read id:secret, with an id of letters, digits, - or _"
            )
        if key_id in keys:
            raise KeyRingError(f"key id {key_id!r} is listed twice")
        keys[key_id] = _decode(key_id, encoded)
    if not keys:
        raise KeyRingError("no key is listed")
    return KeyRing(keys=keys, current=current or next(iter(keys)))


def _decode(key_id: str, encoded: str) -> bytes:
    try:
        padded = encoded + "=" * (-len(encoded) % 4)
        secret = base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise KeyRingError(f"key {key_id!r} is not base64") from None
    if len(secret) < MIN_KEY_BYTES:
        raise KeyRingError(f"key {key_id!r} must decode to at least {MIN_KEY_BYTES} bytes")
    return secret


def new_key_entry(key_id: str) -> str:
    """A fresh ``id:secret`` entry, for development and for the operator's rotation."""
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode()}"
