"""Synthetic master workbooks at scales S, M and L, written once and kept in `benchmarks/data/`.

Each workbook is `sample_rows(Scale.X)` written by `write_master(..., constant_memory=True)`,
the same path a large user file would take. A small manifest beside it records the generator's
version; the workbook is written again only when it is missing or that version changed. The
version is `GENERATOR_VERSION` plus a digest of the sources that decide the file's content
(the sample generator, the workbook writer, the schema and the vocabulary), so a change to
any of them regenerates the data instead of benchmarking a stale file.

Run `python -m benchmarks.generate [S,M,L] [--force]` to (re)build them by hand.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path
from typing import Any

from benchmarks import DATA, ROOT, SCALES

GENERATOR_VERSION = 1
"""Bump when this module changes what it writes (the sources below are hashed anyway)."""
SEED = 2026
SOURCES = ("toolkit/intake/sample.py", "toolkit/writers/master_workbook.py", "toolkit/model/records.py",
           "toolkit/model/cells.py", "toolkit/model/sheets.py", "toolkit/basics/vocab.py")
"""The files whose change means the benchmark workbooks must be made again; a missing one is an
error, so that moving a module cannot silently keep stale workbooks."""


def version() -> str:
    digest = hashlib.sha256(f"{GENERATOR_VERSION}:{SEED}".encode())
    for name in SOURCES:
        path = ROOT / name
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return f"{GENERATOR_VERSION}-{digest.hexdigest()[:16]}"


def workbook_path(scale: str) -> Path:
    return DATA / f"bench-{scale}.xlsx"


def _manifest_path(scale: str) -> Path:
    return DATA / f"bench-{scale}.json"


def is_current(scale: str) -> bool:
    path, manifest = workbook_path(scale), _manifest_path(scale)
    if not path.exists() or not manifest.exists():
        return False
    try:
        return json.loads(manifest.read_text())["version"] == version()
    except (ValueError, KeyError):
        return False


def ensure(scale: str, *, force: bool = False, log=print) -> Path:
    """The workbook for `scale`, generated first if missing or out of date."""
    scale = scale.upper()
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose among {', '.join(SCALES)}")
    if not force and is_current(scale):
        return workbook_path(scale)
    from toolkit.intake.sample import Scale, sample_rows
    from toolkit.writers.master_workbook import write_master

    DATA.mkdir(parents=True, exist_ok=True)
    log(f"generating {workbook_path(scale).relative_to(ROOT)} ...")
    began = time.perf_counter()
    rows = sample_rows(getattr(Scale, scale), seed=SEED)
    built = time.perf_counter()
    path = write_master(workbook_path(scale), rows, constant_memory=True)
    written = time.perf_counter()
    manifest: dict[str, Any] = {
        "version": version(),
        "scale": scale,
        "seed": SEED,
        "rows": {sheet: len(r) for sheet, r in rows.items()},
        "bytes": path.stat().st_size,
        "rows_seconds": round(built - began, 3),
        "write_seconds": round(written - built, 3),
    }
    _manifest_path(scale).write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"  {scale}: {sum(manifest['rows'].values()):,} rows, {manifest['bytes'] / 2**20:.1f} MiB, "
        f"rows {manifest['rows_seconds']:.1f} s + write {manifest['write_seconds']:.1f} s")
    return path


def manifest(scale: str) -> dict:
    try:
        return json.loads(_manifest_path(scale).read_text())
    except (OSError, ValueError):
        return {}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.splitlines()[0])
    parser.add_argument("scales", nargs="?", default="S,M", help="comma-separated scales (default S,M)")
    parser.add_argument("--force", action="store_true", help="write again even if up to date")
    args = parser.parse_args(argv)
    for scale in args.scales.split(","):
        print(ensure(scale.strip(), force=args.force))


if __name__ == "__main__":
    main()
