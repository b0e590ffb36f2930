"""reviewer/ is the core: it never imports Qt or ui/, directly or through its imports."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import reviewer

CORE = Path(reviewer.__file__).parent


BANNED = {"PySide6", "PyQt5", "PyQt6", "shiboken6", "ui"}
IMPORT_CALLS = {"import_module", "__import__"}


def imported_names(source: str, filename: str = "<source>") -> list[str]:
    """Every module a source file names in an import: ``import``/``from`` statements and calls
    of ``importlib.import_module``/``__import__`` (any spelling) with a constant string."""
    names = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in IMPORT_CALLS and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                names.append(node.args[0].value)
    return names


def banned(names: list[str]) -> list[str]:
    return [n for n in names if n.split(".")[0] in BANNED]


@pytest.mark.parametrize("source", [
    "import ui.app.start",
    "from PySide6.QtWidgets import QApplication",
    "import importlib\napp = importlib.import_module('ui.app.start')",
    "from importlib import import_module\nimport_module('PySide6')",
    "m = __import__('ui')",
    "import importlib as il\nil.__import__('shiboken6')",
])
def test_the_check_sees_every_kind_of_import(source):
    assert banned(imported_names(source)), source


def test_the_check_lets_other_imports_through():
    source = "import importlib\nimportlib.import_module('reviewer.cli')\nimport json"
    assert banned(imported_names(source)) == []


def test_no_qt_or_ui_imports_in_the_core():
    found = []
    for path in CORE.rglob("*.py"):
        found += [(str(path), n) for n in banned(imported_names(path.read_text(), str(path)))]
    assert found == []


def test_importing_every_core_module_loads_no_qt():
    modules = [m.name for m in pkgutil.walk_packages([str(CORE)], prefix="reviewer.")
               if not m.name.endswith("__main__")]
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui')]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_tally_command_path_stays_lean():
    code = ("import sys\nimport reviewer.cli.main, reviewer.analysis.tally, reviewer.store.db\n"
            "import reviewer.outputs.tally_format, reviewer.store.audits\n"
            "heavy = [m for m in ('matplotlib', 'weasyprint', 'statsmodels', 'scipy', 'sqlmodel',"
            " 'sqlalchemy', 'PySide6', 'openpyxl') if m in sys.modules]\n"
            "print(heavy); sys.exit(1 if heavy else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
