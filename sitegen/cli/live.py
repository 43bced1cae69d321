"""``sitegen watch`` and ``sitegen serve``: a build kept up to date, reported in the
terminal and, when served, in the open tabs; until Ctrl-C.

Imported only by these two commands: the watcher and the server (and watchdog) cost a
one-off build nothing.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

from sitegen.cli.options import EXIT_OK, config_of, print_report
from sitegen.core.config import Config
from sitegen.core.diagnostics import format_report
from sitegen.core.errors import ConfigError
from sitegen.live.reload import ReloadState
from sitegen.live.server import PreviewServer, exposed
from sitegen.live.watch import Outcome, Watcher
from sitegen.output.lock import WriteLock


def cmd_live(args: argparse.Namespace) -> int:
    """Watch, and for ``serve`` serve too, with one reload state and one write lock."""
    config = config_of(args)
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
    """The watch loop and the server, each on a thread, until Ctrl-C or both end."""
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
    print_report(result.diagnostics, verbose=verbose)
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
