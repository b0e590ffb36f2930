"""report, results and feedback on an audit of 50,000 answers or more, where the answer readers
switch to one sequential scan (``store.counts.answers_filter``): ``answer`` is a WITHOUT ROWID
table, so that switch must not ask for ``rowid``."""

from __future__ import annotations

import pytest

from tests.unit.helpers import read_xlsx, run_cli, write_csv, write_set

QUESTIONS = 25
RECORDS = 2_040            # 51,000 answers


def big_set() -> str:
    lines = ["id: big-set", "title: Big set", "version: 1", "questions:"]
    lines += [f'  - {{id: "Q{i}", text: Question {i}, type: yes_no}}' for i in range(QUESTIONS)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    from reviewer.store.db import Database
    from tests.actions import create_audit, import_answers

    folder = tmp_path_factory.mktemp("big")
    path = folder / "big.db"
    db = Database(str(path))
    audit = create_audit(db, "Big", write_set(folder, big_set()))
    header = ["ref", "operator"] + [f"Q{i}" for i in range(QUESTIONS)]
    rows = [[f"R{r:05d}", f"OP-{r % 4}"] + ["Y" if (r + i) % 3 else "N" for i in range(QUESTIONS)]
            for r in range(RECORDS)]
    import_answers(db, audit, write_csv(folder / "big.csv", header, rows), "bulk")
    db.close()
    return path


def test_the_audit_is_past_the_scan_threshold(big_db):
    from reviewer.store.audits import get_audit
    from reviewer.store.counts import answers_filter
    from reviewer.store.db import Database

    db = Database(str(big_db))
    try:
        audit = get_audit(db, "Big")
        assert db.scalar("SELECT COUNT(*) FROM answer WHERE audit_id = ?", (audit.id,)) >= 50_000
        # schema 14: SQLite reads an audit's answers from the packs between its record ids
        # (docs/performance.md, "Packs without their audit index"), each one's audit tested
        assert answers_filter(db, audit.id).endswith("AND audit_id = ?")
        assert answers_filter(db, audit.id).startswith("record_id BETWEEN ")
    finally:
        db.close()


def test_report_results_and_feedback(big_db, tmp_path, capsys):
    db = str(big_db)
    code, _, err = run_cli(capsys, "--db", db, "report", "Big", "--out", str(tmp_path / "b.pdf"))
    assert code == 0, err
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "b.pdf").pages)
    assert "Reviewers bulk" in " ".join(text.split())
    code, _, err = run_cli(capsys, "--db", db, "results", "Big", "--out",
                           str(tmp_path / "b.xlsx"))
    assert code == 0, err
    rows = read_xlsx(tmp_path / "b.xlsx")
    q0 = next(r for r in rows if r and str(r[0]).startswith("Q0."))
    assert q0[3] == RECORDS
    code, _, err = run_cli(capsys, "--db", db, "feedback", "Big", "--by", "operator", "--out",
                           str(tmp_path / "f.xlsx"))
    assert code == 0, err
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "f.xlsx", read_only=True)
    try:
        assert len(wb.sheetnames) == 5
    finally:
        wb.close()
