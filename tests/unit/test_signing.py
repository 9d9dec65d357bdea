"""Canonical JSON and signatures match the spec's test vectors and an independent ed25519 (PyNaCl)."""
from __future__ import annotations

import base64
import json

import canonicaljson
import pytest
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from tests.cast import BOT as USER
from tno_bot.matrix.signing import (
    CrossSigningSeeds,
    SigningKey,
    canonical_json,
    sign_device,
    sign_json,
    signature_is_valid,
)


def b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def nacl_verifies(value: dict, user_id: str, key_id: str, public_key: str) -> bool:
    """Verification by PyNaCl over canonicaljson's encoding: shares no code with the module under test."""
    unsigned = {key: item for key, item in value.items() if key not in ("signatures", "unsigned")}
    signature = b64decode(value["signatures"][user_id][f"ed25519:{key_id}"])
    try:
        VerifyKey(b64decode(public_key)).verify(canonicaljson.encode_canonical_json(unsigned), signature)
    except BadSignatureError:
        return False
    return True


# The examples of the spec appendix "Canonical JSON", verbatim.
SPEC_CANONICAL_EXAMPLES = [
    ("{}", "{}"),
    ('{\n    "one": 1,\n    "two": "Two"\n}', '{"one":1,"two":"Two"}'),
    ('{\n    "b": "2",\n    "a": "1"\n}', '{"a":"1","b":"2"}'),
    ('{"b":"2","a":"1"}', '{"a":"1","b":"2"}'),
    (
        """{
    "auth": {
        "success": true,
        "mxid": "@john.doe:example.com",
        "profile": {
            "display_name": "John Doe",
            "three_pids": [
                {
                    "medium": "email",
                    "address": "john.doe@example.org"
                },
                {
                    "medium": "msisdn",
                    "address": "123456789"
                }
            ]
        }
    }
}""",
        '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":'
        '[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},'
        '"success":true}}',
    ),
    ('{\n    "a": "日本語"\n}', '{"a":"日本語"}'),
    ('{\n    "本": 2,\n    "日": 1\n}', '{"日":1,"本":2}'),
    ('{\n    "a": "\\u65E5"\n}', '{"a":"日"}'),
    ('{\n    "a": null\n}', '{"a":null}'),
    ('{\n    "a": -0,\n    "b": 1e10\n}', '{"a":0,"b":10000000000}'),
]


@pytest.mark.parametrize(("given", "expected"), SPEC_CANONICAL_EXAMPLES)
def test_canonical_json_spec_examples(given, expected):
    assert canonical_json(json.loads(given)) == expected.encode("utf-8")


@pytest.mark.parametrize("value", [{"a": 1.5}, {"a": [float("nan")]}, {"a": 2**53}, {"a": -(2**53)}])
def test_canonical_json_refuses_numbers_it_cannot_hold(value):
    with pytest.raises(ValueError):
        canonical_json(value)


# Appendix "Cryptographic Test Vectors": seed, server name "domain", key id "ed25519:1".
SPEC_SEED = b64decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1")


@pytest.mark.parametrize(
    ("value", "signature"),
    [
        ({}, "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"),
        (
            {"one": 1, "two": "Two"},
            "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw",
        ),
    ],
)
def test_sign_json_spec_vectors(value, signature):
    signer = SigningKey(SPEC_SEED)
    signed = sign_json(value, signer, "domain", "1")
    assert signed == {**value, "signatures": {"domain": {"ed25519:1": signature}}}
    assert signature_is_valid(signed, "domain", "1", signer.public_key)
    assert nacl_verifies(signed, "domain", "1", signer.public_key)


@pytest.mark.parametrize(
    ("seed", "public_key"),
    [  # cross-signing seeds and public keys from matrix-js-sdk's secrets.spec.ts (made with libolm's PkSigning)
        ("3lo2YdJugHjfE+Or7KJ47NuKbhE7AAGLgQ/dc19913Q=", "DRb8pFVJyEJ9OWvXeUoM0jq/C2Wt+NxzBZVuk2nRb+0"),
        ("lKWi3hJGUie5xxHgySoz8PHFnZv6wvNaud/p2shN9VU=", "CUpoiTtHiyXpUmd+3ohb7JVxAlUaOG1NYs9Jlx8soQU"),
        ("1R6JVlXX99UcfUZzKuCDGQgJTw8ur1/ofgPD8pp+96M=", "0DfNsRDzEvkCLA0gD3m7VAGJ5VClhjEsewI35xq873Q"),
    ],
)
def test_public_key_of_a_seed_is_libolms(seed, public_key):
    assert SigningKey(b64decode(seed)).public_key == public_key


def test_sign_json_keeps_other_signatures_and_unsigned_and_leaves_the_input_alone():
    signer = SigningKey(bytes(range(32)))
    value = {"a": 1, "unsigned": {"age": 5}, "signatures": {USER: {"ed25519:DEVICE": "abc"}, "@x:y": {"k": "v"}}}
    original = json.loads(json.dumps(value))
    signed = sign_json(value, signer, USER, "KEY")
    assert value == original
    assert signed["unsigned"] == {"age": 5}
    assert signed["signatures"]["@x:y"] == {"k": "v"}
    assert signed["signatures"][USER]["ed25519:DEVICE"] == "abc"
    assert nacl_verifies(signed, USER, "KEY", signer.public_key)
    # `unsigned` and other signatures are not covered by the signature
    assert signature_is_valid({**signed, "unsigned": {"age": 99}}, USER, "KEY", signer.public_key)


def test_signature_is_invalid_when_tampered_absent_or_malformed():
    signer = SigningKey(bytes(range(32)))
    other = SigningKey(bytes(32))
    signed = sign_json({"a": 1, "b": [1, 2]}, signer, USER, "KEY")
    tampered = {**signed, "b": [1, 3]}
    assert not signature_is_valid(tampered, USER, "KEY", signer.public_key)
    assert not nacl_verifies(tampered, USER, "KEY", signer.public_key)
    assert not signature_is_valid(signed, USER, "KEY", other.public_key)
    assert not signature_is_valid(signed, USER, "OTHER", signer.public_key)
    assert not signature_is_valid(signed, "@someone:else", "KEY", signer.public_key)
    assert not signature_is_valid({"a": 1, "b": [1, 2]}, USER, "KEY", signer.public_key)
    for bad in ("!!", 3):
        bad_signature = {**signed, "signatures": {USER: {"ed25519:KEY": bad}}}
        assert not signature_is_valid(bad_signature, USER, "KEY", signer.public_key)
    assert not signature_is_valid({**signed, "signatures": [1]}, USER, "KEY", signer.public_key)
    assert not signature_is_valid(signed, USER, "KEY", "not a key")
    assert not signature_is_valid({**signed, "a": 1.5}, USER, "KEY", signer.public_key)


def test_signing_key_needs_a_32_byte_seed():
    with pytest.raises(ValueError):
        SigningKey(bytes(31))


def test_seeds_generate_derive_and_replace_the_self_signing_key():
    seeds = CrossSigningSeeds.generate()
    assert len({seeds.master, seeds.self_signing, seeds.user_signing}) == 3
    assert all(len(seed) == 32 for seed in (seeds.master, seeds.self_signing, seeds.user_signing))
    assert seeds.public_key("master") == SigningKey(seeds.master).public_key
    assert len(b64decode(seeds.public_key("user_signing"))) == 32
    renewed = seeds.with_new_self_signing()
    assert (renewed.master, renewed.user_signing) == (seeds.master, seeds.user_signing)
    assert renewed.self_signing != seeds.self_signing
    for seed in (seeds.master, seeds.self_signing, seeds.user_signing):
        assert repr(seed) not in repr(seeds)
    with pytest.raises(ValueError):
        seeds.signer("device")
    with pytest.raises(ValueError):
        CrossSigningSeeds(bytes(32), bytes(32), bytes(16))


def test_seeds_as_secrets_round_trip_as_element_stores_them():
    seeds = CrossSigningSeeds.generate()
    stored = seeds.as_secrets()
    assert set(stored) == {"m.cross_signing.master", "m.cross_signing.self_signing", "m.cross_signing.user_signing"}
    assert stored["m.cross_signing.master"] == base64.b64encode(seeds.master).decode().rstrip("=")
    assert CrossSigningSeeds.from_secrets(stored) == seeds
    padded = {name: value + "=" for name, value in stored.items()}  # as a client writing padded base64 would
    assert CrossSigningSeeds.from_secrets(padded) == seeds
    with pytest.raises(ValueError):
        CrossSigningSeeds.from_secrets({**stored, "m.cross_signing.master": "AAAA"})


def test_key_objects_are_the_upload_body_signed_by_master():
    seeds = CrossSigningSeeds.generate()
    body = seeds.key_objects(USER)
    master = seeds.public_key("master")
    assert body["master_key"] == {"user_id": USER, "usage": ["master"], "keys": {f"ed25519:{master}": master}}
    for field, usage in (("self_signing_key", "self_signing"), ("user_signing_key", "user_signing")):
        public_key = seeds.public_key(usage)
        key_object = body[field]
        assert key_object["user_id"] == USER
        assert key_object["usage"] == [usage]
        assert key_object["keys"] == {f"ed25519:{public_key}": public_key}
        assert list(key_object["signatures"]) == [USER]
        assert list(key_object["signatures"][USER]) == [f"ed25519:{master}"]
        assert nacl_verifies(key_object, USER, master, master)
        assert signature_is_valid(key_object, USER, master, master)


def test_sign_device_uses_the_self_signing_key():
    seeds = CrossSigningSeeds.generate()
    device = {
        "user_id": USER,
        "device_id": "TNOBOT",
        "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
        "keys": {"curve25519:TNOBOT": "curve", "ed25519:TNOBOT": "edkey"},
        "signatures": {USER: {"ed25519:TNOBOT": "devicesignature"}},
        "unsigned": {"device_display_name": "tno-bot"},
    }
    signed = sign_device(device, seeds, USER)
    self_signing = seeds.public_key("self_signing")
    assert "unsigned" not in signed
    assert signed["signatures"][USER]["ed25519:TNOBOT"] == "devicesignature"
    assert nacl_verifies(signed, USER, self_signing, self_signing)
    assert not signature_is_valid({**signed, "keys": {}}, USER, self_signing, self_signing)
    with pytest.raises(ValueError):
        sign_device({**device, "user_id": "@other:tno.example"}, seeds, USER)
