"""ui/ in rooms (docs/app.md): plumbing in app/, one screen per module in screens/, Qt models in
models/, dialogs/ and widgets/; each screen's docstring says what it shows and which operations
it calls, and every room is in the wheel's package list."""

from __future__ import annotations

import ast
import tomllib

from tests.conftest import ROOT

UI = ROOT / "ui"
ROOMS = {"app", "dialogs", "models", "screens", "widgets"}


def test_every_module_is_in_a_room():
    top = {p.name for p in UI.glob("*.py")}
    assert top == {"__init__.py", "__main__.py"}
    assert {p.name for p in UI.iterdir() if p.is_dir() and (p / "__init__.py").is_file()} == ROOMS
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"]
    assert {f"ui.{room}" for room in ROOMS} <= set(packages)


def test_each_screen_says_what_it_shows_and_which_operations_it_calls():
    screens = {}
    for path in (UI / "screens").glob("*.py"):
        tree = ast.parse(path.read_text())
        if any(isinstance(n, ast.ClassDef) and n.name.endswith(("Screen", "View"))
               for n in tree.body):
            screens[path.stem] = ast.get_docstring(tree) or ""
    assert set(screens) == {"audits", "scoring", "results", "compare", "calibration", "plan"}
    for name, doc in screens.items():
        shows, _, operations = doc.partition("Operations")
        assert len(shows.split()) >= 10 and operations, name


def test_the_models_room_holds_models_not_widgets():
    for path in (UI / "models").glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text())
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        assert any(n.name.endswith("Model") for n in classes), path.name
        bases = {b.id for n in classes for b in n.bases if isinstance(b, ast.Name)}
        assert not bases & {"QWidget", "QDialog", "QMainWindow"}, path.name


def test_the_app_starts_from_its_plumbing_room():
    import ui.app
    from ui.app import start

    assert ui.app.create_window is start.create_window and ui.app.run is start.run
