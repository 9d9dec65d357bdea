"""Which config the bot runs: the main file's SHA-256 (as `sha256sum` prints it) and when it was loaded, for
`!config` and the log of a reload (SIGHUP)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SHORT_DIGEST = 12  # hex characters shown: enough to tell two versions apart, short enough to read aloud


@dataclass(frozen=True)
class ConfigVersion:
    path: Path
    sha256: str  # hex digest of the main file as loaded
    loaded_at: datetime
    refused_at: datetime | None = None  # the last reload refused since it was loaded (its problems are in the log)

    @property
    def short(self) -> str:
        return self.sha256[:SHORT_DIGEST]


def version_of(path: Path, loaded_at: datetime) -> ConfigVersion:
    """The version of the main config file at `path`, read now."""
    return ConfigVersion(Path(path), hashlib.sha256(Path(path).read_bytes()).hexdigest(), loaded_at)
