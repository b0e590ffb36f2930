"""``reviewer audit``: create and list audits."""

from __future__ import annotations

import argparse
import sys

from reviewer.cli.common import command, open_ws, set_ids


def add_commands(sub, groups: dict) -> None:
    audit = groups["audit"] = sub.add_parser("audit", help="audits").add_subparsers(
        dest="audit_cmd", metavar="ACTION", required=True)
    c = audit.add_parser("create", help="a new audit using a question set")
    c.add_argument("name")
    c.add_argument("--set", dest="set_file", metavar="FILE_OR_ID",
                   help="a question-set file, or the id of a bundled set (reviewer sets list)"
                   ).completer = set_ids
    c.add_argument("--description", default="")
    c.add_argument("--calibrate", metavar="MAIN",
                   help="a blind double-scoring audit over records of MAIN (its question set)")
    c.add_argument("--records", type=int, metavar="N", help="with --calibrate: draw N records")
    c.add_argument("--seed", type=int, metavar="S", help="with --records: the random seed")
    c.add_argument("--refs", metavar="FILE", help="with --calibrate: the refs, one a line")
    c.add_argument("--scorers", metavar="NAMES",
                   help="with --calibrate: one blind copy per scorer, NAME (a), NAME (b)... "
                        "(e.g. --scorers alice,bob,carol)")
    c.set_defaults(func="audit create")
    p = audit.add_parser("population", help="the population of each stratum (columns stratum, "
                                            "population), for weighted estimates of a sample "
                                            "drawn at unequal fractions")
    p.add_argument("name")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--by", required=True, metavar="FIELD",
                   help="the record field whose values are the strata")
    p.set_defaults(func="audit population")
    ls = audit.add_parser("list", help="list audits with their progress")
    ls.add_argument("--all", action="store_true", help="include archived audits")
    ls.set_defaults(func="audit list")


@command("audit create")
def _audit_create(args: argparse.Namespace) -> int:
    from reviewer.bundled import resolve_set
    from reviewer.errors import UsageError
    from reviewer.ops.audits import create_audit

    if args.calibrate is not None:
        return _calibration(args)
    if args.set_file is None:
        raise UsageError("audit create needs --set FILE_OR_ID (or --calibrate MAIN)")
    if args.records is not None or args.refs or args.seed is not None:
        raise UsageError("--records, --seed and --refs go with --calibrate")
    if args.scorers is not None:
        raise UsageError("--scorers goes with --calibrate")
    set_file = resolve_set(args.set_file)
    done = create_audit(open_ws(args), args.name, set_file, args.description)
    print(done.message, file=sys.stderr)
    return 0


def _calibration(args: argparse.Namespace) -> int:
    from reviewer.errors import UsageError
    from reviewer.ops.calibrate import create_calibration, create_team_calibration, scorer_names

    if args.set_file is not None:
        raise UsageError("--calibrate uses the main audit's question set: leave out --set")
    if (args.records is None) == (args.refs is None):
        raise UsageError("--calibrate needs either --records N or --refs FILE")
    if args.refs and args.seed is not None:
        raise UsageError("--seed goes with --records, not --refs")
    scorers = scorer_names(args.scorers) if args.scorers is not None else None
    ws = open_ws(args)
    if scorers:
        team = create_team_calibration(ws, args.name, ws.audit(args.calibrate).id, scorers,
                                       args.records, args.seed, args.refs)
        print(team.message, file=sys.stderr)
        seed = team.value[0].seed
    else:
        made = create_calibration(ws, args.name, ws.audit(args.calibrate).id, args.records,
                                  args.seed, args.refs)
        print(made.message, file=sys.stderr)
        seed = made.value.seed
    if args.records is not None and args.seed is None:
        print(f"reviewer: the seed was {seed} (give --seed {seed} to draw the same records "
              "again)", file=sys.stderr)
    return 0


@command("audit population")
def _audit_population(args: argparse.Namespace) -> int:
    from reviewer.ops.weights import set_population

    ws = open_ws(args)
    print(set_population(ws, ws.audit(args.name).id, args.file, args.by).message,
          file=sys.stderr)
    return 0


@command("audit list")
def _audit_list(args: argparse.Namespace) -> int:
    ws = open_ws(args)
    for a in ws.audits(include_archived=args.all):
        flags = (" (archived)" if a.archived else "") + (
            f" ({a.signed_off_text})" if a.signed_off else "")
        people = "; ".join(f"{who} {done}/{n}" for who, n, done in
                           ws.progress_by_reviewer(a.id))
        print(f"{a.name}\t{a.set_key} v{a.set_version}\t{a.complete}/{a.records} complete"
              f"{flags}" + (f"\t{people}" if people else ""))
    return 0
