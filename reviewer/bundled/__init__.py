"""The files that ship inside the program: the bundled question sets and the demo data.

They are read with ``importlib.resources``, so they are found wherever reviewer is installed (a
wheel, a PyInstaller folder, a checkout installed with ``pip install -e``). Their one copy is the
checkout's top folders ``question_sets/`` and ``data/``, which pyproject.toml maps to the
packages ``reviewer.bundled.question_sets`` and ``reviewer.bundled.demo``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from reviewer.errors import ReviewerError, UsageError

SETS_PACKAGE = "reviewer.bundled.question_sets"
DEMO_PACKAGE = "reviewer.bundled.demo"
DEMO_CSV = "demo-asb-2012.csv"
DEMO_SET = "hmic-asb-call-listening-2012"   # the demo audits' question set


@dataclass(frozen=True)
class BundledSet:
    id: str
    version: int
    title: str
    path: Path

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "version": self.version, "title": self.title,
                "path": str(self.path)}


def _folder(package: str) -> Path:
    """The folder of a bundled package on disk (reviewer is never run from a zip file)."""
    try:
        found = files(package)
    except ModuleNotFoundError:
        raise ReviewerError(f"the bundled files ({package}) are missing: reinstall reviewer") \
            from None
    if not isinstance(found, Path):  # a zip import or an unusual loader: not supported
        raise ReviewerError(f"the bundled files ({package}) are not in a folder on disk")
    return found


def question_set_files() -> list[Path]:
    """The bundled question-set files, sorted by file name."""
    return sorted(p for p in _folder(SETS_PACKAGE).iterdir()
                  if p.suffix in (".yaml", ".yml") and p.is_file())


def bundled_sets() -> list[BundledSet]:
    """Every bundled question set with its id, version and title, sorted by id."""
    from reviewer.questions.loader import load_file

    out = []
    for path in question_set_files():
        qs = load_file(path)
        out.append(BundledSet(qs.id, qs.version, qs.title, path))
    return sorted(out, key=lambda s: s.id)


def resolve_set(spec: str | Path) -> Path:
    """A question-set file path, or the id of a bundled set (docs/contracts.md §3: ``--set``)."""
    text = str(spec).strip()
    if not text:
        raise UsageError("no question set given (a file, or a bundled set's id)")
    path = Path(text).expanduser()
    if path.exists():
        return path
    sets = bundled_sets()
    for s in sets:
        if s.id == text:
            return s.path
    known = ", ".join(s.id for s in sets) or "none"
    raise ReviewerError(f"{text}: no such question-set file or bundled set (bundled: {known})")


def demo_csv() -> Path:
    """The demo answer table: 100 records reproducing Appendix A of the 2012 ASB audit."""
    return _folder(DEMO_PACKAGE) / DEMO_CSV


def demo_file(name: str) -> Path:
    """A bundled demo file by name (``demo-asb-2013.csv``, ``asb-improvement-plan-2012.csv``)."""
    return _folder(DEMO_PACKAGE) / name


def demo_audio_dir() -> Path:
    """The demo's call recordings (``audio`` paths in the CSV are relative to its folder)."""
    return _folder(DEMO_PACKAGE) / "audio"
