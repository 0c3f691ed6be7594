"""Build the front-end workbook `workbooks/ordini-ricorrenti.xlsm` from text sources.

The workbook is generated, never edited by hand: the VBA comes from `macros/*.bas` and from
the installed xlwings package, the sheets from `toolkit.model.sheets` (the sample workbook of
`toolkit.services.sample`, so that a new user sees how the sheets are filled), the panel and the
`xlwings.conf` sheet from `toolkit.excel.panel`. A reviewer reads the text sources; the
`.xlsm` in the repository is only their product, and `check` proves it is up to date.

The build is deterministic: fixed document properties, no timestamps, a VBA project whose
bytes depend only on the module texts. `check` still compares part by part, after dropping
the timestamps of `docProps/core.xml`, so that an XlsxWriter upgrade that only changes the
zip container does not fail it.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import xlsxwriter

from toolkit.excel import panel
from toolkit.excel.paths import MACROS, WORKBOOK
from toolkit.excel.vba import VbaModule, build_vba_project
from toolkit.excel.vba.bas import document_module
from toolkit.excel.vba_sources import our_modules, xlwings_modules
from toolkit.excel.vba_sources import xlwings_version as xlwings_version  # `workbook build --check` reports it
from toolkit.services.sample import refuse_to_replace, sheet_count, write_sample_workbook

CREATED = datetime(2026, 1, 1)
VOLATILE = ("docProps/core.xml", "docProps/app.xml")
_TIMESTAMP = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


@dataclass(frozen=True)
class Built:
    path: Path
    xlwings_version: str
    modules: tuple[str, ...]


def build(target: Path = WORKBOOK, macros: Path = MACROS) -> Built:
    """Write the workbook to `target` (atomically; refused while Excel has it open, and over
    any file but a workbook a build wrote and nobody saved since, `refuse_to_replace`: a desk
    fills the built workbook's master sheets in)."""
    target = Path(target)
    refuse_to_replace(target, CREATED)
    version = xlwings_version()
    before = 2
    modules = vba_modules(macros, before + sheet_count())

    def add_front(workbook: xlsxwriter.Workbook) -> None:
        workbook.set_properties({
            "title": "Ordini ricorrenti",
            "subject": "Anagrafiche e pulsanti del toolkit ordini ricorrenti",
            "created": CREATED,
        })
        workbook.set_custom_property("xlwings", version)
        panel.add_panel(workbook, version)
        panel.add_config(workbook, version)

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "vbaProject.bin"
        project.write_bytes(build_vba_project(modules))
        write_sample_workbook(target, vba_project=project, before_sheets=add_front)
    return Built(target, version, tuple(m.name for m in modules))


def vba_modules(macros: Path, sheet_count: int) -> list[VbaModule]:
    """Document modules for the workbook and each sheet (XlsxWriter names them `Sheet1`…),
    then our modules, then xlwings'."""
    if not Path(macros).is_dir():
        raise FileNotFoundError(f"{macros}: the macros folder is missing (build from a checkout of the repository)")
    documents = [document_module("ThisWorkbook")] + [document_module(f"Sheet{i}") for i in range(1, sheet_count + 1)]
    return documents + our_modules(macros) + xlwings_modules()


def differences(expected: Path, actual: Path) -> list[str]:
    """The parts that differ between two workbooks, timestamps aside; empty when equal."""
    left, right = parts(expected), parts(actual)
    out = [f"{name}: only in {expected.name}" for name in sorted(left.keys() - right.keys())]
    out += [f"{name}: only in the rebuilt workbook" for name in sorted(right.keys() - left.keys())]
    out += [f"{name}: differs" for name in sorted(left.keys() & right.keys()) if left[name] != right[name]]
    return out


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: _stable(name, archive.read(name)) for name in archive.namelist()}


def _stable(name: str, data: bytes) -> bytes:
    return _TIMESTAMP.sub(b"", data) if name in VOLATILE else data


def check(committed: Path = WORKBOOK, macros: Path = MACROS) -> list[str]:
    """Rebuild into a temporary folder and list how the committed workbook differs."""
    committed = Path(committed)
    if not committed.exists():
        return [f"{committed}: missing (run: toolkit workbook build)"]
    with tempfile.TemporaryDirectory() as tmp:
        rebuilt = build(Path(tmp) / committed.name, macros).path
        found = differences(committed, rebuilt)
    if found:
        embedded = embedded_xlwings(committed)
        if embedded and embedded != xlwings_version():
            found.insert(0, f"the committed workbook embeds xlwings {embedded}, the installed package is "
                            f"{xlwings_version()}")
    return found


def embedded_xlwings(path: Path) -> str | None:
    """The xlwings version a built workbook records in its custom properties."""
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("docProps/custom.xml").decode()
    except (KeyError, OSError, zipfile.BadZipFile):
        return None
    match = re.search(r'name="xlwings"[^>]*>\s*<vt:lpwstr>([^<]*)</vt:lpwstr>', xml)
    return match.group(1) if match else None
