"""A production install has no `[test]` nor `[demo]` extra: what `tno-bot run` and `check-config` import must not
need Synapse, pytest or the scripted participants, and `tno-bot demo` without Synapse says how to install it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The modules of the demo and the tests, and the packages only their extras bring.
NOT_AT_RUNTIME = ("synapse", "twisted", "pytest", "_pytest", "pytest_asyncio", "pypdf", "pypdfium2",
                  "tno_bot.demo", "tno_bot.homeserver", "tno_bot.matrix.participant")

IMPORTED_BY_RUN = """
import sys
from tno_bot import cli, service
from tno_bot.matrix import bot, dispatcher, sync, outbox, rooms, scheduler
from tno_bot.ops import backup, config_reload, health, instance_lock, logs, metrics
cli.build_parser()
loaded = sorted(m for m in sys.modules if m in {names!r} or m.split(".")[0] in {names!r})
print(",".join(loaded))
"""


def run_python(code: str, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_the_runtime_imports_nothing_of_the_demo_nor_the_tests():
    result = run_python(IMPORTED_BY_RUN.format(names=NOT_AT_RUNTIME))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", result.stdout


def test_check_config_runs_without_synapse():
    blocked = ("import sys\nsys.modules.update({name: None for name in ('synapse', 'pytest', '_pytest')})\n"
               "from tno_bot.cli import main\nsys.exit(main(['check-config', '--config', sys.argv[1]]))")
    result = run_python(blocked, str(ROOT / "config" / "tno.example.toml"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK — ")


def test_the_demo_without_synapse_says_how_to_install_it():
    blocked = ("import sys\nsys.modules['synapse'] = None\n"
               "from tno_bot.cli import main\nsys.exit(main(['demo']))")
    result = run_python(blocked)
    assert result.returncode == 2
    said = result.stderr.strip().replace("\u202f", " ").replace("\u00a0", " ")  # French typography's spaces
    assert said == ("tno-bot demo : la démonstration lance un Synapse local, qui n’est pas installé "
                                     "ici ; installez-le avec pip install \"tno-bot[demo]\" (ou lancez make demo "
                                     "depuis le dépôt).")
    assert "Traceback" not in result.stderr
