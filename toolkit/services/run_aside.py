"""The files of a draft run that `invoice undo` puts aside under a hidden name while the ledger
undoes the run: deleted once it has, given their names back when it has not. A kill between
leaves them aside; the next undo of the run finds them by that name (`left_aside`) and ends
what the killed one began."""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from pathlib import Path

Aside = tuple[Path, Path]
"""A file's own path and the hidden one it is put aside at."""


def hidden(path: Path, run_id: str) -> Path:
    """Where `path` waits while the ledger undoes `run_id`: the same folder (a rename, never a
    copy), under a name no print or register takes, `.~` as Office's own lock files begin (hidden
    on Linux and macOS; Windows shows it), the run's id in it so the next undo finds it."""
    return path.with_name(_prefix(run_id) + path.name)


def _prefix(run_id: str) -> str:
    return f".~{run_id}-"


def left_aside(folders: Iterable[Path], run_id: str) -> list[Aside]:
    """The files an undo of `run_id` put aside in `folders` and did not settle (killed, the
    machine off), each with the name it had. A folder out of reach (a share down) holds none
    that can be settled now: the undo names what it cannot reach where it looks for the files
    themselves."""
    prefix = _prefix(run_id)
    left: list[Aside] = []
    for folder in dict.fromkeys(folders):
        try:
            found = sorted(p for p in folder.glob(f"{glob.escape(prefix)}*") if p.is_file())
        except OSError:
            continue
        left += [(p.with_name(p.name.removeprefix(prefix)), p) for p in found]
    return left


def put_back(aside: Sequence[Aside]) -> None:
    """Each file given its name back; one whose name was taken since is the older copy of a
    file written again, and goes."""
    for path, waiting in reversed(aside):
        if path.exists():
            waiting.unlink(missing_ok=True)
        else:
            waiting.replace(path)


def delete(aside: Iterable[Aside]) -> None:
    for _, waiting in aside:
        waiting.unlink(missing_ok=True)
