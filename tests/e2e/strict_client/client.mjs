// An "Element-grade" strict Matrix client for the end-to-end tests: matrix-js-sdk with its rust crypto, a real
// cross-signed user, and the device isolation mode Element uses (OnlySignedDevicesIsolationMode: room keys are
// withheld from devices their owner did not cross-sign, and messages from such devices are not decrypted).
// With `start`'s `recovery_key`, the client instead logs in to an account that already has a cross-signing identity
// and verifies its session with that recovery key, as Element does (see verifyWithRecoveryKey).
//
// Protocol: one JSON request per line on stdin, {"id", "op", ...args}; one JSON response per line on stdout,
// {"id", "ok": true, ...} or {"id", "ok": false, "error": "..."}. Requests run concurrently (a `wait_reply` does not
// block a `send`). Everything else (the SDK's logs) goes to stderr. Driven by tests/e2e/strict_client.py.

import readline from "node:readline";

// The SDK logs through console.*: keep stdout for the protocol alone.
const toStderr = (...args) => console.error(...args);
console.log = console.info = console.debug = console.trace = console.warn = toStderr;

const sdk = await import("matrix-js-sdk");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
const cryptoApi = await import("matrix-js-sdk/lib/crypto-api/index.js");
const { RoomEncryptor } = await import("matrix-js-sdk/lib/rust-crypto/RoomEncryptor.js");

logger.setLevel(process.env.STRICT_CLIENT_LOG_LEVEL || "warn");

const GRACE_MS = 3000; // how long an undecryptable reply may wait for its key before being reported as such

let client = null;
let crypto = null;
let password = null;
const seen = new Map(); // room id -> MatrixEvent[] (messages, in the order they arrived)
const firstUndecryptableAt = new WeakMap(); // MatrixEvent -> Date.now() when first seen undecryptable

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition, timeoutS, what) {
    const deadline = Date.now() + timeoutS * 1000;
    for (;;) {
        const value = await condition();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutS}s waiting for ${what}`);
        await sleep(50);
    }
}

/** The client, about to send in `room_id`: in an encrypted room, with fresh device lists of everybody in it, so a
 * device that joined a moment ago gets the key (when the isolation mode allows). */
async function readyToSend(room_id) {
    const c = requireClient();
    const room = c.getRoom(room_id);
    if (!room) throw new Error(`unknown room ${room_id}`);
    if (await crypto.isEncryptionEnabledInRoom(room_id)) {
        const members = (await room.getEncryptionTargetMembers()).map((member) => member.userId);
        await crypto.getUserDeviceInfo(members, true);
    }
    return c;
}

function requireClient() {
    if (!client) throw new Error("not started");
    return client;
}

// ------------------------------------------------------------------------------------------------- messages
function isMessage(event) {
    // A message, or an encrypted event we could not (yet) read: it may be one.
    const type = event.getType();
    return type === "m.room.message" || (event.isEncrypted() && (event.isDecryptionFailure() || event.isBeingDecrypted()
        || type === "m.room.encrypted"));
}

function record(event, room, toStartOfTimeline) {
    if (toStartOfTimeline || !room) return;
    const wireType = event.getWireType();
    if (wireType !== "m.room.message" && wireType !== "m.room.encrypted" && wireType !== "m.reaction") return;
    const events = seen.get(room.roomId) ?? [];
    if (!events.includes(event)) events.push(event);
    seen.set(room.roomId, events);
}

function replyTo(event) {
    const relation = (event.isDecryptionFailure() ? null : event.getContent()["m.relates_to"])
        ?? event.getWireContent()["m.relates_to"];
    return relation?.["m.in_reply_to"]?.event_id ?? null;
}

async function senderDeviceId(event) {
    const wire = event.getWireContent();
    if (wire.device_id) return wire.device_id;
    const senderKey = wire.sender_key;
    if (!senderKey) return null;
    const devices = (await crypto.getUserDeviceInfo([event.getSender()])).get(event.getSender());
    for (const [deviceId, device] of devices ?? []) {
        if (device.getIdentityKey() === senderKey) return deviceId;
    }
    return null;
}

async function describe(event) {
    if (event.isBeingDecrypted()) await event.getDecryptionPromise()?.catch(() => {});
    const encrypted = event.isEncrypted();
    const failed = encrypted && event.isDecryptionFailure();
    const content = failed ? {} : event.getContent();
    let shield = null;
    if (encrypted && !failed) {
        const info = await crypto.getEncryptionInfoForEvent(event);
        if (info) {
            shield = {
                colour: cryptoApi.EventShieldColour[info.shieldColour] ?? String(info.shieldColour),
                reason: info.shieldReason === null ? null
                    : (cryptoApi.EventShieldReason[info.shieldReason] ?? String(info.shieldReason)),
            };
        }
    }
    return {
        event_id: event.getId(),
        room_id: event.getRoomId(),
        sender: event.getSender(),
        type: event.getType(),
        msgtype: content.msgtype ?? null,
        body: content.body ?? null,
        formatted_body: content.formatted_body ?? null,
        in_reply_to: replyTo(event),
        encrypted,
        decrypted: encrypted && !failed,
        decryption_error: failed ? (event.decryptionFailureReason ?? content.body ?? "undecryptable") : null,
        shield,
        sender_device_id: encrypted ? await senderDeviceId(event) : null,
        origin_server_ts: event.getTs(),
    };
}

function messagesOf(roomId) {
    return (seen.get(roomId) ?? []).filter(isMessage);
}

/** Undecryptable for at least GRACE_MS (a late room key or withheld notice had its chance to arrive). */
function settledFailure(event) {
    if (event.isBeingDecrypted() || !event.isDecryptionFailure()) return false;
    const now = Date.now();
    if (!firstUndecryptableAt.has(event)) firstUndecryptableAt.set(event, now);
    return now - firstUndecryptableAt.get(event) >= GRACE_MS;
}

/**
 * The first reply to `eventId` in its room. A reply the client cannot decrypt does not say (in clear) what it
 * replies to when its sender keeps `m.relates_to` inside the ciphertext, so an undecryptable event from another
 * user that arrived after `eventId` counts as its reply once it stayed undecryptable for GRACE_MS.
 */
async function findReply(roomId, eventId) {
    const events = messagesOf(roomId);
    for (const event of events) {
        if (!event.isBeingDecrypted() && !event.isDecryptionFailure() && replyTo(event) === eventId) return event;
    }
    const askedAt = events.findIndex((event) => event.getId() === eventId);
    if (askedAt < 0) return null;
    for (const event of events.slice(askedAt + 1)) {
        if (event.getSender() === client.getUserId()) continue;
        const target = event.getWireContent()["m.relates_to"]?.["m.in_reply_to"]?.event_id;
        if (target !== undefined && target !== eventId) continue;
        if (settledFailure(event)) return event;
    }
    return null;
}

function roomOfEvent(eventId) {
    for (const [roomId, events] of seen) {
        if (events.some((event) => event.getId() === eventId)) return roomId;
    }
    return null;
}

// ---------------------------------------------------------------------------------------- own identity
const SECRET_STORAGE_TYPES = [
    "m.secret_storage.default_key", "m.cross_signing.master", "m.cross_signing.self_signing",
    "m.cross_signing.user_signing",
];

/**
 * Element's `getSecretStorageKey` crypto callback, with `recoveryKey` typed in its "Enter your recovery key" dialog:
 * the default key if it is among those asked for (else the only one), and, as the dialog's `checkPrivateKey`,
 * refused unless it matches that key's description (`iv` + `mac`, `secretStorage.checkKey`).
 */
function secretStorageKeyFrom(recoveryKey) {
    return async ({ keys }) => {
        const defaultKeyId = await client.secretStorage.getDefaultKeyId();
        const ids = Object.keys(keys);
        const keyId = defaultKeyId && keys[defaultKeyId] ? defaultKeyId : ids.length === 1 ? ids[0] : null;
        if (keyId === null) throw new Error(`no default secret storage key among ${ids.join(", ")}`);
        const key = cryptoApi.decodeRecoveryKey(recoveryKey);
        if (!(await client.secretStorage.checkKey(key, keys[keyId]))) {
            throw new Error(`wrong recovery key: it does not match secret storage key ${keyId} (checkKey)`);
        }
        return [keyId, key];
    };
}

async function secretStorageSnapshot() {
    const snapshot = {};
    for (const type of SECRET_STORAGE_TYPES) snapshot[type] = await client.getAccountDataFromServer(type);
    const keyId = snapshot["m.secret_storage.default_key"]?.key;
    if (keyId) {
        const type = `m.secret_storage.key.${keyId}`;
        snapshot[type] = await client.getAccountDataFromServer(type);
    }
    return snapshot;
}

/**
 * What Element does for "Verify with recovery key" on a new session of an account that has a cross-signing
 * identity (SecurityManager.accessSecretStorage): `bootstrapCrossSigning({})` (the private keys are imported from
 * secret storage, the identity is not reset, this device is signed) then `bootstrapSecretStorage({})`. No
 * `authUploadDeviceSigningKeys` is given, so an attempt to reset the identity fails instead of replacing it.
 *
 * Returns `recovery_error` (null when it worked) and `secret_storage_changed` (the account data types of the
 * secret storage whose content differs afterwards).
 */
async function verifyWithRecoveryKey() {
    const me = client.getUserId();
    let recoveryError = null;
    const before = await secretStorageSnapshot();
    try {
        // The own public cross-signing keys must be known before the private ones can be imported.
        await until(async () => (await crypto.getCrossSigningStatus()).publicKeysOnDevice, 30,
            "the own cross-signing public keys");
        await crypto.bootstrapCrossSigning({});
        await crypto.bootstrapSecretStorage({});
        await until(async () => (await crypto.getDeviceVerificationStatus(me, client.getDeviceId()))
            ?.crossSigningVerified, 30, "this device to be cross-signing verified");
    } catch (error) {
        console.error("verification with the recovery key failed:", error);
        recoveryError = `${error?.name ?? "Error"}: ${error?.message ?? String(error)}`;
    }
    const after = await secretStorageSnapshot();
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
        .filter((type) => JSON.stringify(before[type] ?? null) !== JSON.stringify(after[type] ?? null)).sort();
    return { recovery_error: recoveryError, secret_storage_changed: changed };
}

async function ownStatus() {
    const me = client.getUserId();
    const deviceId = client.getDeviceId();
    const answer = await client.downloadKeysForUsers([me]);
    const published = Object.values(answer.master_keys?.[me]?.keys ?? {});
    const status = await crypto.getDeviceVerificationStatus(me, deviceId);
    const crossSigning = await crypto.getCrossSigningStatus();
    return {
        device_id: deviceId,
        master_key: published[0] ?? null,
        trusted_master_key: await crypto.getCrossSigningKeyId(cryptoApi.CrossSigningKey.Master),
        cross_signing_ready: await crypto.isCrossSigningReady(),
        public_keys_on_device: crossSigning.publicKeysOnDevice,
        private_keys_in_secret_storage: crossSigning.privateKeysInSecretStorage,
        private_keys_cached_locally: crossSigning.privateKeysCachedLocally.masterKey
            && crossSigning.privateKeysCachedLocally.selfSigningKey
            && crossSigning.privateKeysCachedLocally.userSigningKey,
        signed_by_owner: status?.signedByOwner ?? false,
        cross_signing_verified: status?.crossSigningVerified ?? false,
        identity_verified: (await crypto.getUserVerificationStatus(me)).isCrossSigningVerified(),
    };
}

// ---------------------------------------------------------------------------------------------------- ops
const ops = {
    async start({
        homeserver, user_id, password: secret, blacklist_unverified = false, device_name = "strict-client",
        recovery_key = null,
    }) {
        if (client) throw new Error("already started");
        password = secret;
        const anonymous = sdk.createClient({ baseUrl: homeserver });
        const login = await anonymous.loginRequest({
            type: "m.login.password", identifier: { type: "m.id.user", user: user_id }, password: secret,
            initial_device_display_name: device_name,
        });
        anonymous.stopClient();
        client = sdk.createClient({
            baseUrl: homeserver, userId: login.user_id, deviceId: login.device_id, accessToken: login.access_token,
            cryptoCallbacks: recovery_key === null ? {} : { getSecretStorageKey: secretStorageKeyFrom(recovery_key) },
        });
        client.on(sdk.RoomEvent.Timeline, record);

        await client.initRustCrypto({ useIndexedDB: false });
        crypto = client.getCrypto();
        if (recovery_key === null) {
            await crypto.bootstrapCrossSigning({
                setupNewCrossSigning: true,
                authUploadDeviceSigningKeys: async (makeRequest) => {
                    await makeRequest({
                        type: "m.login.password", identifier: { type: "m.id.user", user: login.user_id }, password,
                    });
                },
            });
        }
        crypto.setDeviceIsolationMode(new cryptoApi.OnlySignedDevicesIsolationMode());
        if (blacklist_unverified) {
            // Element's "never send encrypted messages to unverified sessions". matrix-js-sdk 43 ignores
            // globalBlacklistUnverifiedDevices under OnlySignedDevicesIsolationMode (which then uses the
            // identity-based sharing strategy), so room keys are shared here as in AllDevicesIsolationMode with
            // the blacklist on (only devices this user verified, or cross-signed by an owner this user verified,
            // get the key; the others get m.room_key.withheld m.unverified), while decryption keeps the strict
            // trust requirement of OnlySignedDevicesIsolationMode.
            crypto.globalBlacklistUnverifiedDevices = true;
            const original = RoomEncryptor.prototype.ensureEncryptionSession;
            if (typeof original !== "function") throw new Error("RoomEncryptor.ensureEncryptionSession is gone");
            RoomEncryptor.prototype.ensureEncryptionSession = function (log) {
                return original.call(this, log, true, new cryptoApi.AllDevicesIsolationMode(false));
            };
        }

        const prepared = new Promise((resolve, reject) => {
            client.on(sdk.ClientEvent.Sync, (state, _previous, data) => {
                if (state === "PREPARED" || state === "SYNCING") resolve();
                else if (state === "ERROR" && !client.isInitialSyncComplete()) reject(data?.error ?? new Error("sync error"));
            });
        });
        await client.startClient({ initialSyncLimit: 100, lazyLoadMembers: false });
        await prepared;
        const recovery = recovery_key === null ? {} : await verifyWithRecoveryKey();
        return {
            user_id: login.user_id, device_id: login.device_id,
            master_key: await crypto.getCrossSigningKeyId(cryptoApi.CrossSigningKey.Master),
            ...recovery,
        };
    },

    async own_status() {
        requireClient();
        return await ownStatus();
    },

    async create_room({ name, invite = [], encrypted = true, alias = null }) {
        const c = requireClient();
        const initial_state = encrypted
            ? [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }] : [];
        const options = { name, invite, preset: "private_chat", initial_state };
        if (alias !== null) options.room_alias_name = alias;
        const { room_id } = await c.createRoom(options);
        await until(() => c.getRoom(room_id)?.getMyMembership() === "join", 30, `room ${room_id} to sync`);
        return { room_id };
    },

    async join({ room_id }) {
        const c = requireClient();
        await c.joinRoom(room_id);
        await until(() => c.getRoom(room_id)?.getMyMembership() === "join", 30, `joining ${room_id}`);
        return {};
    },

    async wait_joined({ room_id, user_id, timeout = 30 }) {
        const c = requireClient();
        await until(() => c.getRoom(room_id)?.getMember(user_id)?.membership === "join", timeout,
            `${user_id} to join ${room_id}`);
        return {};
    },

    async send({ room_id, text, msgtype = "m.text" }) {
        const c = await readyToSend(room_id);
        const { event_id } = await c.sendMessage(room_id, { msgtype, body: text });
        return { event_id };
    },

    async send_event({ room_id, type, content }) {
        const c = await readyToSend(room_id);
        const { event_id } = await c.sendEvent(room_id, type, content);
        return { event_id };
    },

    async wait_event({ room_id, type, relates_to = null, timeout = 30 }) {
        requireClient();
        const found = await until(() => (seen.get(room_id) ?? []).find((event) => !event.isBeingDecrypted()
            && event.getType() === type
            && (relates_to === null || event.getRelation()?.event_id === relates_to)),
        timeout, `an event ${type} in ${room_id}`);
        return { event_id: found.getId(), sender: found.getSender(), content: found.getContent(),
            relation: found.getRelation(), encrypted: found.isEncrypted() };
    },

    async wait_reply({ event_id, room_id = null, timeout = 30 }) {
        requireClient();
        const found = await until(() => {
            const roomId = room_id ?? roomOfEvent(event_id);
            return roomId ? findReply(roomId, event_id) : null;
        }, timeout, `a reply to ${event_id}`);
        return await describe(found);
    },

    async wait_message({ room_id, contains = "", sender = null, timeout = 30 }) {
        requireClient();
        const found = await until(() => messagesOf(room_id).find((event) =>
            (sender === null || event.getSender() === sender) && !event.isBeingDecrypted()
            && (event.isDecryptionFailure() ? settledFailure(event) : (event.getContent().body ?? "").includes(contains))),
        timeout, `a message containing ${JSON.stringify(contains)} in ${room_id}`);
        return await describe(found);
    },

    async messages({ room_id }) {
        requireClient();
        const described = [];
        for (const event of messagesOf(room_id)) described.push(await describe(event));
        return { messages: described };
    },

    async device_status({ user_id, device_id }) {
        const c = requireClient();
        const devices = (await crypto.getUserDeviceInfo([user_id], true)).get(user_id) ?? new Map();
        const status = await crypto.getDeviceVerificationStatus(user_id, device_id);
        let masterKey;
        if (user_id === c.getUserId()) {
            masterKey = await crypto.getCrossSigningKeyId(cryptoApi.CrossSigningKey.Master);
        } else {
            const answer = await c.downloadKeysForUsers([user_id]);
            const keys = Object.values(answer.master_keys?.[user_id]?.keys ?? {});
            masterKey = keys[0] ?? null;
        }
        const identity = await crypto.getUserVerificationStatus(user_id);
        return {
            device_ids: [...devices.keys()].sort(),
            known: status !== null,
            signed_by_owner: status?.signedByOwner ?? false,
            cross_signing_verified: status?.crossSigningVerified ?? false,
            locally_verified: status?.localVerified ?? false,
            user_verified: identity.isCrossSigningVerified(),
            master_key: masterKey,
        };
    },

    async whoami() {
        const c = requireClient();
        return { user_id: c.getUserId(), device_id: c.getDeviceId() };
    },

    async stop() {
        if (client) {
            client.stopClient();
            client = null;
        }
        setTimeout(() => process.exit(0), 50);
        return {};
    },
};

// ------------------------------------------------------------------------------------------------ protocol
function respond(message) {
    process.stdout.write(JSON.stringify(message) + "\n");
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", async (line) => {
    if (!line.trim()) return;
    let request;
    try {
        request = JSON.parse(line);
    } catch (error) {
        respond({ id: null, ok: false, error: `bad request line: ${error.message}` });
        return;
    }
    const { id, op, ...args } = request;
    const handler = Object.hasOwn(ops, op) ? ops[op] : null;
    if (!handler) {
        respond({ id, ok: false, error: `unknown op ${op}` });
        return;
    }
    try {
        respond({ id, ok: true, ...(await handler(args)) });
    } catch (error) {
        console.error(`op ${op} failed:`, error);
        respond({ id, ok: false, error: `${error?.name ?? "Error"}: ${error?.message ?? String(error)}` });
    }
});
lines.on("close", () => {
    client?.stopClient();
    process.exit(0);
});
process.on("unhandledRejection", (error) => console.error("unhandled rejection:", error));
respond({ id: null, ok: true, ready: true });
