"""``reviewer COMMAND`` loads only the groups of subcommands that add COMMAND or its actions
(``cli/main.py``'s COMMAND_GROUPS; docs/performance.md, "Feedback workbook and start-up"): the
map matches what the groups add, and ``reviewer tally`` loads no other group."""

from __future__ import annotations

import argparse
import subprocess
import sys


class _Recorder:
    """A subcommands action that notes which group adds each top-level command's parsers."""

    def __init__(self, real, group: str, owners: dict[str, list[str]], top: str | None = None):
        self.real, self.group, self.owners, self.top = real, group, owners, top

    def add_parser(self, name: str, **kwargs):
        for command in [self.top] if self.top else [name, *kwargs.get("aliases", ())]:
            found = self.owners.setdefault(command, [])
            if self.group not in found:
                found.append(self.group)
        return self.real.add_parser(name, **kwargs)


class _Reads(dict):
    """The groups of actions as a group sees them, noting which it uses."""

    def __init__(self, items: dict, used: set[str]):
        super().__init__(items)
        self.used = used

    def __getitem__(self, key: str):
        self.used.add(key)
        return super().__getitem__(key)


def test_the_command_map_lists_every_group_a_command_needs():
    """Each command's groups: those that add it or its actions, and the makers of the groups of
    actions those add to."""
    from reviewer.cli.main import COMMAND_GROUPS, GROUPS, group_modules

    owners: dict[str, list[str]] = {}
    needs: dict[str, set[str]] = {}
    maker: dict[str, str] = {}
    sub = argparse.ArgumentParser().add_subparsers()
    groups: dict = {}
    for name, module in zip(GROUPS, group_modules(), strict=True):
        needs[name] = set()
        seen = _Reads({k: _Recorder(getattr(v, "real", v), name, owners, k)
                       for k, v in groups.items()}, needs[name])
        module.add_commands(_Recorder(sub, name, owners), seen)
        maker.update((k, name) for k in seen if k not in groups)
        groups.update(seen)
    expected = {}
    for command, names in owners.items():
        wanted = set(names) | {maker[k] for n in names for k in needs[n]}
        expected[command] = tuple(g for g in GROUPS if g in wanted)
    assert expected == COMMAND_GROUPS


def test_tally_loads_no_other_group(tmp_path):
    code = ("import sys\nfrom reviewer.cli.main import main\n"
            f"main(['--db', {str(tmp_path / 'x.db')!r}, 'tally', 'none'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('reviewer.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "['reviewer.cli.common', 'reviewer.cli.main', 'reviewer.cli.tally']"
