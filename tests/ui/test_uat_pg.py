import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt

from tests.ui.test_scoring_keyboard import answer_of, blank_audit, press

REV = str(Path(sys.executable).with_name("reviewer"))


def test_scoring_on_pg_while_cli_imports(qtbot, pg_url, tmp_path):
    from ui.app.start import create_window
    window = create_window(pg_url, "tester", demo_audit=False, to_score=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    blank_audit(window, tmp_path)
    csv_path = tmp_path / "more.csv"
    with csv_path.open("w") as f:
        f.write("ref,area,3\n")
        for i in range(1, 30001):
            f.write(f"INC-{i},North,Y\n")
    imp = subprocess.Popen([REV, "--db", pg_url, "answers", "import", "Keyboard audit",
                            str(csv_path)], stderr=subprocess.PIPE, text=True)
    times = []
    keys = [Qt.Key_Y, Qt.Key_N]
    t0 = time.monotonic()
    while imp.poll() is None:
        start = time.monotonic()
        press(qtbot, window, Qt.Key_Up, keys[len(times) % 2])
        times.append((round(start - t0, 2), round(time.monotonic() - start, 3)))
        qtbot.wait(100)
    print("import", imp.returncode, imp.stderr.read())
    print("presses", len(times), sorted(times, key=lambda x: -x[1])[:5])
    want = "Y" if len(times) % 2 else "N"
    assert answer_of(window, "1") == want
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_PageDown)
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_PageUp)
    print("after reload", answer_of(window, "1"), answer_of(window, "3"))
    out = subprocess.run([REV, "--db", pg_url, "tally", "Keyboard audit", "--format", "csv"],
                         capture_output=True, text=True)
    print(out.stdout[:300])
    assert answer_of(window, "1") == want
    assert not window.scoring.banner.isVisible()
