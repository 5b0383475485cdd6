"""国密 primitives: SM4-GCM for fields at rest, HMAC-SM3 for blind indexes and the audit chain.

Keys come from settings (the environment), never from the database. A key ring with key ids
allows rotation: new values use ``SIFASUO_FIELD_KEY_ID``; old values name their key.
"""

from __future__ import annotations

import base64
import os
import unicodedata
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sifasuo.core.errors import IntegrityCheckError

PREFIX = "sm4gcm:v1:"
NONCE_BYTES = 12
TAG_BYTES = 16


@cache
def _field_keys() -> dict[str, bytes]:
    keys = {kid: bytes.fromhex(hexkey) for kid, hexkey in settings.SIFASUO_FIELD_KEYS.items()}
    if not keys or any(len(k) != 16 for k in keys.values()):
        raise ImproperlyConfigured("SIFASUO_FIELD_KEYS must hold 128-bit SM4 keys as id=hex.")
    return keys


def _hex_key(name: str) -> bytes:
    key = bytes.fromhex(getattr(settings, name))
    if len(key) < 16:
        raise ImproperlyConfigured(f"{name} must be at least 128 bits of hex.")
    return key


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    """Return HMAC-SM3 of ``message`` under ``key``."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize()


def sm3(message: bytes) -> str:
    """Return the SM3 digest of ``message`` as hex."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(message)
    return digest.finalize().hex()


def encrypt(plaintext: str, *, aad: str) -> str:
    """Encrypt ``plaintext`` with SM4-GCM under the current key, bound to ``aad``."""
    key_id = settings.SIFASUO_FIELD_KEY_ID
    key = _field_keys()[key_id]
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad.encode())
    ciphertext = encryptor.update(plaintext.encode()) + encryptor.finalize()
    blob = base64.b64encode(nonce + ciphertext + encryptor.tag).decode()
    return f"{PREFIX}{key_id}:{blob}"


def decrypt(stored: str, *, aad: str) -> str:
    """Decrypt a stored ``sm4gcm:v1:`` value; raise IntegrityCheckError if it was altered."""
    if not stored.startswith(PREFIX):
        raise IntegrityCheckError("stored value is not SM4-GCM ciphertext")
    key_id, _, blob = stored[len(PREFIX) :].partition(":")
    try:
        raw = base64.b64decode(blob, validate=True)
        key = _field_keys()[key_id]
    except (ValueError, KeyError) as exc:
        raise IntegrityCheckError("stored ciphertext is malformed") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise IntegrityCheckError("stored ciphertext is truncated")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    try:
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(aad.encode())
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except (InvalidTag, ValueError) as exc:
        raise IntegrityCheckError("stored ciphertext failed its integrity check") from exc


def normalize_for_index(value: str) -> str:
    """Fold full-width characters, drop white space, upper-case: '  1101x ' == '1101X'."""
    folded = unicodedata.normalize("NFKC", value)
    return "".join(folded.split()).upper()


def blind_index(value: str, *, purpose: str) -> str:
    """Return the keyed HMAC-SM3 blind index of ``value`` for exact look-up (hex, 64 chars)."""
    key = _hex_key("SIFASUO_BLIND_INDEX_KEY")
    message = f"{purpose}:{normalize_for_index(value)}".encode()
    return hmac_sm3(key, message).hex()


def audit_chain_key() -> bytes:
    """Return the key of the audit trail's HMAC-SM3 chain."""
    return _hex_key("SIFASUO_AUDIT_CHAIN_KEY")


SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
# GB/T 32907-2016 appendix A example 1: key = plaintext = 0123456789abcdeffedcba9876543210.
SM4_KAT_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
SM4_KAT_CIPHER = bytes.fromhex("681edf34d206965e86b3e94f536e4246")


def self_test() -> None:
    """Run the SM3 and SM4 known-answer tests; refuse to start if the library gets them wrong."""
    if sm3(b"abc") != SM3_ABC:
        raise ImproperlyConfigured("SM3 self-test failed: the cryptography library is unusable.")
    # One block of the standard's known-answer vector: ECB is the block cipher itself here,
    # never a mode for data (data uses SM4-GCM).
    kat = Cipher(algorithms.SM4(SM4_KAT_KEY), modes.ECB())  # noqa: S305  # nosec B305
    encryptor = kat.encryptor()
    if encryptor.update(SM4_KAT_KEY) + encryptor.finalize() != SM4_KAT_CIPHER:
        raise ImproperlyConfigured("SM4 self-test failed: the cryptography library is unusable.")
