"""A failed operation is shown one way everywhere (``Session.run``'s default failure path,
after Anki's ``CollectionOp``): a message box over the screen that ran it, its problems listed,
nothing written; on the scoring screen, the red "NOT SAVED" banner. No screen catches an
operation's error itself, and ui/ has no import circle."""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from tests.conftest import ROOT
from tests.ui.test_scoring_keyboard import answer_of, blank_audit, press

UI = ROOT / "ui"


def test_a_refused_operation_is_shown_in_one_message_box(qtbot, make_window, monkeypatch):
    window = make_window()
    window.show_tab(0)
    before = window.session.ws.audits()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("  ", True)))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: shown.append((title, text))))
    window.audits.rename()                           # nothing raised: the session showed it
    assert shown == [("Rename audit: not done", "an audit needs a name")]
    assert [a.name for a in window.session.ws.audits()] == [a.name for a in before]


def test_many_problems_show_the_first_and_all_in_the_details(qtbot, make_window, tmp_path):
    window = make_window()
    audit = blank_audit(window, tmp_path)
    table = tmp_path / "bad.csv"
    table.write_text("ref,1\n" + "".join(f"INC-{i},maybe\n" for i in range(1, 21)))
    seen: dict[str, str] = {}

    def read_and_close() -> None:
        boxes = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(50, read_and_close)
            return
        box = boxes[0]
        seen.update(title=box.windowTitle(), text=box.text(),
                    first=box.informativeText(), all=box.detailedText())
        box.close()

    QTimer.singleShot(50, read_and_close)
    assert window.import_answers_from(str(table)) is False
    assert seen["title"] == "Importing answers: not done"
    assert "20 problems; nothing was written" in seen["text"]
    assert len(seen["first"].splitlines()) == 12 and len(seen["all"].splitlines()) == 20
    assert all("bad.csv" in line for line in seen["all"].splitlines())
    assert window.session.ws.count_records(audit.id) == 3          # nothing was written


def test_a_change_pressed_while_one_waits_is_refused_in_the_banner(qtbot, make_window,
                                                                   tmp_path):
    window = make_window()
    blank_audit(window, tmp_path)
    s = window.scoring
    window.session.busy = True             # an earlier save still waiting for the lock
    press(qtbot, window, Qt.Key_Y)
    assert s.banner.isVisible() and s.banner.text().startswith("NOT SAVED — Still saving")
    assert answer_of(window, "1") == ""
    window.session.busy = False
    press(qtbot, window, Qt.Key_Y)
    assert not s.banner.isVisible() and answer_of(window, "1") == "Y"


def _calls_run(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr == "run" for n in ast.walk(node))


def test_no_screen_catches_an_operations_error_itself():
    """Failures take Session.run's one path: no try block around a ``.run(...)`` in ui/."""
    caught = sorted(f"{p.relative_to(ROOT)}:{node.lineno}" for p in UI.rglob("*.py")
                    for node in ast.walk(ast.parse(p.read_text()))
                    if isinstance(node, ast.Try) and node.handlers
                    and any(_calls_run(stmt) for stmt in node.body))
    assert caught == []


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _ui_imports(path: Path, modules: set[str]) -> set[str]:
    """The ui modules ``path`` imports, at the top or inside functions (``from ui.app import
    session`` is the module ``ui.app.session``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules
                      else node.module for a in node.names}
    return (found & modules) - {_module(path)}


def circles_in(graph: dict[str, set[str]]) -> list[list[str]]:
    circles: list[list[str]] = []
    state: dict[str, int] = {}          # 1: on the current path, 2: done

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                circles.append(path[path.index(n):] + [n])
            elif n not in state:
                visit(n, path + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return circles


def test_ui_has_no_import_circle():
    assert circles_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    files = {_module(p): p for p in UI.rglob("*.py")}
    graph = {m: _ui_imports(p, set(files)) for m, p in files.items()}
    assert "ui.app.operations" in graph["ui.app.session"]      # the runner, not the reverse
    assert circles_in(graph) == []
