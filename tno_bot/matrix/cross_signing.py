"""The bot's device cross-signed by its owner, as Element requires of a device before it shares room keys with it.

At start-up: the account's cross-signing identity is created when it has none (its private keys go to the account's
secret storage under a recovery key, as Element does), or taken back from the local cache or, on a new machine, from
secret storage with the recovery key. Then the current device must carry a *valid* signature of the self-signing
key: Synapse keeps the stale signature of a device id that was deleted and re-created, and silently drops a new one
by the same key (element-hq/synapse#17375, #17376); the self-signing key is then rotated under the same master key.
"""
from __future__ import annotations

import logging
import secrets
from nio import AsyncClient

from tno_bot.matrix import api
from tno_bot.matrix.account_secrets import AccountSecrets, WrongRecoveryKey
from tno_bot.matrix.identity_cache import Identity, IdentityCache
from tno_bot.matrix.local_secrets import pickle_key_of, write_private_file
from tno_bot.matrix.secret_storage import (
    KEY_SIZE,
    RecoveryKeyError,
    SecretStorageError,
    decode_recovery_key,
    encode_recovery_key,
)
from tno_bot.matrix.session import HomeserverUnavailable, LoginFailed, remove_old_devices
from tno_bot.matrix.settings import MatrixSettings
from tno_bot.matrix.signing import SECRET_NAMES, CrossSigningSeeds, sign_device, signature_is_valid

log = logging.getLogger(__name__)

RECOVERY_KEY_FILE = "recovery-key.txt"


class IdentityUnavailable(Exception):
    """The bot cannot use its account's cross-signing identity (the message says what the operator must do)."""


class CrossSigning:
    def __init__(self, client: AsyncClient, settings: MatrixSettings, pickle_key: str) -> None:
        self.client = client
        self.settings = settings
        self.user_id = client.user_id
        self.cache = IdentityCache(settings.data_dir, pickle_key)
        self.key_file = settings.data_dir / RECOVERY_KEY_FILE

    async def ensure(self) -> None:
        """Make the current device cross-signed by a valid signature, or say in the log why it cannot be.

        Raises WrongRecoveryKey or IdentityUnavailable when the operator's recovery key is wrong."""
        if self.client.should_upload_keys:
            await self.client.keys_upload()  # the device keys must be on the server to be signed
        keys = await api.query_own_keys(self.client)
        master = _public_key(keys.get("master_keys", {}).get(self.user_id))
        if master is None:
            identity = await self._create()
            keys = await api.query_own_keys(self.client)
        else:
            identity = await self._recover(master, _public_key(keys.get("self_signing_keys", {}).get(self.user_id)))
            if identity is None:
                self._report_unsigned(keys, master)
                return
        await self._sign_device(identity, keys)
        if master is not None and self.key_file.exists():  # a first start has just said where the key is
            log.warning("the recovery key is still in %s: store it in a safe, then delete that file", self.key_file)

    # ------------------------------------------------------------------------------------------------ identity
    async def _create(self) -> Identity:
        storage_key = self._given_key()
        generated = storage_key is None
        if generated:
            storage_key = secrets.token_bytes(KEY_SIZE)
            write_private_file(self.key_file, encode_recovery_key(storage_key) + "\n")
        seeds = CrossSigningSeeds.generate()
        storage = (None if generated else await AccountSecrets.open(self.client, storage_key)) \
            or await AccountSecrets.create(self.client, storage_key)
        for name, value in seeds.as_secrets().items():
            await storage.write(name, value)
        identity = Identity(seeds, storage.key_id, storage_key)
        self.cache.save(self.user_id, identity)
        await api.request_with_password(self.client, "POST", "/_matrix/client/v3/keys/device_signing/upload",
                                        seeds.key_objects(self.user_id), self.settings.password)
        log.info("cross-signing identity created for %s (master key %s), kept in its secret storage",
                 self.user_id, seeds.public_key("master"))
        if generated:
            log.warning("a recovery key was made for %s and written once to %s: store it in a safe, give it to the "
                        "bot as TNO_RECOVERY_KEY (or TNO_RECOVERY_KEY_FILE) on a new machine, and delete the file",
                        self.user_id, self.key_file)
        return identity

    async def _recover(self, master: str, self_signing: str | None) -> Identity | None:
        """The identity whose master key is `master`: from the cache while it holds the homeserver's self-signing key
        (else it was replaced elsewhere, by Element say), otherwise from secret storage; None if neither can be read."""
        cached = self.cache.load(self.user_id)
        given = self._given_key()
        if cached and cached.seeds.public_key("master") == master and \
                cached.seeds.public_key("self_signing") == self_signing:
            if given is None or given == cached.storage_key:
                return cached
            # A recovery key other than the one known here: checked now, not on the day it is needed.
            storage = await AccountSecrets.open(self.client, given)
            if storage is None:
                return cached
            identity = Identity(cached.seeds, storage.key_id, given)
            self.cache.save(self.user_id, identity)
            return identity
        storage_key = given or (cached.storage_key if cached else None)
        if storage_key is None:
            return None
        storage = await AccountSecrets.open(self.client, storage_key)
        if storage is None:
            raise IdentityUnavailable(f"{self.user_id} has a cross-signing identity but no secret storage: reset "
                                      "its cross-signing in Element (logged in as the bot) or use another account")
        try:
            seeds = CrossSigningSeeds.from_secrets({name: await storage.read(name) for name in SECRET_NAMES.values()})
        except (KeyError, TypeError, ValueError, SecretStorageError):
            seeds = None
        if seeds is None or seeds.public_key("master") != master:
            raise IdentityUnavailable(f"the secret storage of {self.user_id} does not hold the private keys of its "
                                      f"cross-signing identity (master key {master})")
        identity = Identity(seeds, storage.key_id, storage_key)
        self.cache.save(self.user_id, identity)
        log.info("cross-signing keys of %s taken back from its secret storage (master key %s)", self.user_id, master)
        return identity

    def _given_key(self) -> bytes | None:
        """The recovery key given by the operator, else the one written at the first start and not yet removed."""
        if self.settings.recovery_key:
            return decode_recovery_key(self.settings.recovery_key)
        if self.key_file.exists():
            try:
                return decode_recovery_key(self.key_file.read_text(encoding="utf-8"))
            except RecoveryKeyError as error:
                raise IdentityUnavailable(f"{self.key_file}: {error}") from None
        return None

    # -------------------------------------------------------------------------------------------------- device
    async def _sign_device(self, identity: Identity, keys: dict) -> None:
        device_id = self.client.device_id
        seeds = identity.seeds
        if _public_key(keys.get("self_signing_keys", {}).get(self.user_id)) != seeds.public_key("self_signing"):
            log.warning("the self-signing key on the homeserver is not the one of the secret storage: uploading it")
            identity = await self._replace_self_signing(identity, seeds)
            keys = await api.query_own_keys(self.client)
        if self._device_signed(keys, identity.seeds):
            log.info("device %s is cross-signed by %s", device_id, self.user_id)
            return
        await self._upload_signature(identity.seeds, keys)
        keys = await api.query_own_keys(self.client)
        if self._device_signed(keys, identity.seeds):
            log.info("device %s signed with the self-signing key of %s", device_id, self.user_id)
            return
        log.warning("the homeserver keeps a stale signature for device %s and drops the new one "
                    "(element-hq/synapse#17375): rotating the self-signing key under the same master key", device_id)
        identity = await self._replace_self_signing(identity, identity.seeds.with_new_self_signing())
        await self._upload_signature(identity.seeds, await api.query_own_keys(self.client))
        if not self._device_signed(await api.query_own_keys(self.client), identity.seeds):
            raise IdentityUnavailable(f"the homeserver does not keep the signature of device {device_id}")
        log.info("device %s signed with the new self-signing key of %s", device_id, self.user_id)

    async def _replace_self_signing(self, identity: Identity, seeds: CrossSigningSeeds) -> Identity:
        if not self.settings.password:
            raise IdentityUnavailable("replacing the self-signing key needs the bot's password (TNO_PASSWORD): "
                                      "an access token alone cannot do it")
        storage = AccountSecrets(self.client, identity.storage_key_id, identity.storage_key)
        name = SECRET_NAMES["self_signing"]
        await storage.write(name, seeds.as_secrets()[name])
        identity = Identity(seeds, identity.storage_key_id, identity.storage_key)
        self.cache.save(self.user_id, identity)
        body = {"self_signing_key": seeds.key_objects(self.user_id)["self_signing_key"]}
        await api.request_with_password(self.client, "POST", "/_matrix/client/v3/keys/device_signing/upload", body,
                                        self.settings.password)
        return identity

    async def _upload_signature(self, seeds: CrossSigningSeeds, keys: dict) -> None:
        device = keys["device_keys"][self.user_id][self.client.device_id]
        body = {self.user_id: {self.client.device_id: sign_device(device, seeds, self.user_id)}}
        _, answer = await api.request(self.client, "POST", "/_matrix/client/v3/keys/signatures/upload", body)
        if answer.get("failures"):
            log.warning("signature of device %s refused: %s", self.client.device_id, answer["failures"])

    def _device_signed(self, keys: dict, seeds: CrossSigningSeeds) -> bool:
        device = keys.get("device_keys", {}).get(self.user_id, {}).get(self.client.device_id)
        public = seeds.public_key("self_signing")
        return bool(device) and signature_is_valid(device, self.user_id, public, public)

    def _report_unsigned(self, keys: dict, master: str) -> None:
        if vouching_master_key(keys, self.user_id, self.client.device_id) == master:
            log.info("device %s is cross-signed by %s (master key %s); the private keys are not on this machine: "
                     "give TNO_RECOVERY_KEY to let the bot sign a new device", self.client.device_id, self.user_id,
                     master)
        else:
            log.error("device %s is NOT cross-signed: Element users' clients will not share their room keys with it. "
                      "Give the bot the recovery key of %s (TNO_RECOVERY_KEY or TNO_RECOVERY_KEY_FILE)",
                      self.client.device_id, self.user_id)


def vouching_master_key(keys: dict, user_id: str, device_id: str) -> str | None:
    """The master key that vouches for `user_id`'s device in a /keys/query answer (the device signed by the
    self-signing key, itself signed by the master key), as a strict client checks it; None if nothing does."""
    master = _public_key(keys.get("master_keys", {}).get(user_id))
    self_signing_key = keys.get("self_signing_keys", {}).get(user_id)
    self_signing = _public_key(self_signing_key)
    device = keys.get("device_keys", {}).get(user_id, {}).get(device_id)
    if not (master and self_signing and device):
        return None
    if signature_is_valid(self_signing_key, user_id, master, master) and \
            signature_is_valid(device, user_id, self_signing, self_signing):
        return master
    return None


def _public_key(key_object: dict | None) -> str | None:
    keys = list((key_object or {}).get("keys", {}).values())
    return keys[0] if keys else None



async def make_trusted(client: AsyncClient, settings: MatrixSettings) -> None:
    """Cross-sign the bot's device and remove its older devices. Only a wrong recovery key stops the start: without
    cross-signing the bot still serves the rooms and clients that do not require it."""
    pickle_key = pickle_key_of(settings.data_dir, settings.pickle_key)
    try:
        await CrossSigning(client, settings, pickle_key).ensure()
    except WrongRecoveryKey as error:
        raise LoginFailed(str(error)) from None
    except RecoveryKeyError as error:
        raise LoginFailed(f"TNO_RECOVERY_KEY: {error}") from None
    except api.ApiError as error:
        if error.transient:
            raise HomeserverUnavailable(str(error)) from None
        log.error("device %s stays without cross-signing, so Element users' clients will not share their room keys "
                  "with it: %s", client.device_id, error)
    except IdentityUnavailable as error:
        log.error("device %s stays without cross-signing, so Element users' clients will not share their room keys "
                  "with it: %s", client.device_id, error)
    await remove_old_devices(client, settings.password)
