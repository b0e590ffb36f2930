"""Every document the code cites is in the repository: each ``docs/NAME.md`` exists, each
``docs/NAME.md §N`` has a section headed ``§N`` (docs/contracts.md keeps the numbers), each
``docs/NAME.md, "Heading"`` has that heading; and nothing cites the contracts by a name that is
not in the repository ("SPEC §N")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("reviewer", "ui", "tests", "benchmarks", "data", "packaging", "scripts", "docs")
SUFFIXES = {".py", ".spec", ".sh", ".toml", ".yaml", ".md", ""}

CITED = re.compile(r"docs/([\w./-]+?\.md)((?:,? ?§\d+)*)(?:,? \"([^\"\n]+)\")?")
SECTION = re.compile(r"§(\d+)")
OLD_NAME = re.compile(r"\bSPEC\s*§|\(SPEC \d")


def headings(doc: Path) -> list[str]:
    return [line.lstrip("#").strip() for line in doc.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")]


def problems(text: str, where: str) -> list[str]:
    """What is wrong with the citations in ``text`` (a file's contents)."""
    out = []
    for line_no, line in enumerate(text.splitlines(), 1):
        at = f"{where}:{line_no}"
        if OLD_NAME.search(line):
            out.append(f"{at}: cites 'SPEC', which is not in the repository: "
                       "use docs/contracts.md §N")
        for m in CITED.finditer(line):
            doc = ROOT / "docs" / m.group(1)
            if not doc.is_file():
                out.append(f"{at}: docs/{m.group(1)} does not exist")
                continue
            heads = headings(doc)
            for n in SECTION.findall(m.group(2)):
                if not any(re.match(rf"§{n}\b", h) for h in heads):
                    out.append(f"{at}: docs/{m.group(1)} has no section §{n}")
            if m.group(3) and m.group(3) not in heads:
                out.append(f"{at}: docs/{m.group(1)} has no heading {m.group(3)!r}")
    return out


def sources() -> list[Path]:
    return sorted([ROOT / "README.md"] + [
        p for folder in FOLDERS for p in (ROOT / folder).rglob("*")
        if p.is_file() and p.suffix in SUFFIXES and "__pycache__" not in p.parts
        and p.name != Path(__file__).name])


def test_every_citation_points_to_a_document_and_section():
    found = []
    cited = 0
    for path in sources():
        text = path.read_text(encoding="utf-8", errors="replace")
        cited += len(CITED.findall(text))
        found += problems(text, str(path.relative_to(ROOT)))
    assert found == []
    assert cited > 60            # the code does cite the contracts


def test_the_contracts_keep_their_section_numbers():
    heads = headings(ROOT / "docs" / "contracts.md")
    numbers = [int(m.group(1)) for h in heads if (m := re.match(r"§(\d+) ", h))]
    assert numbers == list(range(1, 14))


@pytest.mark.parametrize("text, wrong", [
    ("see docs/contracts.md §99", "has no section §99"),
    ("(docs/contracts.md §2, §42)", "has no section §42"),
    ("docs/nowhere.md §1", "does not exist"),
    ('docs/architecture.md, "No such heading"', "has no heading"),
    ("as SPEC §3 says", "not in the repository"),
])
def test_a_wrong_citation_is_found(text, wrong):
    found = problems(text, "x.py")
    assert len(found) == 1 and wrong in found[0]


def test_a_right_citation_passes():
    assert problems('docs/contracts.md §2, §3, §6 and (docs/architecture.md, "Changing the '
                    'schema")', "x.py") == []
