"""The command line: a thin shell that parses arguments, calls the library and prints.

Only the ``sitegen.cli`` package prints or exits (exit status: 0 success, 1 problems in the
content, 2 bad usage); the stages below it return data. This module holds the arguments and
the dispatch; :mod:`sitegen.cli.commands` the one-off commands, :mod:`sitegen.cli.live`
watch and serve, :mod:`sitegen.cli.options` what they share.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sitegen import __version__
from sitegen.cli import commands
from sitegen.cli.options import EXIT_USAGE, add_build_options
from sitegen.core.diagnostics import printable
from sitegen.core.errors import SitegenError
from sitegen.export.formats import FORMATS
from sitegen.importer import QUOTES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen", description="A static archive site generator for diplomatic cables."
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    build = subcommands.add_parser("build", help="build the site", description="Build the site.")
    add_build_options(build)
    check = subcommands.add_parser(
        "check",
        help="parse and resolve everything, write nothing, print every diagnostic",
        description="Parse and resolve everything, write nothing, print every diagnostic.",
    )
    add_build_options(check)
    watch = subcommands.add_parser(
        "watch",
        help="build, then rebuild what each change touches",
        description="Build, then rebuild what each change touches, until Ctrl-C.",
    )
    add_build_options(watch)
    watch.add_argument("--poll", action="store_true", help="poll for changes (network mounts)")
    serve = subcommands.add_parser(
        "serve",
        help="build, serve the output, rebuild on change, reload open tabs",
        description="Build, serve the output with live reload, rebuild on change, until Ctrl-C.",
    )
    add_build_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free)")
    serve.add_argument("--poll", action="store_true", help="poll for changes (network mounts)")
    export = subcommands.add_parser(
        "export",
        help="write the parsed archive and its reference graph as JSON, CSV or GraphML",
        description="Write the parsed archive and its reference graph as data: a record per "
        "cable (json, jsonl, csv) or the graph of references (graphml), cables in ID order. "
        "Described in docs/export.md.",
    )
    export.add_argument(
        "--format",
        required=True,
        choices=FORMATS,
        help="json: one array; jsonl: one object per line; csv: one row per cable; "
        "graphml: the reference graph",
    )
    export.add_argument(
        "--out", metavar="FILE", help="file to write, atomically (default, or -: stdout)"
    )
    export.add_argument(
        "--spreadsheet-safe",
        action="store_true",
        help="csv: put ' before a cell starting with = + - @ (no longer exact data)",
    )
    add_build_options(export, site=False)
    new = subcommands.add_parser(
        "new", help="create a ready-to-build site", description="Create a ready-to-build site."
    )
    new.add_argument("folder", metavar="DIR", type=Path)
    parse = subcommands.add_parser(
        "parse",
        help="print what the parser reads from each cable file",
        description="Print what the parser reads from each cable file.",
    )
    parse.add_argument(
        "files", nargs="+", metavar="FILE", help="cable files, or folders of *.txt files, to parse"
    )
    parse.add_argument("--json", action="store_true", help="one JSON object per file, per line")
    parse.add_argument(
        "--strict", action="store_true", help="exit 1 on warnings too, not only on errors"
    )
    parse.add_argument(
        "--no-repair", action="store_true", help="do not compute the repaired reading text"
    )
    verify = subcommands.add_parser(
        "verify",
        help="check a built site's files against its manifest.json",
        description="Check every file of a built site (or a copy of it) against the SHA-256 "
        "its manifest.json lists; exit 1 when one is missing or differs.",
    )
    verify.add_argument(
        "folder",
        metavar="DIR",
        type=Path,
        nargs="?",
        default=Path("output"),
        help="the site's folder (default: output)",
    )
    source = subcommands.add_parser(
        "import",
        help="convert the release's cables.csv, or mirrored cable pages, into cable files",
        description=(
            "Convert the release's cables.csv, or a folder of the mirrored web site's cable"
            " pages, into cable files; a re-import rewrites only the cables that changed."
        ),
    )
    source.add_argument("source", metavar="SOURCE", type=Path, help="cables.csv, or a folder")
    source.add_argument(
        "--to", type=Path, metavar="D", help="cable folder (default: the site's content/cables)"
    )
    source.add_argument(
        "--quotes",
        choices=QUOTES,
        default="auto",
        help="how the CSV escapes quotes: doubled or with a backslash (default: read it)",
    )
    return parser


def run() -> NoReturn:
    """The ``sitegen`` console script and ``python -m sitegen``: :func:`main`, then the
    process ends without freeing its objects one by one (a build of 250,000 cables holds
    millions; the system takes the memory back at once)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sitegen`` console script; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        if args.command == "export":
            return commands.cmd_export(args)
        if args.command == "parse":
            return commands.cmd_parse(
                args.files, as_json=args.json, strict=args.strict, repair=not args.no_repair
            )
        if args.command == "new":
            return commands.cmd_new(args.folder)
        if args.command == "verify":
            return commands.cmd_verify(args.folder)
        if args.command == "import":
            return commands.cmd_import(args.source, args.to, args.quotes)
        if args.command in ("watch", "serve"):
            from sitegen.cli.live import cmd_live  # watchdog and the server: these two only

            return cmd_live(args)
        return commands.cmd_build(args, write=args.command == "build")
    except SitegenError as exc:
        print(printable(f"sitegen: error: {exc}"), file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
