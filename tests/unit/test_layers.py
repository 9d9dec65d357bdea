"""The layers of docs/ARCHITECTURE.md hold: no module imports a layer it must not (read from the source, not run)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "tno_bot"

# layer -> the tno_bot layers it must never import
FORBIDDEN = {
    "domain": {"app", "commands", "config", "i18n", "matrix", "reports", "storage", "cli", "scheduled", "service"},
    "config": {"app", "commands", "i18n", "matrix", "reports", "storage", "cli", "scheduled", "service"},
    "storage": {"app", "commands", "matrix", "reports", "i18n", "cli", "scheduled", "service"},
    "app": {"commands", "matrix", "reports", "i18n", "cli", "scheduled", "service"},
    "reports": {"app", "commands", "matrix", "storage", "cli", "scheduled", "service"},
    "commands": {"matrix", "cli", "scheduled", "service"},
    "scheduled": {"commands", "matrix", "cli", "service"},
    "cli": {"commands", "matrix"},
}


def layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported_layers(path: Path) -> set[str]:
    """The tno_bot layers named by the module's imports (`import tno_bot.x`, `from tno_bot.x import …`,
    `from tno_bot import x`)."""
    layers = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "tno_bot" else [f"tno_bot.{a.name}" for a in node.names]
        else:
            continue
        layers |= {name.split(".")[1] for name in names if name.startswith("tno_bot.")}
    return layers


MODULES = sorted(path for path in PACKAGE.rglob("*.py") if layer_of(path) in FORBIDDEN)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_module_imports_a_layer_it_must_not(path):
    wrong = imported_layers(path) & FORBIDDEN[layer_of(path)]
    assert not wrong, f"{path.relative_to(PACKAGE)} ({layer_of(path)}) imports {sorted(wrong)}"


def test_the_check_sees_imports_in_all_three_forms(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("import tno_bot.matrix.bot\nfrom tno_bot.storage import migrate\nfrom tno_bot import commands\n",
                      encoding="utf-8")
    assert imported_layers(module) == {"matrix", "storage", "commands"}
