"""A throwaway local Synapse homeserver for the demo, the end-to-end tests and the bench.

Standard library only: Synapse runs as a subprocess of the current interpreter (``sys.executable -m
synapse.app.homeserver``), so it must be installed in the same environment (the ``test`` extra).

The configuration is written in two files, which Synapse merges shallowly, later file winning per top-level key:

* ``config/generated.yaml`` — produced once by ``--generate-config`` (secrets, signing key path);
* ``config/tno.yaml`` — our settings (loopback listener, SQLite in the work dir, no sync response cache, relaxed
  rate limits, quiet logging, an access log on request), deep-merged with ``config_overrides``. It is written as
  JSON, which is valid YAML.

Usage::

    with ThrowawaySynapse(tmp_path) as hs:
        bot = hs.register("bot", "secret")
        ...  # talk to hs.url
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["ThrowawaySynapse", "SynapseError", "free_port", "deep_merge"]

_RELAXED = {"per_second": 1000, "burst_count": 10000}

#: Settings written on top of the generated config. Any key can be overridden through ``config_overrides``.
DEFAULT_SETTINGS: dict[str, Any] = {
    "report_stats": False,
    "enable_registration": False,
    "enable_metrics": False,
    "suppress_key_server_warning": True,
    "trusted_key_servers": [],
    "url_preview_enabled": False,
    "presence": {"enabled": False},
    # MANDATORY for tests: by default Synapse replays a cached /sync answer for two minutes to the same
    # device and since-token, which would hide a bot that forgets its sync token across a restart.
    "caches": {"sync_response_cache_duration": 0},
    # Cheap password hashing: registration and login are on the critical path of every test.
    "bcrypt_rounds": 4,
    "rc_message": dict(_RELAXED),
    "rc_registration": dict(_RELAXED),
    "rc_login": {
        "address": dict(_RELAXED),
        "account": dict(_RELAXED),
        "failed_attempts": dict(_RELAXED),
    },
    "rc_joins": {"local": dict(_RELAXED), "remote": dict(_RELAXED)},
    "rc_joins_per_room": dict(_RELAXED),
    "rc_invites": {"per_room": dict(_RELAXED), "per_user": dict(_RELAXED), "per_issuer": dict(_RELAXED)},
    "rc_3pid_validation": dict(_RELAXED),
    "rc_admin_redaction": dict(_RELAXED),
    "rc_key_requests": dict(_RELAXED),
    "rc_room_creation": dict(_RELAXED),
    "rc_media_create": dict(_RELAXED),
    "rc_delayed_event_mgmt": dict(_RELAXED),
    "rc_reports": dict(_RELAXED),
    "rc_presence": {"per_user": dict(_RELAXED)},
    "rc_user_directory": dict(_RELAXED),
    "rc_profile": dict(_RELAXED),
    "rc_third_party_invite": dict(_RELAXED),
}


class SynapseError(RuntimeError):
    """Synapse could not be configured, started or talked to."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now on ``host`` (bind to port 0 and ask the kernel)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def deep_merge(base: dict, override: dict) -> dict:
    """A new dict: ``override`` merged into ``base``, recursively for nested dicts (other values replace)."""
    result = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


# Servers started and not yet stopped, stopped when the interpreter exits (a crashed test run, a Ctrl-C in the
# demo). Strong references: a forgotten server object must not leave an orphan Synapse running.
_LIVE: set[ThrowawaySynapse] = set()


@atexit.register
def _stop_leftovers() -> None:  # pragma: no cover - safety net
    for server in list(_LIVE):
        try:
            server.stop()
        except Exception:
            pass


class ThrowawaySynapse:
    """A Synapse on 127.0.0.1 with its SQLite database, media and logs in ``workdir``."""

    host = "127.0.0.1"

    def __init__(
        self,
        workdir: Path | str,
        server_name: str = "tno.example",
        port: int | None = None,
        config_overrides: dict | None = None,
        access_log: bool = False,
    ) -> None:
        self.workdir = Path(workdir).resolve()
        self.server_name = server_name
        self.port = port or free_port(self.host)
        self.url = f"http://{self.host}:{self.port}"
        self.config_overrides = copy.deepcopy(config_overrides or {})
        self.config_dir = self.workdir / "config"
        self.generated_config = self.config_dir / "generated.yaml"
        self.config_path = self.config_dir / "tno.yaml"
        self.log_config_path = self.config_dir / "log.yaml"
        self.log_path = self.workdir / "homeserver.log"
        self.access_log_path = self.workdir / "access.log" if access_log else None
        self.shared_secret = hashlib.sha256(os.urandom(32)).hexdigest()
        self._admin_access_token: str | None = None
        self.process: subprocess.Popen | None = None
        self.start_seconds: float | None = None  # duration of the last start(), for reports
        self._log_file = None

    # ------------------------------------------------------------------ configuration
    def settings(self) -> dict[str, Any]:
        """The settings written to ``tno.yaml``: defaults, then the overrides, deep-merged."""
        base = deep_merge(
            DEFAULT_SETTINGS,
            {
                "server_name": self.server_name,
                "public_baseurl": self.url + "/",
                "pid_file": str(self.workdir / "homeserver.pid"),
                "listeners": [
                    {
                        "port": self.port,
                        "bind_addresses": [self.host],
                        "type": "http",
                        "tls": False,
                        "x_forwarded": False,
                        "resources": [{"names": ["client"], "compress": False}],
                    }
                ],
                "database": {
                    "name": "sqlite3",
                    "args": {"database": str(self.workdir / "homeserver.db")},
                },
                "media_store_path": str(self.workdir / "media_store"),
                "log_config": str(self.log_config_path),
                "registration_shared_secret": self.shared_secret,
            },
        )
        return deep_merge(base, self.config_overrides)

    def _log_config(self) -> dict[str, Any]:
        config = {
            "version": 1,
            "formatters": {
                "precise": {"format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s"}
            },
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "formatter": "precise",
                    "filename": str(self.log_path),
                    "encoding": "utf8",
                },
            },
            "loggers": {"synapse.storage.SQL": {"level": "WARNING"}},
            "root": {"level": "WARNING", "handlers": ["file"]},
            "disable_existing_loggers": False,
        }
        if self.access_log_path is not None:  # one line per request, from the Unix time it ended (benches)
            config["formatters"]["access"] = {"format": "%(created)f %(message)s"}
            config["handlers"]["access"] = {"class": "logging.FileHandler", "formatter": "access",
                                            "filename": str(self.access_log_path), "encoding": "utf8"}
            config["loggers"]["synapse.access"] = {"level": "INFO", "handlers": ["access"], "propagate": False}
        return config

    def _generate_config(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        if not self.generated_config.exists():
            cmd = [
                sys.executable, "-m", "synapse.app.homeserver",
                "--server-name", self.server_name,
                "--config-path", str(self.generated_config),
                "--config-directory", str(self.config_dir),
                "--data-directory", str(self.workdir),
                "--report-stats=no",
                "--generate-config",
            ]  # fmt: skip
            done = subprocess.run(cmd, cwd=self.workdir, capture_output=True, text=True)
            if done.returncode != 0:
                raise SynapseError(
                    f"synapse --generate-config failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
                )
        # Our own files are rewritten on every start: overrides may change between runs of the same workdir.
        self.config_path.write_text(json.dumps(self.settings(), indent=2), encoding="utf8")
        self.log_config_path.write_text(json.dumps(self._log_config(), indent=2), encoding="utf8")

    # ------------------------------------------------------------------ life cycle
    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 90) -> None:
        """Generate the config on first use, launch Synapse and wait until ``/health`` answers."""
        if self.running:
            return
        started = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._generate_config()
        self._close_log()  # a previous process may have died on its own
        self._log_file = open(self.log_path, "ab")
        cmd = [
            sys.executable, "-m", "synapse.app.homeserver",
            "--config-path", str(self.generated_config),
            "--config-path", str(self.config_path),
        ]  # fmt: skip
        env = dict(os.environ)
        self.process = subprocess.Popen(
            cmd,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # a terminal Ctrl-C reaches only us; stop() (or atexit) ends Synapse
        )
        _LIVE.add(self)
        deadline = started + timeout
        while True:
            code = self.process.poll()
            if code is not None:
                self.stop()
                raise SynapseError(f"Synapse exited early with code {code}; end of {self.log_path}:\n{self.log_tail()}")
            if self._healthy():
                break
            if time.monotonic() > deadline:
                self.stop()
                raise SynapseError(
                    f"Synapse did not answer {self.url}/health within {timeout:.0f} s; end of {self.log_path}:\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.1)
        self.start_seconds = time.monotonic() - started

    def stop(self) -> None:
        """Terminate Synapse (SIGTERM, then SIGKILL after 20 s) and wait for it. Idempotent."""
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                try:
                    process.terminate()
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    if _same_group(process):
                        os.killpg(process.pid, signal.SIGKILL)
                    else:
                        process.kill()
                    process.wait(timeout=10)
                except ProcessLookupError:
                    pass
        self._close_log()
        _LIVE.discard(self)

    def restart(self, timeout: float = 90) -> None:
        """Stop, then start again on the same port with the same data."""
        self.stop()
        self.start(timeout=timeout)

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> ThrowawaySynapse:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<ThrowawaySynapse {self.server_name} {self.url} {state} in {self.workdir}>"

    # ------------------------------------------------------------------ helpers
    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def user_id(self, localpart: str) -> str:
        return f"@{localpart}:{self.server_name}"

    def _request(self, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                payload = json.loads(raw or b"{}")
            except ValueError:
                payload = {"error": raw.decode(errors="replace")}
            return error.code, payload

    def register(self, localpart: str, password: str, admin: bool = False) -> str:
        """Register ``localpart`` through the shared-secret admin API; return its user id.

        Idempotent: a localpart already registered returns its id (its password is left as it was).
        """
        status, payload = self._request("GET", "/_synapse/admin/v1/register")
        if status != 200 or "nonce" not in payload:
            raise SynapseError(f"cannot get a registration nonce: HTTP {status} {payload}")
        nonce = payload["nonce"]
        message = b"\x00".join(
            part.encode("utf8") for part in (nonce, localpart, password, "admin" if admin else "notadmin")
        )
        mac = hmac.new(self.shared_secret.encode(), message, digestmod=hashlib.sha1)
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        status, payload = self._request("POST", "/_synapse/admin/v1/register", body)
        if status == 200:
            return payload["user_id"]
        if payload.get("errcode") == "M_USER_IN_USE":
            return self.user_id(localpart)
        raise SynapseError(f"cannot register {localpart!r}: HTTP {status} {payload}")


    def exempt_from_rate_limits(self, user_id: str) -> None:
        """Lift the message rate limit of `user_id`, so that only the bot meets the limits a test sets."""
        status, payload = self._request(
            "POST", f"/_synapse/admin/v1/users/{urllib.parse.quote(user_id)}/override_ratelimit",
            {"messages_per_second": 0, "burst_count": 0}, token=self._admin_token(),
        )
        if status != 200:
            raise SynapseError(f"cannot lift the rate limit of {user_id}: HTTP {status} {payload}")

    def admin(self, method: str, path: str, body: dict | None = None) -> dict:
        """A request of the Synapse admin API (as a harness admin); SynapseError unless it succeeds."""
        status, payload = self._request(method, path, body, token=self._admin_token())
        if status != 200:
            raise SynapseError(f"{method} {path}: HTTP {status} {payload}")
        return payload

    def _admin_token(self) -> str:
        if self._admin_access_token is None:
            password = secrets.token_urlsafe(16)
            localpart = f"harness-admin-{secrets.token_hex(4)}"
            self.register(localpart, password, admin=True)
            status, payload = self._request("POST", "/_matrix/client/v3/login", {
                "type": "m.login.password", "identifier": {"type": "m.id.user", "user": localpart},
                "password": password})
            if status != 200:
                raise SynapseError(f"cannot log in the harness admin: HTTP {status}")
            self._admin_access_token = payload["access_token"]
        return self._admin_access_token


def _same_group(process: subprocess.Popen) -> bool:
    try:
        return os.getpgid(process.pid) == process.pid
    except ProcessLookupError:
        return False


if __name__ == "__main__":  # pragma: no cover - manual check: python -m tno_bot.homeserver [workdir]
    import tempfile

    workdir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="tno-synapse-"))
    server = ThrowawaySynapse(workdir)
    server.start()
    print(f"Synapse at {server.url} started in {server.start_seconds:.1f} s (workdir {workdir})")
    print("registered", server.register("alice", "alice-password", admin=True))
    server.stop()
