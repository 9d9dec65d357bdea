"""Trusted in encrypted rooms: an Element-grade strict client (matrix-js-sdk, rust crypto, only cross-signed devices)
reads the bot and is read by it, at the first start and after the bot's store or data directory is lost."""
from __future__ import annotations

import logging
import secrets
import shutil
import stat
from contextlib import asynccontextmanager

import pytest
from nio import AsyncClient
from nio.store import DefaultStore

from tests.cast import LOCAL
from tests.e2e.conftest import BOT_LOCALPART, BOT_RECOVERY_KEY, password_of
from tests.e2e.strict_client import StrictClient
from tests.text import plain
from tno_bot.matrix import api
from tno_bot.matrix.account_secrets import AccountSecrets
from tno_bot.matrix.cross_signing import RECOVERY_KEY_FILE, vouching_master_key
from tno_bot.matrix.local_secrets import PICKLE_KEY_FILE
from tno_bot.matrix.secret_storage import decode_recovery_key, encode_recovery_key
from tno_bot.matrix.session import LoginFailed
from tno_bot.matrix.signing import SECRET_NAMES, CrossSigningSeeds

pytestmark = pytest.mark.e2e

FIGURES = ("305 797", "217 051", "116 328", "639 176")


@asynccontextmanager
async def strict_user(server, localpart: str = LOCAL.BAUME):
    """A started strict client of a new user on a private homeserver."""
    client = StrictClient(server.url, server.register(localpart, "pw"), "pw")
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def room_with_bot(client: StrictClient, runner) -> str:
    bot_id = runner.settings.user_id
    room_id = await client.create_room("Conférence chiffrée", invite=[bot_id], encrypted=True,
                                       alias=runner.room_alias())
    await client.wait_joined(room_id, bot_id)
    return room_id


async def assert_answered_by_trusted_bot(client: StrictClient, room_id: str, runner) -> None:
    """`!appel 2023` gets one answer, decrypted, with no warning shield, from a device its owner cross-signed."""
    event_id = await client.send(room_id, "!appel 2023")
    reply = await client.wait_reply(event_id)
    assert reply.decrypted, reply.decryption_error
    assert reply.sender == runner.settings.user_id and reply.sender_device_id == runner.device_id
    assert reply.shield is not None and reply.shield.colour == "NONE", reply.shield
    body = plain(reply.body)
    for figure in FIGURES:
        assert figure in body, figure
    status = await client.device_status(runner.settings.user_id, runner.device_id)
    assert status.signed_by_owner
    replies = [message for message in await client.messages(room_id) if message.in_reply_to == event_id]
    assert len(replies) == 1


async def test_element_grade_client_gets_its_answer_from_the_cross_signed_bot(bot_runner, strict_person):
    await bot_runner.start()
    emeline = await strict_person(LOCAL.BAUME)
    room_id = await room_with_bot(emeline, bot_runner)

    await assert_answered_by_trusted_bot(emeline, room_id, bot_runner)


async def test_lost_store_a_new_signed_device_answers_and_the_old_one_is_removed(synapse_factory, bot_factory,
                                                                                 tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    server = synapse_factory()
    runner = bot_factory(server, tmp_path / "bot")
    await runner.start()
    old_device = runner.device_id
    async with strict_user(server) as emeline:
        room_id = await room_with_bot(emeline, runner)
        await assert_answered_by_trusted_bot(emeline, room_id, runner)
        master = (await emeline.device_status(runner.settings.user_id, old_device)).master_key
        await runner.stop()

        shutil.rmtree(runner.settings.store_dir)
        await runner.start()

        new_device = runner.device_id
        assert new_device != old_device
        await assert_answered_by_trusted_bot(emeline, room_id, runner)
        status = await emeline.device_status(runner.settings.user_id, new_device)
        assert status.device_ids == [new_device] and status.master_key == master
    assert any(f"old device {old_device} of the bot removed" in record.getMessage() for record in caplog.records)


async def test_lost_data_directory_the_recovery_key_brings_the_same_identity_back(synapse_factory, bot_factory,
                                                                                  tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    server = synapse_factory()
    runner = bot_factory(server, tmp_path / "bot")
    await runner.start()
    async with strict_user(server) as emeline:
        room_id = await room_with_bot(emeline, runner)
        master = (await emeline.device_status(runner.settings.user_id, runner.device_id)).master_key
        await runner.stop()
        runner.engine.dispose()

        shutil.rmtree(runner.settings.data_dir)
        runner = bot_factory(server, tmp_path / "bot")  # same settings, recovery key included, empty data dir
        await runner.start()

        await assert_answered_by_trusted_bot(emeline, room_id, runner)
        assert (await emeline.device_status(runner.settings.user_id, runner.device_id)).master_key == master
    assert any("taken back from its secret storage" in record.getMessage() for record in caplog.records)
    assert not (runner.settings.data_dir / RECOVERY_KEY_FILE).exists()


async def test_device_id_recreated_on_the_server_the_stale_signature_is_replaced(synapse_factory, bot_factory,
                                                                                tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    server = synapse_factory()
    runner = bot_factory(server, tmp_path / "bot", device_id="TNOSTALE")
    await runner.start()
    await runner.stop()
    bot_id = runner.settings.user_id
    server.admin("DELETE", f"/_synapse/admin/v2/users/{bot_id}/devices/TNOSTALE")
    shutil.rmtree(runner.settings.store_dir)  # the same device id comes back with new keys

    await runner.start()
    async with strict_user(server) as emeline:
        room_id = await room_with_bot(emeline, runner)
        await assert_answered_by_trusted_bot(emeline, room_id, runner)
    messages = [record.getMessage() for record in caplog.records]
    assert any("stale signature for device TNOSTALE" in message for message in messages)
    assert any("device TNOSTALE signed with the new self-signing key" in message for message in messages)


async def test_first_start_without_recovery_key_writes_it_once_for_the_operator(synapse_factory, bot_factory,
                                                                                tmp_path, caplog):
    caplog.set_level(logging.INFO)
    server = synapse_factory()
    data_dir = tmp_path / "bot"
    runner = bot_factory(server, data_dir, recovery_key=None)
    await runner.start()
    device = runner.device_id
    await runner.stop()
    runner.engine.dispose()

    key_file = data_dir / RECOVERY_KEY_FILE
    recovery_key = key_file.read_text(encoding="utf-8").strip()
    decode_recovery_key(recovery_key)  # Element's format
    for private in (key_file, data_dir / PICKLE_KEY_FILE):
        assert stat.S_IMODE(private.stat().st_mode) == 0o600, private
    for directory in (data_dir, data_dir / "crypto"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    log_text = "\n".join(record.getMessage() for record in caplog.records)
    assert f"written once to {key_file}" in log_text
    pickle_key = (data_dir / PICKLE_KEY_FILE).read_text(encoding="utf-8")
    for secret in (recovery_key, recovery_key.replace(" ", ""), pickle_key):
        assert secret not in log_text
    store = DefaultStore(runner.settings.user_id, device, str(data_dir / "crypto"), "DEFAULT_KEY")
    with pytest.raises(Exception):  # encrypted with the bot's own pickle key, not nio's public default
        store.load_account()

    # On a new machine: a mistyped or foreign key stops the start and changes nothing; the right key recovers.
    shutil.rmtree(data_dir)
    foreign = bot_factory(server, data_dir, recovery_key=encode_recovery_key(bytes(32)))
    with pytest.raises(LoginFailed, match="does not open the secret storage"):
        await foreign.start()
    foreign.engine.dispose()
    shutil.rmtree(data_dir)
    runner = bot_factory(server, data_dir, recovery_key=recovery_key)
    await runner.start()
    async with strict_user(server) as emeline:
        room_id = await room_with_bot(emeline, runner)
        await assert_answered_by_trusted_bot(emeline, room_id, runner)
    assert not (data_dir / RECOVERY_KEY_FILE).exists()
    assert server.user_id(BOT_LOCALPART) == runner.settings.user_id

    # With the data directory intact, a wrong key given is refused at once, not on the day it is needed.
    await runner.stop()
    cache = (data_dir / "cross-signing.json").read_bytes()
    for wrong, reason in ((encode_recovery_key(bytes(32)), "does not open the secret storage"),
                          (recovery_key[:-1] + ("A" if recovery_key[-1] != "A" else "B"), "mistyped")):
        refused = bot_factory(server, data_dir, recovery_key=wrong)
        with pytest.raises(LoginFailed, match=reason) as stopped:
            await refused.start()
        assert wrong not in str(stopped.value)
        refused.engine.dispose()
    assert (data_dir / "cross-signing.json").read_bytes() == cache


async def test_element_with_the_recovery_key_verifies_its_session_with_the_bot_identity(synapse_factory, bot_factory,
                                                                                      tmp_path):
    """What the README promises the administrator: Element's own stack reads the bot's secret storage."""
    server = synapse_factory()
    runner = bot_factory(server, tmp_path / "bot")
    await runner.start()
    bot_id, bot_device = runner.settings.user_id, runner.device_id
    async with strict_user(server) as emeline:
        room_id = await room_with_bot(emeline, runner)  # Emeline's crypto now tracks the bot's devices
        master = (await emeline.device_status(bot_id, bot_device)).master_key
        assert master is not None

        # A well-formed recovery key that is not the account's: refused, nothing reset or rewritten.
        intruder = StrictClient(server.url, bot_id, password_of(BOT_LOCALPART),
                                recovery_key=encode_recovery_key(secrets.token_bytes(32)))
        try:
            await intruder.start()
            assert intruder.recovery_error and "wrong recovery key" in intruder.recovery_error
            assert intruder.secret_storage_changed == []
            own = await intruder.own_status()
            assert not own.signed_by_owner and not own.cross_signing_verified and not own.cross_signing_ready
            assert own.master_key == master and own.trusted_master_key is None
        finally:
            await intruder.stop()

        admin = StrictClient(server.url, bot_id, password_of(BOT_LOCALPART), recovery_key=BOT_RECOVERY_KEY)
        try:
            await admin.start()
            assert admin.recovery_error is None
            assert admin.secret_storage_changed == []  # read as the bot wrote it, not rewritten
            own = await admin.own_status()
            assert own.signed_by_owner and own.cross_signing_verified and own.cross_signing_ready, own
            assert own.master_key == own.trusted_master_key == admin.master_key == master
        finally:
            await admin.stop()

        await assert_answered_by_trusted_bot(emeline, room_id, runner)  # the bot's device is still signed
        bot_status = await emeline.device_status(bot_id, bot_device)
        assert bot_status.master_key == master and admin.device_id in bot_status.device_ids
        assert (await emeline.device_status(bot_id, admin.device_id)).signed_by_owner


async def test_a_self_signing_key_replaced_elsewhere_is_taken_from_secret_storage_not_overwritten(
        synapse_factory, bot_factory, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    server = synapse_factory()
    runner = bot_factory(server, tmp_path / "bot")
    await runner.start()
    await runner.stop()

    # The operator, logged in as the bot elsewhere (Element, say), replaces the self-signing key and stores it.
    operator = AsyncClient(server.url, runner.settings.user_id)
    await operator.login(password_of(BOT_LOCALPART), device_name="operator")
    try:
        storage = await AccountSecrets.open(operator, decode_recovery_key(BOT_RECOVERY_KEY))
        seeds = CrossSigningSeeds.from_secrets({name: await storage.read(name) for name in SECRET_NAMES.values()})
        replaced = seeds.with_new_self_signing()
        await api.request_with_password(operator, "POST", "/_matrix/client/v3/keys/device_signing/upload",
                                        {"self_signing_key": replaced.key_objects(operator.user_id)["self_signing_key"]},
                                        password_of(BOT_LOCALPART))
        name = SECRET_NAMES["self_signing"]
        await storage.write(name, replaced.as_secrets()[name])

        caplog.clear()
        await runner.start()  # its local cache still holds the old self-signing key
        keys = await api.query_own_keys(operator)
    finally:
        await operator.close()
    self_signing = keys["self_signing_keys"][runner.settings.user_id]["keys"]
    assert list(self_signing.values()) == [replaced.public_key("self_signing")]  # not overwritten
    assert vouching_master_key(keys, runner.settings.user_id, runner.device_id) == seeds.public_key("master")
    messages = [record.getMessage() for record in caplog.records]
    assert any("taken back from its secret storage" in message for message in messages)
    assert not any("uploading it" in message for message in messages)
