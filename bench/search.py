"""Print the search index's figures for a built site: the time Pagefind takes to index the
cable pages, the size of the bundle, and the bytes a browser downloads for a query.

Usage: python bench/search.py SITE [--query WORDS] [--no-browser] [--no-index]

SITE is a site folder already built with search on (``sitegen build``), for example one of
``bench/build.py``'s synthetic sites. The index is made again from its output folder (into a
temporary folder, the site is left as it is); then the site is served on 127.0.0.1 and
Debian's chromium (driven by Playwright) runs the query on ``/search/``, counting the bytes
of every response from the first request of the search page to the tenth result shown.
"""

from __future__ import annotations

import argparse
import resource
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sitegen.content.archive import build_archive
from sitegen.content.cable_store import CableStore
from sitegen.content.discover import discover
from sitegen.content.parsing import parse_all
from sitegen.core.config import Config, load_config
from sitegen.render.search import SHARD_SIZE, index_shards, shards

CHROMIUM = "/usr/bin/chromium"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("site", type=Path)
    parser.add_argument("--query", default="pipeline")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--no-index", action="store_true", help="only the query, on the bundle the site has"
    )
    args = parser.parse_args()
    config = load_config(args.site / "sitegen.toml")
    if not args.no_index:
        index(config)
    if not args.no_browser:
        query_bytes(config.output, args.query)


def index(config: Config) -> None:
    found = discover(config.content, config.root)
    parsed = parse_all(found.cables, config.repair_text, None, CableStore(config.cache))
    archive = build_archive([cable for _, cable in parsed], [], [])
    plan = dict(enumerate(shards(archive)))
    started = time.perf_counter()
    files = fragments = size = 0
    for _, bundle in index_shards(
        config.output, plan, keep_index_url=False, jobs=2, scratch=config.cache
    ):
        files += len(bundle)
        fragments += sum(1 for name in bundle if "/fragment/" in name)
        size += sum(len(data) for data in bundle.values())
    took = time.perf_counter() - started
    pages = len(archive.chronological)
    print(f"{pages} cable pages in {len(plan)} shards of up to {SHARD_SIZE}, two at a time:")
    print(f"indexed in {took:.1f} s ({pages / took:.0f} pages/s)")
    print(f"bundles: {files} files ({fragments} fragments), {size / 1e6:.1f} MB")
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3
    mine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"largest Pagefind process: {child:.0f} MB; this process: {mine:.0f} MB")


def query_bytes(output: Path, query: str) -> None:
    from playwright.sync_api import Response, sync_playwright

    handler = partial(_Quiet, directory=str(output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/search/?q={quote(query)}"
    sizes: dict[str, int] = {}

    def count(response: Response) -> None:
        try:
            sizes[response.url] = len(response.body())
        except Exception:  # a redirect or an aborted load has no body
            sizes.setdefault(response.url, 0)

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.on("response", count)
            started = time.perf_counter()
            page.goto(url)
            page.wait_for_function(
                "() => document.querySelectorAll('#search-results li').length >= 10"
                " || /^No cable/.test(document.getElementById('search-status').textContent)",
                timeout=120_000,
            )
            took = time.perf_counter() - started
            status = page.locator("#search-status").inner_text()
            browser.close()
    finally:
        server.shutdown()
    search = {u: n for u, n in sizes.items() if "/pagefind/" in u}
    print(f"query {query!r}: {status} ({took:.2f} s to the first results)")
    print(
        f"downloaded: {sum(sizes.values()) / 1e3:.0f} kB in {len(sizes)} responses, of which "
        f"the search bundle {sum(search.values()) / 1e3:.0f} kB in {len(search)} files"
    )
    for u, n in sorted(search.items(), key=lambda item: -item[1])[:6]:
        print(f"  {n / 1e3:8.1f} kB  {u.split('/pagefind/', 1)[1]}")


if __name__ == "__main__":
    main()
