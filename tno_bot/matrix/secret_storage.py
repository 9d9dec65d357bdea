"""Matrix secret storage with `m.secret_storage.v1.aes-hmac-sha2`, and recovery keys as Element shows them.

Pure functions, no network (client-server spec, "Secrets"; appendix "Cryptographic key representation"). Values are
written as unpadded base64, as the spec says; padded base64, which Element writes, is accepted on read.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from Crypto.Cipher import AES
from Crypto.Hash import HMAC, SHA256
from Crypto.Protocol.KDF import HKDF

ALGORITHM = "m.secret_storage.v1.aes-hmac-sha2"
KEY_SIZE = 32

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"  # Bitcoin's alphabet
_BASE58_VALUES = {character: value for value, character in enumerate(_BASE58)}
_PREFIX = b"\x8b\x01"
_RECOVERY_KEY_CHARACTERS = 48  # 2 + 32 + 1 bytes starting 0x8B01 always encode to 48 base58 characters


class RecoveryKeyError(ValueError):
    """A recovery key that cannot be read; the message explains why, and never repeats the key."""


class SecretStorageError(Exception):
    """An encrypted secret that does not decrypt with this key, or is malformed."""


def _base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, digit = divmod(number, 58)
        digits.append(_BASE58[digit])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def _base58_decode(text: str) -> bytes:
    number = 0
    for character in text:
        number = number * 58 + _BASE58_VALUES[character]
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def _parity(data: bytes) -> int:
    parity = 0
    for byte in data:
        parity ^= byte
    return parity


def encode_recovery_key(key: bytes) -> str:
    """The 32-byte secret storage `key` as Element shows it: base58 in groups of four characters."""
    if len(key) != KEY_SIZE:
        raise ValueError(f"a secret storage key is {KEY_SIZE} bytes, not {len(key)}")
    data = _PREFIX + key
    text = _base58_encode(data + bytes([_parity(data)]))
    return " ".join(text[start:start + 4] for start in range(0, len(text), 4))


def decode_recovery_key(text: str) -> bytes:
    """The 32-byte key of a typed or pasted recovery key (whitespace ignored); RecoveryKeyError if mistyped."""
    compact = "".join(text.split())
    if not compact:
        raise RecoveryKeyError("the recovery key is empty")
    if any(character not in _BASE58_VALUES for character in compact):
        raise RecoveryKeyError(
            "the recovery key contains characters that recovery keys never use "
            "(they have only letters and digits, and never 0, O, I or l)"
        )
    if len(compact) != _RECOVERY_KEY_CHARACTERS:
        raise RecoveryKeyError(
            f"the recovery key has {len(compact)} characters instead of {_RECOVERY_KEY_CHARACTERS} "
            "(12 groups of 4): some are missing or extra"
        )
    data = _base58_decode(compact)
    if len(data) != len(_PREFIX) + KEY_SIZE + 1 or not data.startswith(_PREFIX):
        raise RecoveryKeyError("the recovery key is mistyped (it does not decode to a Matrix recovery key)")
    if _parity(data[:-1]) != data[-1]:
        raise RecoveryKeyError("the recovery key is mistyped (its check digit does not match)")
    return data[len(_PREFIX):-1]


def _encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _decode(text: Any) -> bytes:
    """Padded or unpadded base64; binascii.Error or TypeError when malformed."""
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _keys(key: bytes, name: str) -> tuple[bytes, bytes]:
    """The AES-256 key and the HMAC-SHA-256 key for the secret called `name`."""
    derived = HKDF(key, 64, bytes(32), SHA256, context=name.encode("utf-8"))
    return derived[:32], derived[32:]


def _encrypt(key: bytes, name: str, plaintext: bytes, iv: bytes) -> tuple[bytes, bytes]:
    """(ciphertext, mac) of `plaintext` under the keys derived for `name`."""
    aes_key, mac_key = _keys(key, name)
    ciphertext = AES.new(aes_key, AES.MODE_CTR, nonce=b"", initial_value=iv).encrypt(plaintext)
    return ciphertext, HMAC.new(mac_key, ciphertext, SHA256).digest()


def _new_iv() -> bytes:
    iv = bytearray(secrets.token_bytes(16))
    iv[8] &= 0x7F  # bit 63 cleared, so that 64-bit counters (Android) never wrap
    return bytes(iv)


def encrypt_secret(key: bytes, name: str, secret: str) -> dict[str, str]:
    """`{"iv", "ciphertext", "mac"}`: `secret` encrypted for storage under the secret name `name`."""
    iv = _new_iv()
    ciphertext, mac = _encrypt(key, name, secret.encode("utf-8"), iv)
    return {"iv": _encode(iv), "ciphertext": _encode(ciphertext), "mac": _encode(mac)}


def decrypt_secret(key: bytes, name: str, encrypted: Mapping[str, Any]) -> str:
    """The secret `name` from its `{"iv", "ciphertext", "mac"}`; SecretStorageError on a wrong key or bad data."""
    try:
        iv, ciphertext, mac = (_decode(encrypted[field]) for field in ("iv", "ciphertext", "mac"))
    except (KeyError, TypeError, binascii.Error):
        raise SecretStorageError(f"the stored secret {name} is malformed") from None
    if len(iv) != 16:
        raise SecretStorageError(f"the stored secret {name} is malformed")
    aes_key, mac_key = _keys(key, name)
    if not hmac.compare_digest(HMAC.new(mac_key, ciphertext, SHA256).digest(), mac):
        raise SecretStorageError(f"the secret {name} does not decrypt with this key (wrong key or altered data)")
    plaintext = AES.new(aes_key, AES.MODE_CTR, nonce=b"", initial_value=iv).decrypt(ciphertext)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretStorageError(f"the secret {name} is not text") from None


def new_key_description(key: bytes, name: str) -> dict[str, str]:
    """The content of the account data `m.secret_storage.key.<key id>` for `key`, with its check (`iv`, `mac`)."""
    iv = _new_iv()
    _, mac = _encrypt(key, "", bytes(32), iv)
    return {"algorithm": ALGORITHM, "name": name, "iv": _encode(iv), "mac": _encode(mac)}


def key_matches(key: bytes, description: Mapping[str, Any]) -> bool:
    """Whether `key` is the one `description` describes (its `mac` over 32 encrypted zero bytes).

    A description without `iv` and `mac` has no check: the spec says to assume the key matches (a wrong key then
    fails at `decrypt_secret`)."""
    if description.get("algorithm") != ALGORITHM:
        return False
    if "iv" not in description and "mac" not in description:
        return True
    try:
        iv, mac = _decode(description["iv"]), _decode(description["mac"])
    except (KeyError, TypeError, binascii.Error):
        return False
    if len(iv) != 16:
        return False
    _, expected = _encrypt(key, "", bytes(32), iv)
    return hmac.compare_digest(expected, mac)
