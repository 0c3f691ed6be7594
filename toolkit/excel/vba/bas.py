"""Read modules as the VBA editor exports them (``File > Export File``).

An exported standard module (``.bas``) starts with its
``Attribute VB_Name = "Name"`` line.  :func:`read_bas` takes the name from
that line and drops it, because :func:`toolkit.excel.vba.build_vba_project`
writes the header lines itself (MS-OVBA 2.3.4.3).
"""

from __future__ import annotations

import re
from pathlib import Path

from .project import VbaModule

__all__ = ["read_bas", "document_module"]

_VB_NAME = re.compile(r'\s*Attribute\s+VB_Name\s*=\s*"([^"]*)"\s*\Z', re.IGNORECASE)
_ATTRIBUTE = re.compile(r"\s*Attribute\s", re.IGNORECASE)


def read_bas(path: str | Path, encoding: str | None = None) -> VbaModule:
    """Read a ``.bas`` file into a standard :class:`VbaModule`.

    The VBA editor exports in the ANSI code page, while files kept in a
    repository are usually UTF-8; with ``encoding=None`` the text is read as
    UTF-8 (a BOM is allowed) and, failing that, as cp1252.  Without a
    ``VB_Name`` line the module is named after the file stem.
    """
    path = Path(path)
    raw = path.read_bytes()
    if encoding is None:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
    else:
        text = raw.decode(encoding)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    name = _take_name(lines, path.stem, stop_at_code=True)
    return VbaModule(name=name, source="\n".join(lines), kind="standard")


_CLASS_PREAMBLE = re.compile(r"\AVERSION\s+1\.0\s+CLASS\s*\nBEGIN\s*\n.*?\nEND\s*\n", re.DOTALL | re.IGNORECASE)


def read_cls(path: Path) -> VbaModule:
    """A class module as the VBA editor exports it: `VERSION 1.0 CLASS`, a `BEGIN`…`END` block,
    then `Attribute` lines and code. The block describes the class to the editor's importer
    and is not part of the stored source; the name comes from `VB_Name`."""
    path = Path(path)
    text = path.read_bytes().decode("cp1252").replace("\r\n", "\n").replace("\r", "\n")
    lines = _CLASS_PREAMBLE.sub("", text, count=1).split("\n")
    name = _take_name(lines, path.stem, stop_at_code=False)
    return VbaModule(name=name, source="\n".join(lines), kind="class")


def _take_name(lines: list[str], default: str, *, stop_at_code: bool) -> str:
    """Remove the `Attribute VB_Name` line from `lines` and return the name it gives."""
    for index, line in enumerate(lines):
        match = _VB_NAME.match(line)
        if match:
            del lines[index]
            return match.group(1)
        if stop_at_code and line.strip() and not _ATTRIBUTE.match(line):
            break
    return default


def document_module(name: str, source: str = "") -> VbaModule:
    """An (empty by default) document module: the code behind
    ``ThisWorkbook`` or a sheet, named after the object's code name."""
    return VbaModule(name=name, source=source, kind="document")
