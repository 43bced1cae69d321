"""Search: the Pagefind bundle that indexes the built cable pages, for a search with no server.

Pagefind (the binary of the ``pagefind-bin`` package, installed with sitegen; nothing is
downloaded at build time) reads the cable pages from the output folder. The theme marks
what it indexes: ``data-pagefind-body`` on the cable (so no other page is indexed),
``data-pagefind-ignore`` on boilerplate and on the released spelling of repaired words,
``data-pagefind-filter`` on tags, origin, classification and year, ``data-pagefind-meta``
for what a result shows, ``data-pagefind-sort`` for the date.

Pagefind holds a whole index in memory while it writes it (about 230 KB a synthetic cable
page), so the cables are indexed in *shards* of :data:`SHARD_SIZE`, in date order (undated
cables first), one bundle each under ``pagefind/<n>/``; the search page merges them into one
(Pagefind's ``mergeIndex``). A build indexes again only the shards whose pages changed.

Pagefind writes the values of a filter in the order of a hash map, which changes from one
run to the next; :func:`canonical` sorts them and names the files after what they hold, so
the same pages give the same bundle, byte for byte.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cbor2

from sitegen.content.archive import Archive
from sitegen.core.errors import BuildError

FOLDER = "pagefind"
"""The bundle's folder in the output (``/pagefind/``)."""
_SIGNATURE = b"pagefind_dcd"


def executable() -> Path:
    """The Pagefind binary of the ``pagefind-bin`` package."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError as exc:  # a broken install: sitegen requires the package
        raise BuildError("search: the pagefind-bin package is not installed") from exc
    path = Path(get_executable())
    if not path.is_file():
        raise BuildError(f"search: the Pagefind binary is missing ({path})")
    return path


SHARD_SIZE = 5_000
"""Cable pages per shard: Pagefind needs about 1.2 GB to index this many."""
_UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")
"""Pagefind's own interfaces: the theme has its search page, so they are not published."""


def shards(archive: Archive) -> list[list[str]]:
    """The archive's IDs cut into shards of at most :data:`SHARD_SIZE` in date order,
    undated cables first, so that the shards follow the sort by date."""
    dated = [cid for cid in archive.chronological if archive.cables[cid].created]
    undated = archive.chronological[len(dated) :]  # (chronological puts them last)
    ids = undated + dated
    return [ids[i : i + SHARD_SIZE] for i in range(0, len(ids), SHARD_SIZE)]


def bundle_folder(shard: int) -> str:
    return f"{FOLDER}/{shard}/"


def shard_of(name: str) -> int | None:
    """The shard an output file of the bundles belongs to (None: not a shard's)."""
    head = name.removeprefix(f"{FOLDER}/").split("/", 1)[0]
    return int(head) if name.startswith(f"{FOLDER}/") and head.isdigit() else None


def index_shards(
    site: Path,
    work: dict[int, list[str]],
    *,
    keep_index_url: bool,
    jobs: int = 1,
    scratch: Path | None = None,
) -> Iterator[tuple[int, dict[str, bytes]]]:
    """Index the cable pages of each shard of ``work`` (shard -> IDs) with Pagefind, up to
    ``jobs`` shards at once; yields each shard's bundle, file by file (output paths), as
    soon as it is made, so that only one bundle at a time is held in memory.

    ``scratch``: a folder on the output's file system (the cache folder) where each shard's
    pages are linked, so Pagefind reads a folder of that shard's pages only instead of
    walking the whole output once a shard."""
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="search-", dir=scratch) as temp:
        running: list[tuple[int, Path, subprocess.Popen[str]]] = []
        queue = sorted(work.items())
        try:
            while queue or running:
                while queue and len(running) < max(1, jobs):
                    shard, ids = queue.pop(0)
                    folder = Path(temp) / str(shard)
                    running.append((shard, folder, _start(site, folder, ids, keep_index_url)))
                shard, folder, process = running.pop(0)
                _, errors = process.communicate()
                if process.returncode != 0:
                    lines = (errors or "").strip().splitlines()
                    raise BuildError(
                        f"search: Pagefind failed ({lines[-1] if lines else process.returncode})"
                    )
                bundle = _collect(folder / "bundle", bundle_folder(shard))
                shutil.rmtree(folder, ignore_errors=True)  # the links and Pagefind's files
                yield shard, bundle
        finally:
            for _, _, process in running:
                process.kill()
                process.wait()


def _start(site: Path, folder: Path, ids: list[str], keep_index_url: bool) -> subprocess.Popen[str]:
    """Pagefind over the pages of ``ids``, linked into a folder of their own."""
    folder.mkdir(parents=True)
    pages = folder / "site"
    for cable_id in ids:
        source = site / "cable" / cable_id / "index.html"
        target = pages / "cable" / cable_id / "index.html"
        target.parent.mkdir(parents=True)
        try:
            os.link(source, target)  # no copy of the bytes on the same file system
        except OSError:
            shutil.copyfile(source, target)
    settings = {
        "site": str(pages.resolve()),
        "glob": "cable/*/index.html",
        "output_path": str((folder / "bundle").resolve()),
        "exclude_selectors": ["del"],  # the released spelling beside each repair
        "keep_index_url": keep_index_url,
        "silent": True,
    }
    (folder / "pagefind.json").write_text(json.dumps(settings), encoding="utf-8")
    try:
        return subprocess.Popen(
            [str(executable())],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as exc:
        raise BuildError(f"search: cannot run Pagefind: {exc.strerror or exc}") from exc


def _collect(bundle: Path, prefix: str) -> dict[str, bytes]:
    files = {
        f"{prefix}{path.relative_to(bundle).as_posix()}": path.read_bytes()
        for path in sorted(bundle.rglob("*"))
        if path.is_file() and not path.name.startswith(_UNUSED)
    }
    return canonical(files, prefix)


def canonical(files: dict[str, bytes], prefix: str = f"{FOLDER}/") -> dict[str, bytes]:
    """The bundle with each filter's values sorted and the filter, metadata and entry
    files named after their content (everything else Pagefind writes is already stable)."""
    out = dict(files)
    renamed: dict[str, str] = {}
    for name in sorted(n for n in files if n.endswith(".pf_filter")):
        language = name.rsplit("/", 1)[1].split("_", 1)[0]
        filter_name, values = _decode(files[name])
        data = _encode([filter_name, sorted(values, key=lambda v: v[0])])
        new = f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"
        renamed[name.rsplit("/", 1)[1].removesuffix(".pf_filter")] = new
        del out[name]
        out[f"{prefix}filter/{new}.pf_filter"] = data
    entry_name = f"{prefix}pagefind-entry.json"
    if entry_name not in files:
        return out
    entry: dict[str, Any] = json.loads(files[entry_name])
    for language in entry.get("languages", {}).values():
        meta_name = f"{prefix}pagefind.{language['hash']}.pf_meta"
        meta = _decode(files[meta_name])
        meta[3] = sorted([name, renamed.get(digest, digest)] for name, digest in meta[3])
        data = _encode(meta)
        code = language["hash"].split("_", 1)[0]
        language["hash"] = f"{code}_{hashlib.sha256(data).hexdigest()[:10]}"
        del out[meta_name]
        out[f"{prefix}pagefind.{language['hash']}.pf_meta"] = data
    out[entry_name] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return dict(sorted(out.items()))


def _decode(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise BuildError("search: a Pagefind file of an unknown format")
    return cbor2.loads(raw[len(_SIGNATURE) :])


def _encode(value: Any) -> bytes:
    return gzip.compress(_SIGNATURE + cbor2.dumps(value), mtime=0)
