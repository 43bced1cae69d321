"""What the commands share: the build options, the configuration they name, and the rule
that turns a command's diagnostics into its exit status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from sitegen.core.config import Config, load_config
from sitegen.core.diagnostics import format_report
from sitegen.core.errors import ConfigError
from sitegen.core.model import Diagnostic

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
"""Exit status: success, problems in the content (or a damaged copy), bad usage."""


def add_build_options(command: argparse.ArgumentParser, *, site: bool = True) -> None:
    """The options of every command that reads the site (``site``: and writes its output,
    so ``--output``, ``--base-url`` and ``--clean`` too), in the order ``--help`` lists."""
    command.add_argument(
        "--config", type=Path, metavar="F", help="configuration file (default: ./sitegen.toml)"
    )
    command.add_argument("--content", metavar="D", help="content folder (default: content)")
    if site:
        command.add_argument("--output", metavar="D", help="output folder (default: output)")
        command.add_argument("--base-url", metavar="U", help="absolute URL of the published site")
    command.add_argument("--jobs", type=int, metavar="N", help="parallel jobs (default: all cores)")
    command.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    if site:
        command.add_argument(
            "--clean", action="store_true", help="rewrite every file, as on a first build"
        )
    command.add_argument("--verbose", "-v", action="store_true", help="print info diagnostics too")
    if not site:
        command.set_defaults(output=None, base_url=None)


def config_of(args: argparse.Namespace) -> Config:
    """The configuration the options name (``--config``, or ``./sitegen.toml`` if there)."""
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


def check_jobs(args: argparse.Namespace) -> None:
    """Refuse ``--jobs`` below 1 before any work starts."""
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")


def print_report(diagnostics: Iterable[Diagnostic], *, verbose: bool = True) -> None:
    """The diagnostics on stderr, one sorted line each (info ones only when ``verbose``)."""
    shown = [item for item in diagnostics if verbose or item.severity != "info"]
    for line in format_report(shown):
        print(line, file=sys.stderr)


def counts(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    """How many diagnostics of each severity, for a command's summary line."""
    return {
        level: sum(1 for d in diagnostics if d.severity == level)
        for level in ("error", "warning", "info")
    }


def exit_status(found: dict[str, int], strict: bool) -> int:
    """The exit status of the content's diagnostics: 1 on errors (warnings too, strict)."""
    return EXIT_CONTENT if found["error"] or (strict and found["warning"]) else EXIT_OK
