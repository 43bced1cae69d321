"""The command line: a thin shell that parses arguments, calls the library and prints.

Only this module prints or exits (exit status: 0 success, 1 problems in the content, 2 bad
usage); the stages below it return data.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from sitegen import __version__
from sitegen.build.site import build
from sitegen.content.scaffold import new_site
from sitegen.core.config import Config, load_config
from sitegen.core.diagnostics import format_report, printable, worst
from sitegen.core.errors import BuildError, ConfigError, SitegenError
from sitegen.core.model import Cable, Diagnostic, cable_to_json
from sitegen.export.formats import FORMATS, export
from sitegen.importer import QUOTES, import_cables
from sitegen.output.atomic import open_atomic
from sitegen.output.lock import WriteLock
from sitegen.parse import parse_file

if TYPE_CHECKING:  # imported by the commands that use them: a build starts faster
    from sitegen.live.reload import ReloadState
    from sitegen.live.server import PreviewServer
    from sitegen.live.watch import Outcome

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _build_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--config", type=Path, metavar="F", help="configuration file (default: ./sitegen.toml)"
    )
    command.add_argument("--content", metavar="D", help="content folder (default: content)")
    command.add_argument("--output", metavar="D", help="output folder (default: output)")
    command.add_argument("--base-url", metavar="U", help="absolute URL of the published site")
    command.add_argument("--jobs", type=int, metavar="N", help="parallel jobs (default: all cores)")
    command.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    command.add_argument(
        "--clean", action="store_true", help="rewrite every file, as on a first build"
    )
    command.add_argument("--verbose", "-v", action="store_true", help="print info diagnostics too")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen", description="A static archive site generator for diplomatic cables."
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    build = commands.add_parser("build", help="build the site", description="Build the site.")
    _build_options(build)
    check = commands.add_parser(
        "check",
        help="parse and resolve everything, write nothing, print every diagnostic",
        description="Parse and resolve everything, write nothing, print every diagnostic.",
    )
    _build_options(check)
    watch = commands.add_parser(
        "watch",
        help="build, then rebuild what each change touches",
        description="Build, then rebuild what each change touches, until Ctrl-C.",
    )
    _build_options(watch)
    watch.add_argument("--poll", action="store_true", help="poll for changes (network mounts)")
    serve = commands.add_parser(
        "serve",
        help="build, serve the output, rebuild on change, reload open tabs",
        description="Build, serve the output with live reload, rebuild on change, until Ctrl-C.",
    )
    _build_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free)")
    serve.add_argument("--poll", action="store_true", help="poll for changes (network mounts)")
    export = commands.add_parser(
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
    export.add_argument(
        "--config", type=Path, metavar="F", help="configuration file (default: ./sitegen.toml)"
    )
    export.add_argument("--content", metavar="D", help="content folder (default: content)")
    export.add_argument("--jobs", type=int, metavar="N", help="parallel jobs (default: all cores)")
    export.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    export.add_argument("--verbose", "-v", action="store_true", help="print info diagnostics too")
    export.set_defaults(output=None, base_url=None)
    new = commands.add_parser(
        "new", help="create a ready-to-build site", description="Create a ready-to-build site."
    )
    new.add_argument("folder", metavar="DIR", type=Path)
    parse = commands.add_parser(
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
    verify = commands.add_parser(
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
    source = commands.add_parser(
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
            return _cmd_export(args)
        if args.command == "parse":
            return _cmd_parse(
                args.files, as_json=args.json, strict=args.strict, repair=not args.no_repair
            )
        if args.command == "new":
            return _cmd_new(args.folder)
        if args.command == "verify":
            return _cmd_verify(args.folder)
        if args.command == "import":
            return _cmd_import(args.source, args.to, args.quotes)
        if args.command in ("watch", "serve"):
            return _cmd_live(args)
        return _cmd_build(args, write=args.command == "build")
    except SitegenError as exc:
        print(printable(f"sitegen: error: {exc}"), file=sys.stderr)
        return exc.exit_code


def _config(args: argparse.Namespace) -> Config:
    root = args.config.parent if args.config else Path.cwd()
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"{args.config}: no such configuration file")
    return load_config(
        args.config,
        root=root,
        content_dir=args.content,
        output_dir=args.output,
        base_url=args.base_url,
    )


def _check_jobs(args: argparse.Namespace) -> None:
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")


def _counts(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    """How many diagnostics of each severity, for a command's summary line."""
    return {
        level: sum(1 for d in diagnostics if d.severity == level)
        for level in ("error", "warning", "info")
    }


def _status(counts: dict[str, int], strict: bool) -> int:
    """The exit status of the content's diagnostics: 1 on errors (warnings too, strict)."""
    return EXIT_CONTENT if counts["error"] or (strict and counts["warning"]) else EXIT_OK


def _cmd_build(args: argparse.Namespace, *, write: bool) -> int:
    config = _config(args)
    _check_jobs(args)
    result = build(config, write=write, clean=args.clean, check_headers=not write, jobs=args.jobs)
    shown = [
        item for item in result.diagnostics if not write or args.verbose or item.severity != "info"
    ]
    for line in format_report(shown):
        print(line, file=sys.stderr)
    counts = _counts(result.diagnostics)
    problems = f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes"
    if result.written is not None:
        print(
            f"{result.cables} cables, {result.written.written} files written, "
            f"{result.written.unchanged} unchanged, {result.written.removed} removed, "
            f"{problems}, {result.seconds:.2f} s",
            file=sys.stderr,
        )
    else:
        print(
            f"{result.cables} cables, {result.pages} pages checked, {problems}, "
            f"{result.seconds:.2f} s",
            file=sys.stderr,
        )
    return _status(counts, args.strict)


def _cmd_export(args: argparse.Namespace) -> int:
    config = _config(args)
    _check_jobs(args)
    if args.spreadsheet_safe and args.format != "csv":
        raise ConfigError("--spreadsheet-safe applies to --format csv only")
    if args.out in (None, "-"):
        target = "stdout"
        try:
            result = export(
                config,
                args.format,
                sys.stdout.buffer,
                jobs=args.jobs,
                spreadsheet_safe=args.spreadsheet_safe,
            )
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # (``| head``): stop quietly, as other commands do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_CONTENT
    else:
        target = args.out
        try:
            with open_atomic(Path(args.out)) as sink:
                result = export(
                    config,
                    args.format,
                    sink,
                    jobs=args.jobs,
                    spreadsheet_safe=args.spreadsheet_safe,
                )
        except OSError as exc:
            raise BuildError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    shown = [item for item in result.diagnostics if args.verbose or item.severity != "info"]
    for line in format_report(shown):
        print(line, file=sys.stderr)
    counts = _counts(result.diagnostics)
    print(
        f"{result.cables} cables, {result.references} references "
        f"({result.missing} cited cables not held) exported as {args.format} to {target}, "
        f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes, "
        f"{result.seconds:.2f} s",
        file=sys.stderr,
    )
    return _status(counts, args.strict)


def _print_outcome(outcome: Outcome, verbose: bool) -> None:
    """One build of watch/serve in the terminal: its diagnostics and a summary line."""
    stamp = time.strftime("%H:%M:%S")
    if not outcome.ok:
        print(
            f"[{stamp}] build failed, still showing the last good site:\n  {outcome.error}",
            file=sys.stderr,
        )
        return
    result = outcome.result
    assert result is not None
    shown = [item for item in result.diagnostics if verbose or item.severity != "info"]
    for line in format_report(shown):
        print(line, file=sys.stderr)
    written = result.written
    files = f"{written.written} written, {written.removed} removed" if written else "checked"
    print(f"[{stamp}] {result.cables} cables, {files}, {result.seconds:.2f} s", file=sys.stderr)


def _problems(outcome: Outcome) -> str:
    """What the browser overlay shows: a failed build, or errors in the content."""
    if not outcome.ok:
        return f"Build failed; showing the last good site.\n\n{outcome.error}"
    assert outcome.result is not None
    errors = [item for item in outcome.result.diagnostics if item.severity == "error"]
    return "\n".join(format_report(errors))


def _cmd_live(args: argparse.Namespace) -> int:
    from sitegen.live.reload import ReloadState
    from sitegen.live.server import PreviewServer

    config = _config(args)
    state = ReloadState()
    writing = threading.RLock()  # the server reads under it while the build moves files
    server: PreviewServer | None = None
    if args.command == "serve":  # bound before the first build: a port in use fails at once
        try:
            server = PreviewServer(
                (args.host, args.port),
                config.output,
                state,
                private=(config.cache, config.content),
                writing=writing,
            )
        except OSError as exc:
            raise ConfigError(
                f"cannot serve on {args.host} port {args.port}: {exc.strerror or exc}"
            ) from exc
    try:
        return _live(args, config, state, server, writing)
    finally:
        if server is not None:
            server.server_close()


def _live(
    args: argparse.Namespace,
    config: Config,
    state: ReloadState,
    server: PreviewServer | None,
    writing: WriteLock,
) -> int:
    from sitegen.live.watch import Watcher

    overrides = {"content_dir": args.content, "output_dir": args.output, "base_url": args.base_url}

    def report(outcome: Outcome) -> None:
        _print_outcome(outcome, args.verbose)
        if outcome.ok:
            state.update(
                epoch=outcome.epoch, css_only=outcome.css_only, problems=_problems(outcome)
            )
        else:
            state.update(problems=_problems(outcome))

    watcher = Watcher(
        args.config,
        config,
        poll=args.poll,
        jobs=args.jobs,
        on_build=report,
        overrides=overrides,
        writing=writing,
    )
    threads: list[threading.Thread] = []
    serving: threading.Thread | None = None
    try:
        watcher.start()
        if server is not None:
            _announce(server, config)
            serving = threading.Thread(target=server.serve_forever, name="sitegen-serve")
            threads.append(serving)
        threads.append(threading.Thread(target=watcher.run, name="sitegen-watch"))
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            for thread in threads:
                thread.join(timeout=0.2)
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        watcher.close()
        state.close()
        started = [thread for thread in threads if thread.ident is not None]
        if server is not None and serving in started:
            server.shutdown()  # (it would wait forever for a loop never started)
        for thread in started:  # Ctrl-C may come before they all started
            thread.join(timeout=5)
    return EXIT_OK


def _announce(server: PreviewServer, config: Config) -> None:
    """Where the site is served, and a warning when other machines can reach it."""
    from sitegen.live.server import exposed

    host, port = str(server.server_address[0]), server.server_address[1]
    if exposed(host):
        where = "every address of this machine" if host in ("0.0.0.0", "::") else host
        print(
            f"warning: serving on {where}: anyone who can reach this machine over the network "
            "can read the site. The preview server is for your own browser; bind 127.0.0.1 "
            "(the default) unless you mean to share the preview.",
            file=sys.stderr,
        )
    shown = f"[{host}]" if ":" in host else host
    print(f"serving {config.output} at http://{shown}:{port}/ (Ctrl-C to stop)", file=sys.stderr)


def _cmd_verify(folder: Path) -> int:
    from sitegen.output.verify import verify

    found = verify(folder)
    if found.pending:
        print(
            f"{folder}: a build was stopped while it moved its files into place; "
            "the next sitegen build completes the move",
            file=sys.stderr,
        )
    for name in found.missing:
        print(f"{folder / name}: missing", file=sys.stderr)
    for name in found.changed:
        print(f"{folder / name}: differs from the manifest", file=sys.stderr)
    print(
        f"{found.checked} files checked: {len(found.missing)} missing, {len(found.changed)} "
        f"differ, {len(found.unlisted)} not in the manifest",
        file=sys.stderr,
    )
    return EXIT_OK if found.intact else EXIT_CONTENT


def _cmd_import(source: Path, to: Path | None, quotes: str) -> int:
    if to is None:
        to = load_config(root=Path.cwd()).content / "cables"
    result = import_cables(source, to, quotes=quotes)
    for line in format_report(result.diagnostics):
        print(line, file=sys.stderr)
    counts, found = result.counts, _counts(result.diagnostics)
    print(
        f"{result.read} cables read ({result.source}): {counts.added} added, "
        f"{counts.changed} changed, {counts.unchanged} unchanged, {result.skipped} skipped, "
        f"{found['error']} errors, {found['warning']} warnings, {result.seconds:.2f} s",
        file=sys.stderr,
    )
    return EXIT_CONTENT if result.skipped else EXIT_OK


def _cmd_new(folder: Path) -> int:
    for path in new_site(folder):
        print(f"created {path}", file=sys.stderr)
    print(f"build it with: cd {folder} && sitegen build", file=sys.stderr)
    return EXIT_OK


def _cmd_parse(files: Sequence[str], *, as_json: bool, strict: bool, repair: bool) -> int:
    cables = [parse_file(path, repair=repair) for path in _expand(files)]
    out = sys.stdout
    for cable in cables:
        if as_json:
            out.write(json.dumps(cable_to_json(cable), ensure_ascii=False) + "\n")
        else:
            _print_cable(cable, out)
    report = format_report(d for c in cables for d in c.diagnostics)
    for line in report:
        print(line, file=sys.stderr)
    level = worst(d for c in cables for d in c.diagnostics)
    if level == "error" or (strict and level == "warning"):
        return EXIT_CONTENT
    return EXIT_OK


def _expand(paths: Sequence[str]) -> list[str]:
    """Files as given; a folder stands for its ``*.txt`` files, sorted, sub-folders included."""
    out: list[str] = []
    for path in paths:
        folder = Path(path)
        if folder.is_dir():
            out.extend(str(p) for p in sorted(folder.rglob("*.txt")) if p.is_file())
        else:
            out.append(path)
    return out


def _mark(value: object, inferred: bool) -> str:
    if value is None or value == "":
        return "-"
    return f"{value} (inferred)" if inferred else str(value)


def _print_cable(cable: Cable, out: TextIO) -> None:
    """A human-readable summary of one parsed cable (what a terminal would act on in the
    cable's text escaped, as in the report)."""
    rows: list[tuple[str, str]] = [
        ("id", _mark(cable.id, cable.id_inferred)),
        ("created", _mark(cable.created, cable.created_inferred)),
        ("released", _mark(cable.released, False)),
        ("classification", _mark(cable.classification, cable.classification_inferred)),
        (
            "origin",
            _mark(
                f"{cable.origin} [{cable.origin_code}]" if cable.origin else None,
                cable.origin_inferred,
            ),
        ),
        ("to", "; ".join(cable.to) or "-"),
        ("info", "; ".join(cable.info) or "-"),
        ("tags", " ".join(cable.tags) or "-"),
        ("subject", cable.subject or "-"),
        ("declassify on", cable.declassify_on or cable.declassify_text or "-"),
        ("classified by", cable.classified_by or "-"),
        ("reasons", ", ".join(cable.reasons) or "-"),
        ("signer", cable.signer or "-"),
        ("paragraphs", str(len(cable.paragraphs))),
    ]
    if cable.aliases:
        rows.insert(1, ("aliases", ", ".join(cable.aliases)))
    out.write(f"{printable(cable.source)}\n")
    for key, value in rows:
        out.write(f"  {key:15} {printable(value)}\n")
    for ref in cable.references:
        label = f"{ref.label}." if ref.label else "-"
        target = ref.id or "(not a cable)"
        out.write(printable(f"  {'reference':15} {label} {ref.text}  ->  {target}") + "\n")
    if cable.summary:
        summary = cable.summary if len(cable.summary) <= 200 else cable.summary[:197] + "..."
        out.write(f"  {'summary':15} {printable(summary)}\n")
    out.write("\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
