"""The ``reviewer`` command (SPEC §3). Errors: one clear line each on stderr, exit 1; usage
errors exit 2; never a traceback. Data goes to stdout, messages for people to stderr."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from reviewer import __version__
from reviewer.errors import ReviewerError, UsageError, describe_error
from reviewer.store.db import redact

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = fn
        return fn
    return register


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reviewer", description="Dip-sampling and call-listening "
                                "reviews: question sets, audits, answers, tallies and reports.")
    p.add_argument("--version", action="version", version=f"reviewer {__version__}")
    p.add_argument("--db", help="database file path or SQLAlchemy URL (default: REVIEWER_DB, "
                                "else reviewer.db in the user's data folder)")
    p.add_argument("--reviewer", help="who is answering (default: REVIEWER_NAME, else the "
                                      "operating-system user)")
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND", required=True)

    g = sub.add_parser("gui", help="open the desktop app")
    g.add_argument("--demo", action="store_true", help="create the demo audit if missing")
    g.set_defaults(func="gui")

    sets = sub.add_parser("sets", help="question-set files").add_subparsers(
        dest="sets_cmd", metavar="ACTION", required=True)
    v = sets.add_parser("validate", help="check question-set files")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.set_defaults(func="sets validate")

    audit = sub.add_parser("audit", help="audits").add_subparsers(
        dest="audit_cmd", metavar="ACTION", required=True)
    c = audit.add_parser("create", help="a new audit using a question set")
    c.add_argument("name")
    c.add_argument("--set", dest="set_file", metavar="FILE",
                   help="a question-set file or a bundled set's id")
    c.add_argument("--description", default="")
    c.add_argument("--calibrate", metavar="MAIN",
                   help="a blind double-scoring audit over records of MAIN (its question set)")
    c.add_argument("--records", type=int, metavar="N", help="with --calibrate: draw N records")
    c.add_argument("--seed", type=int, metavar="S", help="with --records: the random seed")
    c.add_argument("--refs", metavar="FILE", help="with --calibrate: the refs, one a line")
    c.set_defaults(func="audit create")
    ls = audit.add_parser("list", help="list audits with their progress")
    ls.add_argument("--all", action="store_true", help="include archived audits")
    ls.set_defaults(func="audit list")

    answers = sub.add_parser("answers", help="answer tables (CSV or XLSX)").add_subparsers(
        dest="answers_cmd", metavar="ACTION", required=True)
    i = answers.add_parser("import", help="import an answer table")
    i.add_argument("name")
    i.add_argument("file")
    i.set_defaults(func="answers import")
    e = answers.add_parser("export", help="export the answer table")
    e.add_argument("name")
    e.add_argument("file")
    e.set_defaults(func="answers export")

    t = sub.add_parser("tally", help="the results tables")
    t.add_argument("name")
    t.add_argument("--format", choices=("text", "csv", "json"), default="text")
    t.add_argument("--by", metavar="FIELD", help="one tally per value of this record field")
    t.set_defaults(func="tally")

    from reviewer.cli import history, report, team

    groups = {"audit": audit, "answers": answers}
    for module in (report, history, team):
        module.add_commands(sub, groups)
    return p


def open_ws(args: argparse.Namespace):
    """The Workspace for a command: the database (``--db``, else ``REVIEWER_DB``, else the
    user's data folder) and who is working (``--reviewer``, else ``REVIEWER_NAME``, else the
    operating-system user). A writer that must wait for another says so once on stderr."""
    from reviewer.paths import database_target, reviewer_name
    from reviewer.workspace import Workspace

    ws = Workspace.open(database_target(args.db), reviewer_name(args.reviewer))
    told = []

    def waiting(seconds: float) -> None:
        if seconds >= 1 and not told:
            told.append(True)
            print(f"reviewer: another writer is at work; waiting (up to "
                  f"{ws.db.lock_timeout:.0f} s)…", file=sys.stderr)

    ws.on_wait(waiting)
    return ws


def open_db(args: argparse.Namespace):
    return open_ws(args).db


@command("sets validate")
def _validate(args: argparse.Namespace) -> int:
    from reviewer.questions.qset import QuestionSetError, load_file

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


@command("audit create")
def _audit_create(args: argparse.Namespace) -> int:
    from reviewer.errors import UsageError
    from reviewer.ops.audits import create_audit

    if args.calibrate is None:
        if args.set_file is None:
            raise UsageError("audit create needs --set FILE (or --calibrate MAIN)")
        if args.records is not None or args.refs or args.seed is not None:
            raise UsageError("--records, --seed and --refs go with --calibrate")
        done = create_audit(open_ws(args), args.name, args.set_file, args.description)
        print(done.message, file=sys.stderr)
        return 0
    if args.set_file is not None:
        raise UsageError("--calibrate uses the main audit's question set: leave out --set")
    if (args.records is None) == (args.refs is None):
        raise UsageError("--calibrate needs either --records N or --refs FILE")
    if args.refs and args.seed is not None:
        raise UsageError("--seed goes with --records, not --refs")
    from reviewer.ops.calibrate import create_calibration

    ws = open_ws(args)
    made = create_calibration(ws, args.name, ws.audit(args.calibrate).id, args.records,
                              args.seed, args.refs)
    print(made.message, file=sys.stderr)
    if args.records is not None and args.seed is None:
        print(f"reviewer: the seed was {made.value.seed} (give --seed {made.value.seed} to draw "
              "the same records again)", file=sys.stderr)
    return 0


@command("audit list")
def _audit_list(args: argparse.Namespace) -> int:
    ws = open_ws(args)
    for a in ws.audits(include_archived=args.all):
        flags = (" (archived)" if a.archived else "") + (
            f" (signed off by {a.signed_off_by} {a.signed_off_at[:10]})" if a.signed_off else "")
        people = "; ".join(f"{who} {done}/{n}" for who, n, done in
                           ws.progress_by_reviewer(a.id))
        print(f"{a.name}\t{a.set_key} v{a.set_version}\t{a.complete}/{a.records} complete"
              f"{flags}" + (f"\t{people}" if people else ""))
    return 0


@command("answers import")
def _answers_import(args: argparse.Namespace) -> int:
    from reviewer.ops.importer import import_answers

    ws = open_ws(args)
    done = import_answers(ws, ws.audit(args.name).id, args.file)
    print(done.message, file=sys.stderr)
    return 0


@command("answers export")
def _answers_export(args: argparse.Namespace) -> int:
    from reviewer.ops.disclose import write_answers

    ws = open_ws(args)
    done = write_answers(ws, ws.audit(args.name).id, args.file)
    print(f"wrote {done.value} records to {args.file}", file=sys.stderr)
    return 0


@command("tally")
def _tally(args: argparse.Namespace) -> int:
    from reviewer.analysis.tally import tally, tally_by
    from reviewer.outputs import tally_format as fmt
    from reviewer.store.audits import get_audit, question_set

    db = open_db(args)
    audit = get_audit(db, args.name)
    qs = question_set(db, audit)
    overall = tally(db, audit, qs)
    if args.by:
        groups = tally_by(db, audit, args.by, qs)
        if args.format != "json":
            for value, g in groups:
                print(f"== {args.by}: {value or '(blank)'} ==")
                print(fmt.to_text(audit, g) if args.format == "text" else fmt.to_csv(g))
            return 0
        print(fmt.to_json(fmt.grouped_dict(audit, overall, args.by, groups)))
    elif args.format == "json":
        print(fmt.to_json(fmt.tally_dict(audit, overall)))
    elif args.format == "csv":
        sys.stdout.write(fmt.to_csv(overall))
    else:
        print(fmt.to_text(audit, overall))
    return 0


@command("gui")
def _gui(args: argparse.Namespace) -> int:
    import importlib

    from reviewer.paths import database_target, reviewer_name

    try:  # the launcher loads the Qt front end at run time; the core never imports it
        app = importlib.import_module("ui.app")
    except ImportError as exc:
        raise ReviewerError(f"the desktop app cannot start: {exc}") from None
    return app.run(database_target(args.db), reviewer_name(args.reviewer), demo=args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = COMMANDS[args.func]
    try:
        return handler(args)
    except UsageError as exc:
        command_name = getattr(args, "func", "")
        for line in map(redact, exc.problems):      # a located one (FILE: ...) stays as is
            print(line if ":" in line.split(" ")[0] else
                  f"reviewer: usage: {line} (see: reviewer {command_name} --help)",
                  file=sys.stderr)
        return exc.exit_status
    except ReviewerError as exc:
        for line in exc.problems:
            line = redact(line)
            print(f"reviewer: {line}" if ":" not in line.split(" ")[0] else line,
                  file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - never a traceback; REVIEWER_DEBUG=1 shows one
        if os.environ.get("REVIEWER_DEBUG"):
            raise
        print(f"reviewer: {describe_error(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # `python -m reviewer.cli`: run the imported module, so commands
    from reviewer.cli.main import main as _main  # registered by other modules are in one registry

    sys.exit(_main())
