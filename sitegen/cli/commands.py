"""The commands that run once and return: build and check, export, verify, import, new and
parse. Each is a few lines over a library function, then what the user reads on stderr."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sitegen.cli.options import (
    EXIT_CONTENT,
    EXIT_OK,
    check_jobs,
    config_of,
    counts,
    exit_status,
    print_report,
)
from sitegen.cli.show import print_cable
from sitegen.content.scaffold import new_site
from sitegen.core.config import load_config
from sitegen.core.errors import BuildError, ConfigError
from sitegen.core.model import cable_to_json
from sitegen.export.formats import export
from sitegen.importer import import_cables
from sitegen.output.atomic import open_atomic
from sitegen.output.verify import verify
from sitegen.parse import parse_file
from sitegen.site.build import build


def cmd_build(args: argparse.Namespace, *, write: bool) -> int:
    """``sitegen build`` (``write``) or ``sitegen check`` (every diagnostic, nothing written)."""
    config = config_of(args)
    check_jobs(args)
    result = build(config, write=write, clean=args.clean, check_headers=not write, jobs=args.jobs)
    print_report(result.diagnostics, verbose=args.verbose or not write)
    found = counts(result.diagnostics)
    problems = f"{found['error']} errors, {found['warning']} warnings, {found['info']} notes"
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
    return exit_status(found, args.strict)


def cmd_export(args: argparse.Namespace) -> int:
    """``sitegen export``: the archive as data, to stdout or atomically to ``--out``."""
    config = config_of(args)
    check_jobs(args)
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
    print_report(result.diagnostics, verbose=args.verbose)
    found = counts(result.diagnostics)
    print(
        f"{result.cables} cables, {result.references} references "
        f"({result.missing} cited cables not held) exported as {args.format} to {target}, "
        f"{found['error']} errors, {found['warning']} warnings, {found['info']} notes, "
        f"{result.seconds:.2f} s",
        file=sys.stderr,
    )
    return exit_status(found, args.strict)


def cmd_verify(folder: Path) -> int:
    """``sitegen verify``: 1 when a file the manifest lists is missing or differs."""
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


def cmd_import(source: Path, to: Path | None, quotes: str) -> int:
    """``sitegen import``: 1 when a cable of the source was skipped."""
    if to is None:
        to = load_config(root=Path.cwd()).content / "cables"
    result = import_cables(source, to, quotes=quotes)
    print_report(result.diagnostics)
    done, found = result.counts, counts(result.diagnostics)
    print(
        f"{result.read} cables read ({result.source}): {done.added} added, "
        f"{done.changed} changed, {done.unchanged} unchanged, {result.skipped} skipped, "
        f"{found['error']} errors, {found['warning']} warnings, {result.seconds:.2f} s",
        file=sys.stderr,
    )
    return EXIT_CONTENT if result.skipped else EXIT_OK


def cmd_new(folder: Path) -> int:
    """``sitegen new``: a ready-to-build site, and how to build it."""
    for path in new_site(folder):
        print(f"created {path}", file=sys.stderr)
    print(f"build it with: cd {folder} && sitegen build", file=sys.stderr)
    return EXIT_OK


def cmd_parse(files: Sequence[str], *, as_json: bool, strict: bool, repair: bool) -> int:
    """``sitegen parse``: what the parser reads, as text or one JSON object per line."""
    cables = [parse_file(path, repair=repair) for path in _expand(files)]
    out = sys.stdout
    for cable in cables:
        if as_json:
            out.write(json.dumps(cable_to_json(cable), ensure_ascii=False) + "\n")
        else:
            print_cable(cable, out)
    diagnostics = [d for c in cables for d in c.diagnostics]
    print_report(diagnostics)
    return exit_status(counts(diagnostics), strict)


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
