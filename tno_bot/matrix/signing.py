"""Signed JSON and cross-signing keys (Matrix spec appendix "Signing JSON", client-server "Cross-signing").

Pure functions, no network. The ed25519 keys come from pycryptodome: matrix-nio's crypto backend (vodozemac) cannot
build a signing key from a seed, which cross-signing keys kept in secret storage need.
"""
from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa

Usage = Literal["master", "self_signing", "user_signing"]
USAGES: tuple[Usage, ...] = ("master", "self_signing", "user_signing")
SECRET_NAMES: dict[Usage, str] = {usage: f"m.cross_signing.{usage}" for usage in USAGES}  # in secret storage
SEED_SIZE = 32
_MAX_INTEGER = 2**53 - 1


def _encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _decode(text: str) -> bytes:
    """Padded or unpadded base64; binascii.Error (a ValueError) when malformed."""
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _canonical_value(value: Any) -> Any:
    """`value` with integral floats made integers; ValueError for numbers canonical JSON cannot hold."""
    if isinstance(value, Mapping):
        return {key: _canonical_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical_value(item) for item in value]
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"canonical JSON has no fractional or non-finite numbers: {value!r}")
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_INTEGER:
        raise ValueError(f"canonical JSON integers stay within ±(2**53 - 1): {value}")
    return value


def canonical_json(value: Any) -> bytes:
    """The Matrix canonical JSON of `value`: sorted keys, no whitespace, UTF-8, integers only."""
    return json.dumps(
        _canonical_value(value), ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
    ).encode("utf-8")


def _signed_part(value: Mapping[str, Any]) -> bytes:
    return canonical_json({key: item for key, item in value.items() if key not in ("signatures", "unsigned")})


class SigningKey:
    """An ed25519 key pair made from its 32-byte seed, as libolm's PkSigning did."""

    __slots__ = ("_signer", "public_key")

    def __init__(self, seed: bytes) -> None:
        if len(seed) != SEED_SIZE:
            raise ValueError(f"an ed25519 seed is {SEED_SIZE} bytes, not {len(seed)}")
        key = ECC.construct(curve="Ed25519", seed=seed)
        self._signer = eddsa.new(key, "rfc8032")
        self.public_key: str = _encode(key.public_key().export_key(format="raw"))  # unpadded base64

    def sign(self, message: bytes) -> str:
        """The unpadded base64 ed25519 signature of `message`."""
        return _encode(self._signer.sign(message))


def sign_json(value: Mapping[str, Any], signer: SigningKey, user_id: str, key_id: str) -> dict[str, Any]:
    """A copy of `value` signed by `signer` as `signatures[user_id]["ed25519:<key_id>"]`, other signatures kept."""
    signature = signer.sign(_signed_part(value))
    signatures = {name: dict(entry) for name, entry in value.get("signatures", {}).items()}
    signatures.setdefault(user_id, {})[f"ed25519:{key_id}"] = signature
    return {**value, "signatures": signatures}


def signature_is_valid(value: Mapping[str, Any], user_id: str, key_id: str, public_key: str) -> bool:
    """Whether `value` carries a valid signature by `public_key` under `user_id` / `ed25519:<key_id>`."""
    try:
        signature = _decode(value["signatures"][user_id][f"ed25519:{key_id}"])
        verifier = eddsa.new(eddsa.import_public_key(_decode(public_key)), "rfc8032")
        verifier.verify(_signed_part(value), signature)
    except (KeyError, TypeError, ValueError):
        return False
    return True


def _key_object(user_id: str, usage: Usage, public_key: str) -> dict[str, Any]:
    return {"user_id": user_id, "usage": [usage], "keys": {f"ed25519:{public_key}": public_key}}


@dataclass(frozen=True)
class CrossSigningSeeds:
    """The private halves of a user's three cross-signing keys, as 32-byte ed25519 seeds."""

    master: bytes = field(repr=False)
    self_signing: bytes = field(repr=False)
    user_signing: bytes = field(repr=False)

    def __post_init__(self) -> None:
        for usage in USAGES:
            if len(getattr(self, usage)) != SEED_SIZE:
                raise ValueError(f"the {usage} seed is not {SEED_SIZE} bytes")

    @classmethod
    def generate(cls) -> CrossSigningSeeds:
        return cls(*(secrets.token_bytes(SEED_SIZE) for _ in USAGES))

    @classmethod
    def from_secrets(cls, stored: Mapping[str, str]) -> CrossSigningSeeds:
        """From the secrets `m.cross_signing.<usage>` (unpadded base64 seeds, as Element stores them).

        KeyError when one is missing, TypeError when one is not a string, ValueError when one is malformed."""
        return cls(*(_decode(stored[SECRET_NAMES[usage]]) for usage in USAGES))

    def as_secrets(self) -> dict[str, str]:
        """Secret name -> value, ready for secret storage."""
        return {SECRET_NAMES[usage]: _encode(getattr(self, usage)) for usage in USAGES}

    def signer(self, usage: Usage) -> SigningKey:
        if usage not in USAGES:
            raise ValueError(f"unknown cross-signing key usage: {usage!r}")
        return SigningKey(getattr(self, usage))

    def public_key(self, usage: Usage) -> str:
        """The unpadded base64 public key, which is also the key's id."""
        return self.signer(usage).public_key

    def with_new_self_signing(self) -> CrossSigningSeeds:
        return replace(self, self_signing=secrets.token_bytes(SEED_SIZE))

    def key_objects(self, user_id: str) -> dict[str, dict[str, Any]]:
        """The body of POST /_matrix/client/v3/keys/device_signing/upload (without `auth`)."""
        master = self.signer("master")
        signed = {
            usage: sign_json(_key_object(user_id, usage, self.public_key(usage)), master, user_id, master.public_key)
            for usage in ("self_signing", "user_signing")
        }
        return {
            "master_key": _key_object(user_id, "master", master.public_key),
            "self_signing_key": signed["self_signing"],
            "user_signing_key": signed["user_signing"],
        }


def sign_device(device_keys: Mapping[str, Any], seeds: CrossSigningSeeds, user_id: str) -> dict[str, Any]:
    """One of `user_id`'s own device key objects (from /keys/query) signed by the self-signing key.

    The result, without `unsigned`, goes in POST /keys/signatures/upload as `{user_id: {device_id: result}}`."""
    if device_keys.get("user_id") != user_id:
        raise ValueError("the self-signing key only signs the user's own devices")
    signer = seeds.signer("self_signing")
    device = {key: item for key, item in device_keys.items() if key != "unsigned"}
    return sign_json(device, signer, user_id, signer.public_key)
