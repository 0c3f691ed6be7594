"""Writing files the safe way: atomically, never over a workbook Excel holds open, never
outside the output folder.

Excel keeps a lock file `~$Name.xlsx` beside a workbook it has open; overwriting such a file
would lose the user's unsaved edits (or fail half-way on Windows), so we refuse instead.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from toolkit.basics.problems import UnusableInput, define

FILE_OPEN_IN_EXCEL = define(
    "file-open-in-excel", "error",
    it="Il file {path} è aperto in Excel (c'è il file di blocco {lock}): chiudilo e riprova.",
    en="The file {path} is open in Excel (lock file {lock} exists): close it and try again.",
)


def lock_file(path: Path) -> Path:
    """The lock file Excel (and LibreOffice) create beside an open workbook."""
    return path.with_name("~$" + path.name)


def open_elsewhere(path: Path) -> Path | None:
    for lock in (lock_file(path), path.with_name(f".~lock.{path.name}#")):
        if lock.exists():
            return lock
    return None


def refuse_if_open(path: Path) -> None:
    if lock := open_elsewhere(path):
        raise UnusableInput(FILE_OPEN_IN_EXCEL(None, path=path, lock=lock.name))


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one rename.

    If the body raises, the temporary file is removed and `target` is untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    refuse_if_open(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_umask())
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    """The process umask, so a renamed temporary file gets the permissions of a normal one
    (mkstemp makes it owner-only, which locks colleagues out of a shared folder)."""
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(target: Path, write: Callable[[Path], object]) -> Path:
    with atomic_path(target) as tmp:
        write(tmp)
    return Path(target)


def write_text_atomic(target: Path, text: str, encoding: str = "utf-8") -> Path:
    return write_atomic(target, lambda p: p.write_text(text, encoding=encoding, newline=""))


def safe_name(text: str, default: str = "file") -> str:
    """A file-name part built from user data that cannot leave the output folder.

    >>> safe_name("../../etc/passwd"), safe_name("Bar Centrale S.n.c."), safe_name("CON")
    ('etc_passwd', 'Bar_Centrale_S.n.c', 'CON_')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_text).strip("._")[:80] or default
    if cleaned.upper() in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}:
        cleaned += "_"
    return cleaned


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, refusing any name that would resolve outside `folder`."""
    folder = Path(folder).resolve()
    path = (folder / name).resolve()
    if folder != path and folder not in path.parents:
        raise ValueError(f"{name!r} leaves {folder}")
    return path
