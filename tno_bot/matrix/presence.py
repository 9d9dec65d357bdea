"""The bot's face in the rooms: the display name and avatar of `[service]`, set at each start where they differ.

The avatar file's SHA-256 and the content URI it was uploaded to are kept in `<data dir>/avatar.json`, so the same
file is uploaded once, not at every start. A homeserver that refuses or does not answer costs a warning, never the
start: the next start tries again.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
from pathlib import Path

from nio import (
    AsyncClient,
    ProfileGetResponse,
    ProfileSetAvatarResponse,
    ProfileSetDisplayNameResponse,
    UploadResponse,
)

from tno_bot.config import ServiceSettings
from tno_bot.config.settings import AVATAR_TYPES
from tno_bot.matrix.errors import TRANSIENT_EXCEPTIONS, describe
from tno_bot.matrix.local_secrets import replace_private_file

log = logging.getLogger(__name__)

AVATAR_RECORD = "avatar.json"


async def show_presence(client: AsyncClient, service: ServiceSettings, data_dir: Path) -> None:
    if not (service.display_name or service.avatar):
        return
    try:
        profile = await client.get_profile()
        if not isinstance(profile, ProfileGetResponse):
            log.warning("profile of %s not read (%s): display name and avatar left as they are", client.user_id,
                        describe(profile))
            return
        if service.display_name and profile.displayname != service.display_name:
            answer = await client.set_displayname(service.display_name)
            if isinstance(answer, ProfileSetDisplayNameResponse):
                log.info("display name set to %r", service.display_name)
            else:
                log.warning("display name not set (%s)", describe(answer))
        if service.avatar:
            await _show_avatar(client, service.avatar, data_dir / AVATAR_RECORD, profile.avatar_url)
    except TRANSIENT_EXCEPTIONS as error:
        log.warning("display name and avatar not updated (%s): tried again at the next start", describe(error))


async def _show_avatar(client: AsyncClient, avatar: Path, record_path: Path, current_url: str | None) -> None:
    data = avatar.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    if record.get("sha256") == digest and record.get("url") == current_url:
        return
    upload, _ = await client.upload(lambda *_: io.BytesIO(data), content_type=AVATAR_TYPES[avatar.suffix.lower()],
                                    filename=avatar.name, filesize=len(data))
    if not isinstance(upload, UploadResponse):
        log.warning("avatar %s not uploaded (%s)", avatar, describe(upload))
        return
    answer = await client.set_avatar(upload.content_uri)
    if not isinstance(answer, ProfileSetAvatarResponse):
        log.warning("avatar not set (%s)", describe(answer))
        return
    replace_private_file(record_path, json.dumps({"sha256": digest, "url": upload.content_uri}))
    log.info("avatar set from %s", avatar)
