"""The command line: check-config, appel and budget give the chat's answers; bad input is a sentence, exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cast import EXAMPLE_CONFIG as EXAMPLE
from tests.text import plain
from tests.villeurbanne import villeurbanne_config
from tno_bot.cli import SUBCOMMANDS, main


@pytest.fixture
def broken_config(tmp_path) -> Path:
    shutil.copytree(EXAMPLE.parent / "budgets", tmp_path / "budgets")
    text = EXAMPLE.read_text(encoding="utf-8").replace('sitiv = "16.4"', 'sitiv = "16"')
    text = text.replace('"@admin:tno.example"', '"not a matrix id"')
    path = tmp_path / "tno.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_config_ok(capsys):
    assert main(["check-config", "--config", str(EXAMPLE)]) == 0
    out = plain(capsys.readouterr().out)
    assert out.startswith("OK — ") and "3 membres, 9 représentants, 1 salon, budgets : 2023" in out
    assert "Attention" not in out


def _warnings(path, edits, capsys) -> list[str]:
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    assert main(["check-config", "--config", str(path)]) == 0
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("Attention")]


def test_check_config_warns_about_likely_mistakes(capsys, tmp_path):
    path = villeurbanne_config(tmp_path / "a")
    assert _warnings(path, [
        ('member = "villeurbanne"\nseat = "titulaire"', 'member = "villeurbanne"\nseat = "suppleant"'),
        ("joined = 2024-01-01", "joined = 2023-06-01"),  # in office in 2023, no share in the keys of 2023
    ], capsys) == [
        f"Attention — {path}: members[3]: a titulaire for 'villeurbanne' in [[people]] (it has none: it has no seat "
        "to vote with)",
        f"Attention — {path}: keys: a key set valid in 2023 with a share for 'villeurbanne', a member in 2023 (it is "
        "called for nothing in the 2023 budget)",
    ]
    path = villeurbanne_config(tmp_path / "b")
    assert _warnings(path, [('sitiv = "16.4"', 'sitiv = "16"\nvilleurbanne = "0.4"')], capsys) == [
        f"Attention — {path}: keys[0].shares.villeurbanne: a share only for a member in office in 2022 "
        "('villeurbanne' is not: joined 2024-01-01)",
    ]


def test_check_config_lists_every_problem(capsys, broken_config):
    assert main(["check-config", "--config", str(broken_config)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) >= 2
    assert all(line.startswith(str(broken_config)) for line in err.strip().splitlines())
    assert "keys" in err and "roles.admins" in err


def test_appel_text_is_the_chat_report(capsys):
    assert main(["appel", "2023", "--config", str(EXAMPLE)]) == 0
    out = plain(capsys.readouterr().out)
    assert out.startswith("Appel de fonds 2023 : 639 176 €")
    for figure in ("305 797 €", "217 051 €", "116 328 €"):
        assert figure in out


def test_appel_text_in_english(capsys):
    assert main(["appel", "2023", "--config", str(EXAMPLE), "--lang", "en"]) == 0
    assert "Call for funds 2023: €639,176" in capsys.readouterr().out


def test_appel_json(capsys):
    assert main(["appel", "2023", "--config", str(EXAMPLE), "--format", "json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["total"] == "639176"
    assert [m["total"] for m in data["members"]] == ["305797", "217051", "116328"]
    assert "Métropole de Lyon" in out  # ensure_ascii=False


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (["appel", "deux-mille"], "« deux-mille » n’est pas une année"),
        (["appel", "1999"], "Pas de budget pour 1999"),
        (["budget", "1999"], "Pas de budget pour 1999"),
        (["budget", "2023", "jardinage"], "Mission inconnue « jardinage »"),
    ],
)
def test_bad_input_is_a_french_sentence_and_exit_2(capsys, argv, sentence):
    assert main([*argv, "--config", str(EXAMPLE)]) == 2
    captured = capsys.readouterr()
    assert sentence in plain(captured.err) and "Traceback" not in captured.err
    assert captured.out == ""


def test_budget_text_and_json(capsys):
    assert main(["budget", "2023", "messagerie", "collaborative", "--config", str(EXAMPLE)]) == 0
    assert "Mise en place infrastructure GL : investissement 500 000 €" in plain(capsys.readouterr().out)
    assert main(["budget", "2023", "--config", str(EXAMPLE), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["expenses"] == {"investissement": "975000", "fonctionnement": "544175"}
    assert data["balance"] == {"investissement": "0", "fonctionnement": "0"}


def test_missing_config_is_a_problem_not_a_traceback(capsys, tmp_path):
    assert main(["appel", "2023", "--config", str(tmp_path / "absent.toml")]) == 1
    assert "absent.toml" in capsys.readouterr().err


def test_every_subcommand_has_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(sub.name in out for sub in SUBCOMMANDS)
