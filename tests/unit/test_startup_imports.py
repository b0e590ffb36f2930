"""`reviewer tally`'s start-up (issue 21, goal 7: <= 3x `python -c pass`): the modules its path
imports, checked in a fresh interpreter, not timed (docs/performance.md, "Start-up without
dataclasses on the tally's path")."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("dataclasses", "statistics", "inspect", "sqlmodel", "sqlalchemy", "matplotlib",
         "reportlab", "statsmodels", "scipy", "openpyxl", "weasyprint")


def loaded_after(argv: list[str], tmp_path) -> set[str]:
    """The modules loaded once ``reviewer ARGV`` has run, in a fresh interpreter."""
    code = ("import sys\nfrom reviewer.cli.main import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          cwd=tmp_path, check=False)
    return set(done.stderr.strip().splitlines()[-1].split())


def test_tally_imports_nothing_heavy(tmp_path):
    db = str(tmp_path / "t.db")
    set_file = tmp_path / "s.yaml"
    set_file.write_text("id: s\ntitle: S\nversion: 1\nquestions:\n"
                        "  - id: '1'\n    text: One\n    type: yes_no\n    target: 0.7\n"
                        "  - id: '2'\n    text: Two\n    type: choice\n    choices: [A, B]\n",
                        encoding="utf-8")
    (tmp_path / "a.csv").write_text("ref,1,2\nr1,Y,A\nr2,N,B\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "reviewer", "--db", db, "audit", "create", "A",
                    "--set", str(set_file)], check=True, capture_output=True, cwd=tmp_path)
    subprocess.run([sys.executable, "-m", "reviewer", "--db", db, "answers", "import", "A",
                    str(tmp_path / "a.csv")], check=True, capture_output=True, cwd=tmp_path)
    for argv in (["--db", db, "tally", "A"], ["--db", db, "tally", "A", "--format", "json"]):
        loaded = loaded_after(argv, tmp_path)
        assert "reviewer.analysis.tally" in loaded          # the path was walked
        assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
