"""The inputs of a batch conversion as `toolkit.intake.tables.find_inputs` found them before it
resolved each file's path from its folder's: every file `rglob` meets, in name order, each
resolved on its own, and each link to no file, skipped, under its own name. The reference the
walk is compared with."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from toolkit.intake.tables import Found, _why_skipped


def inputs_by_rglob(paths: Iterable[Path], exclude: Path | None = None) -> list[Found]:
    found: list[Found] = []
    seen: set[Path] = set()
    outside = Path(exclude).resolve() if exclude is not None else None
    for given in paths:
        given = Path(given)
        entries = ((p, False) for p in sorted(given.rglob("*")) if p.is_file() or _dangling(p)) if given.is_dir() \
            else iter([(given, True)])
        below = outside if outside is not None and given.resolve() in outside.parents else None
        for path, named in entries:
            lost = not named and _dangling(path)
            key = path.parent.resolve() / path.name if lost else path.resolve()
            if key in seen or (below is not None and below in key.parents):
                continue
            seen.add(key)
            found.append(Found(path, None if named else _why_skipped(path) or ("dangling-link" if lost else None),
                               key))
    return found


def _dangling(path: Path) -> bool:
    return path.is_symlink() and not path.exists()
