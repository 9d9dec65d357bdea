"""A device vouched for by its owner's master key, as a strict client checks it; the local identity cache."""
from __future__ import annotations

import stat

from tests.cast import BOT as USER
from tno_bot.matrix.cross_signing import vouching_master_key
from tno_bot.matrix.identity_cache import Identity, IdentityCache
from tno_bot.matrix.signing import CrossSigningSeeds, SigningKey, sign_device, sign_json


def keys_answer(seeds: CrossSigningSeeds, device: dict) -> dict:
    objects = seeds.key_objects(USER)
    return {"master_keys": {USER: objects["master_key"]}, "self_signing_keys": {USER: objects["self_signing_key"]},
            "device_keys": {USER: {device["device_id"]: device}}}


def a_device() -> dict:
    device_key = SigningKey(bytes(range(32)))
    device = {"user_id": USER, "device_id": "TNOBOT01", "algorithms": ["m.megolm.v1.aes-sha2"],
              "keys": {"ed25519:TNOBOT01": device_key.public_key}}
    return sign_json(device, device_key, USER, "TNOBOT01")


def test_a_device_signed_by_the_self_signing_key_is_vouched_for_by_the_master_key():
    seeds = CrossSigningSeeds.generate()
    answer = keys_answer(seeds, sign_device(a_device(), seeds, USER))
    assert vouching_master_key(answer, USER, "TNOBOT01") == seeds.public_key("master")


def test_an_unsigned_a_tampered_or_a_foreign_signed_device_is_not():
    seeds, other = CrossSigningSeeds.generate(), CrossSigningSeeds.generate()
    assert vouching_master_key(keys_answer(seeds, a_device()), USER, "TNOBOT01") is None
    tampered = {**sign_device(a_device(), seeds, USER), "algorithms": ["m.olm.v1.curve25519-aes-sha2"]}
    assert vouching_master_key(keys_answer(seeds, tampered), USER, "TNOBOT01") is None
    signed_by_other = sign_device(a_device(), other, USER)
    assert vouching_master_key(keys_answer(seeds, signed_by_other), USER, "TNOBOT01") is None
    assert vouching_master_key(keys_answer(seeds, a_device()), USER, "UNKNOWN") is None


def test_a_self_signing_key_not_signed_by_the_master_key_vouches_for_nothing():
    seeds, other = CrossSigningSeeds.generate(), CrossSigningSeeds.generate()
    answer = keys_answer(seeds, sign_device(a_device(), seeds, USER))
    answer["master_keys"][USER] = other.key_objects(USER)["master_key"]
    assert vouching_master_key(answer, USER, "TNOBOT01") is None


def test_the_identity_cache_round_trips_privately_and_ignores_another_pickle_key(tmp_path):
    identity = Identity(CrossSigningSeeds.generate(), "KEYID", bytes(range(32)))
    IdentityCache(tmp_path, "pickle").save(USER, identity)
    assert IdentityCache(tmp_path, "pickle").load(USER) == identity
    assert stat.S_IMODE((tmp_path / "cross-signing.json").stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.partial"))
    assert IdentityCache(tmp_path, "another pickle key").load(USER) is None
    assert IdentityCache(tmp_path, "pickle").load("@someone:tno.example") is None
    (tmp_path / "cross-signing.json").write_text("{trunc", encoding="utf-8")
    assert IdentityCache(tmp_path, "pickle").load(USER) is None
