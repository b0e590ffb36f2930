"""The bundled files: question sets and demo data come from the checkout's top folders through
``importlib.resources``, and pyproject.toml's hand-kept package list misses no package."""

from __future__ import annotations

import tomllib
from pathlib import Path

from reviewer.bundled import bundled_sets, demo_audio_dir, demo_csv, question_set_files
from tests.conftest import ROOT


def setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_the_package_list_names_every_package_folder():
    config = setuptools_config()
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for top in ("reviewer", "ui") for p in (ROOT / top).rglob("__init__.py")}
    mapped = set(config["package-dir"])
    assert set(config["packages"]) == on_disk | mapped
    for package, folder in config["package-dir"].items():
        # the editable install finds a mapped package only through its __init__.py
        assert (ROOT / folder / "__init__.py").is_file(), package


def test_the_bundled_files_are_the_top_folders():
    assert [p.resolve() for p in question_set_files()] == sorted(
        p.resolve() for p in (ROOT / "question_sets").glob("*.yaml"))
    assert demo_csv().resolve() == (ROOT / "data" / "demo-asb-2012.csv").resolve()
    wavs = sorted(p.name for p in demo_audio_dir().glob("*.wav"))
    assert wavs == sorted(p.name for p in (ROOT / "data" / "audio").glob("*.wav")) and wavs
    patterns = setuptools_config()["package-data"]["reviewer.bundled.demo"]
    assert "audio/*.wav" in patterns and demo_csv().name in patterns


def test_every_bundled_set_loads_with_a_unique_id():
    sets = bundled_sets()
    assert len({s.id for s in sets}) == len(sets) >= 2
    assert all(isinstance(s.path, Path) and s.path.is_file() for s in sets)
