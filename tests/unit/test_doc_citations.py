"""Every document and module the code cites is in the repository: each ``docs/NAME.md`` exists,
each ``docs/NAME.md §N`` has a section headed ``§N`` (docs/contracts.md keeps the numbers), each
``docs/NAME.md, "Heading"`` has that heading; nothing cites the contracts by a name that is not in
the repository ("SPEC §N"); and every module path a docstring or comment names in backticks
(``reviewer.ops.scoring.score``, :mod:`reviewer.files.cells`, ``tests/unit/pg.py``) exists."""

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
    """The doc's headings, and the bold labels that lead its list items (``- **Limits** ...``):
    the places a citation may name."""
    out = []
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            out.append(line.lstrip("#").strip())
        elif m := re.match(r"- \*\*([^*]+)\*\*", line):
            out.append(m.group(1))
    return out


def named(heads: list[str], cited: str) -> bool:
    """A heading cited whole, or by its words before a parenthesis ("Removing transcripts" for
    "Removing transcripts (for disposal)")."""
    return any(h == cited or h.startswith(cited + " (") for h in heads)


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
            if m.group(3) and not named(heads, m.group(3)):
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
    ('docs/architecture.md, "Changing the"', "has no heading"),
    ("as SPEC §3 says", "not in the repository"),
])
def test_a_wrong_citation_is_found(text, wrong):
    found = problems(text, "x.py")
    assert len(found) == 1 and wrong in found[0]


def test_a_right_citation_passes():
    assert problems('docs/contracts.md §2, §3, §6 and (docs/architecture.md, "Changing the '
                    'schema")', "x.py") == []
    assert problems('docs/answer-tables.md, "Limits" (a list item\'s bold label)', "x.py") == []


# -- module paths named in docstrings and comments ----------------------------------------------
DOTTED = re.compile(r"(?:``|:\w+:`~?)((?:reviewer|ui)(?:\.[A-Za-z_]\w*)+)`")
PATH = re.compile(r"`((?:reviewer|ui|tests|benchmarks|scripts|data|docs|packaging|question_sets)"
                  r"/[\w/.-]+\.(?:py|md|yaml|csv|css|spec))`")
PLACEHOLDER = re.compile(r"(?<![A-Za-z])[A-Z]{1,4}(?![A-Za-z])|vN")  # NAME.md, schema_vN.py
# Packages that exist only in the wheel: pyproject.toml maps question_sets/ and data/ there.
WHEEL_ONLY = ("reviewer.bundled.question_sets", "reviewer.bundled.demo")


def defines(source: str, name: str) -> bool:
    return bool(re.search(rf"^\s*(?:async def|def|class) {name}\b|^{name}\s*[:=]|"
                          rf"^\s+self\.{name}\s*[:=]|\bimport .*\b{name}\b", source, re.M))


def dotted_exists(dotted: str) -> bool:
    """A module (or package) under the repository, or a name defined in one."""
    if dotted.startswith(WHEEL_ONLY):
        return True
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:k])
        module = base.with_suffix(".py") if base.with_suffix(".py").is_file() else \
            base / "__init__.py"
        if module.is_file():
            rest = parts[k:]
            if not rest:
                return True
            source = module.read_text(encoding="utf-8")
            return defines(source, rest[0]) and (len(rest) == 1 or defines(source, rest[1]))
    return False


def path_problems(text: str, where: str) -> list[str]:
    out = []
    for line_no, line in enumerate(text.splitlines(), 1):
        for m in DOTTED.finditer(line):
            if not dotted_exists(m.group(1)):
                out.append(f"{where}:{line_no}: {m.group(1)} does not exist")
        for m in PATH.finditer(line):
            if not PLACEHOLDER.search(m.group(1)) and not (ROOT / m.group(1)).exists():
                out.append(f"{where}:{line_no}: {m.group(1)} does not exist")
    return out


def test_every_module_path_named_in_the_code_exists():
    found, named = [], 0
    for path in sources():
        if path.suffix != ".py":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        named += len(DOTTED.findall(text)) + len(PATH.findall(text))
        found += path_problems(text, str(path.relative_to(ROOT)))
    assert found == []
    assert named > 30


@pytest.mark.parametrize("text, ok", [
    ("``reviewer.ops.scoring.score``", True),
    (":mod:`reviewer.files.cells`", True),
    ("``tests/unit/pg.py``", True),
    ("``reviewer.scoring.score``", False),          # a module that moved away
    ("``reviewer.ops.scoring.no_such_function``", False),
    ("`reviewer/cli/plan.py`", False),
    ("``docs/NAME.md``", True),                     # a placeholder, not a path
    ("``docs/READMEX.md``", False),
])
def test_a_stale_module_path_is_found(text, ok):
    assert (path_problems(text, "x.py") == []) == ok
