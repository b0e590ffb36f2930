"""``reviewer transcripts link``, ``search``, ``notes export|import`` and ``transcribe``
(docs/contracts.md §12, docs/listening.md)."""

from __future__ import annotations

import argparse
import json
import sys

from reviewer.cli.common import (
    audit_argument,
    command,
    disclosure,
    disclosure_options,
    open_ws,
    warn,
)


def add_commands(sub, groups: dict) -> None:
    t = groups["transcripts"] = sub.add_parser(
        "transcripts", help="transcripts of the call recordings").add_subparsers(
        dest="transcripts_cmd", metavar="ACTION", required=True)
    link = t.add_parser("link", help="link REF.vtt/.srt/.json files in a folder to the records")
    audit_argument(link)
    link.add_argument("--folder", required=True, metavar="DIR")
    link.set_defaults(func="transcripts link")

    s = sub.add_parser("search", help="find a phrase in an audit's transcripts")
    audit_argument(s)
    s.add_argument("phrase", metavar="PHRASE")
    s.add_argument("--question", metavar="Q",
                   help="only the records where question Q is asked")
    s.add_argument("--near", action="store_true",
                   help="also find words spelled slightly differently")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.set_defaults(func="search")

    n = groups["notes"] = sub.add_parser(
        "notes", help="a record's timed notes as Audacity label files").add_subparsers(
        dest="notes_cmd", metavar="ACTION", required=True)
    e = n.add_parser("export", help="write the record's timed notes as Audacity labels")
    audit_argument(e)
    e.add_argument("--ref", required=True, metavar="REF")
    e.add_argument("--out", required=True, metavar="FILE.txt")
    disclosure_options(e)
    e.set_defaults(func="notes export")
    i = n.add_parser("import", help="add Audacity labels to the record's notes")
    audit_argument(i)
    i.add_argument("file", metavar="FILE.txt", nargs="?")
    i.add_argument("--in", dest="in_file", metavar="FILE.txt", help="the label file (or give "
                   "it after NAME)")
    i.add_argument("--ref", required=True, metavar="REF")
    i.add_argument("--question", metavar="Q",
                   help="the question for labels that do not begin with a question id "
                        "(default: the set's first question)")
    i.set_defaults(func="notes import")

    tr = sub.add_parser("transcribe", help="transcribe recordings on this machine (needs the "
                                           "[asr] extra)")
    audit_argument(tr)
    tr.add_argument("--ref", metavar="REF", help="only this record")
    tr.add_argument("--engine", metavar="NAME", default="pocketsphinx")
    tr.set_defaults(func="transcribe")


@command("transcripts link")
def _link(args: argparse.Namespace) -> int:
    from reviewer.ops.listening import link_transcripts

    ws = open_ws(args)
    done = link_transcripts(ws, ws.audit(args.name).id, args.folder)
    print(done.value.summary(), file=sys.stderr)
    return 0


@command("search")
def _search(args: argparse.Namespace) -> int:
    from reviewer.analysis.transcript_search import hit_line, words
    from reviewer.errors import UsageError
    from reviewer.ops.listening import search_audit

    if not words(args.phrase):
        raise UsageError("search takes a word or phrase to find (it has no letters or digits)")
    ws = open_ws(args)
    found = search_audit(ws, ws.audit(args.name).id, args.phrase, args.question, args.near)
    for line in found.problems:
        warn(line)
    machine = sorted({h.ref for h in found.hits if h.machine})
    if machine:
        print(f"reviewer: hits from machine transcripts (speech recognition, words may be "
              f"wrong): {', '.join(machine)}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps({"hits": [h.to_dict() for h in found.hits]}, indent=2,
                         ensure_ascii=False))
        return 0
    for hit in found.hits:
        print(hit_line(hit))
    if not found.hits:
        print(f"reviewer: no line says \"{args.phrase}\"", file=sys.stderr)
    return 0


@command("notes export")
def _notes_export(args: argparse.Namespace) -> int:
    from reviewer.ops.timed_notes import export_notes
    from reviewer.private import check_extension

    check_extension(args.out, (".txt",), "an Audacity label file")
    ws = open_ws(args)
    n = export_notes(ws, ws.audit(args.name).id, args.ref, args.out, disclosure(args)).value
    print(f"reviewer: {n} timed note(s) written to {args.out}", file=sys.stderr)
    return 0


@command("notes import")
def _notes_import(args: argparse.Namespace) -> int:
    from reviewer.errors import UsageError
    from reviewer.ops.timed_notes import import_notes
    from reviewer.private import check_extension

    path = args.file or args.in_file
    if not path or (args.file and args.in_file):
        raise UsageError("notes import takes one label file: NAME FILE.txt or --in FILE.txt")
    check_extension(path, (".txt",), "an Audacity label file")
    ws = open_ws(args)
    done = import_notes(ws, ws.audit(args.name).id, args.ref, path, args.question)
    print(f"reviewer: {done.message}", file=sys.stderr)
    return 0


@command("transcribe")
def _transcribe(args: argparse.Namespace) -> int:
    from reviewer.ops.transcribe import check_engine, transcribe_audit

    check_engine(args.engine)           # without the [asr] extra: one line, nothing opened
    ws = open_ws(args)
    done = transcribe_audit(ws, ws.audit(args.name).id, args.ref, args.engine)
    for line in done.value:
        warn(line)
    print(f"reviewer: {done.message}", file=sys.stderr)
    return 0
