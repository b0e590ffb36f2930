"""reviewer/ is the core: it never imports Qt or ui/, directly or through its imports."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import reviewer

CORE = Path(reviewer.__file__).parent


def test_no_qt_import_statements():
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in {"PySide6", "PyQt5", "PyQt6", "shiboken6", "ui"}, (path, name)


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
            "heavy = [m for m in ('matplotlib', 'reportlab', 'statsmodels', 'scipy', 'sqlmodel',"
            " 'sqlalchemy', 'PySide6', 'openpyxl') if m in sys.modules]\n"
            "print(heavy); sys.exit(1 if heavy else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
