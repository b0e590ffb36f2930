"""The app scoring while a real ``reviewer answers import`` runs into the same audit, on SQLite
(the writers' queue) and on PostgreSQL (an import that writes before the write lock): every
answer given in the app is saved, in the history once each, and the import's answers land too
(docs/performance.md, "Imports and scorers")."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_scoring_keyboard import answer_of, blank_audit, press

ROWS = 20000


def _reviewer(target: str, *args: str, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "reviewer", "--db", target, *args],
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "ui.db")
    return request.getfixturevalue("pg_url")


def test_answers_given_while_an_import_runs_are_all_kept(qtbot, tmp_path, target):
    from ui.app.start import create_window

    window = create_window(target, "tester", demo_audit=False, to_score=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    blank_audit(window, tmp_path)
    table = tmp_path / "more.csv"
    table.write_text("ref,area,3\n" + "".join(f"INC-{i},North,Y\n" for i in range(1, ROWS + 1)))
    importing = _reviewer(target, "answers", "import", "Keyboard audit", str(table))
    given = []
    while importing.poll() is None or len(given) < 3:
        given.append("Y" if len(given) % 2 == 0 else "N")
        press(qtbot, window, Qt.Key_Up, Qt.Key_Y if given[-1] == "Y" else Qt.Key_N)
        assert not window.scoring.banner.isVisible()
        qtbot.wait(50)
    _, err = importing.communicate()
    assert importing.returncode == 0, err
    assert answer_of(window, "1") == given[-1]
    shown = _reviewer(target, "history", "Keyboard audit", "--ref", "INC-1", "--format", "json")
    out, err = shown.communicate()
    events = [e for e in json.loads(out)["events"]
              if e["action"] == "answer" and e["question"] == "1"]
    assert [e["after"] for e in events][-len(given):] == given   # newest last
    assert len(events) == len(given)
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_PageDown)     # read back from the db
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_PageUp)
    assert (answer_of(window, "1"), answer_of(window, "3")) == (given[-1], "Y")
    checked = _reviewer(target, "verify", "Keyboard audit")     # the history gives every answer
    out, err = checked.communicate()
    assert checked.returncode == 0, (out, err)
