"""``reviewer sets``: check question-set files, list the bundled ones."""

from __future__ import annotations

import argparse
import json
import sys

from reviewer.cli.common import command


def add_commands(sub, groups: dict) -> None:
    sets = sub.add_parser("sets", help="question sets").add_subparsers(
        dest="sets_cmd", metavar="ACTION", required=True)
    v = sets.add_parser("validate", help="check question-set files")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.set_defaults(func="sets validate")
    ls = sets.add_parser("list", help="the question sets bundled with the program "
                                      "(id, version, title; one a line)")
    ls.add_argument("--format", choices=("text", "json"), default="text",
                    help="json adds each set's file path")
    ls.set_defaults(func="sets list")


@command("sets validate")
def _validate(args: argparse.Namespace) -> int:
    from reviewer.questions.loader import QuestionSetError, load_file

    status = 0
    for f in args.files:
        try:
            qs = load_file(f)
        except QuestionSetError as exc:
            for line in exc.problems:
                print(line, file=sys.stderr)
            status = 1
        else:
            print(f"{f}: ok — {qs.id} version {qs.version}, {len(qs.questions)} questions",
                  file=sys.stderr)
    return status


@command("sets list")
def _list(args: argparse.Namespace) -> int:
    from reviewer.bundled import bundled_sets

    sets = bundled_sets()
    if args.format == "json":
        print(json.dumps([s.to_dict() for s in sets], indent=2, ensure_ascii=False))
    else:
        for s in sets:
            print(f"{s.id}\t{s.version}\t{s.title}")
    return 0
