"""The strict client harness itself: two cross-signed users of matrix-js-sdk talk in an encrypted room."""
from __future__ import annotations

import pytest


pytestmark = pytest.mark.e2e


async def test_two_strict_clients_read_each_other_encrypted(strict_person):
    alice, bob = await strict_person("strict.alice"), await strict_person("strict.bob")
    room_id = await alice.create_room("Strict", invite=[bob.user_id], encrypted=True)
    await bob.join(room_id)
    await alice.wait_joined(room_id, bob.user_id)

    event_id = await alice.send(room_id, "bonjour chiffré")
    seen = await bob.wait_message(room_id, contains="bonjour", sender=alice.user_id, timeout=15)
    assert (seen.event_id, seen.body, seen.encrypted, seen.decrypted) == (event_id, "bonjour chiffré", True, True)
    assert seen.decryption_error is None and seen.sender_device_id == alice.device_id
    assert seen.shield is not None and seen.shield.colour in ("NONE", "GREY")  # GREY: Bob did not verify Alice

    for viewer, owner in ((alice, bob), (bob, alice)):
        status = await viewer.device_status(owner.user_id, owner.device_id)
        assert status.signed_by_owner and owner.device_id in status.device_ids
        assert not status.cross_signing_verified and not status.locally_verified
        assert status.master_key == owner.master_key is not None
    assert [m.event_id for m in await bob.messages(room_id)] == [event_id]
