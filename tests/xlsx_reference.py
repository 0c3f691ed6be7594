"""A generated workbook against its approved reference, the way XlsxWriter's own tests compare
with files Excel made: open both as zip files, compare the names of their parts, drop what
changes from run to run, and compare each part's XML canonically (attribute order and
namespace declarations do not count, every element and text does).

On a difference the message names the part (and the sheet it holds), then shows the first
lines of a unified diff of the pretty-printed XML, so a developer sees at once what moved.
With `TOOLKIT_APPROVE=1` in the environment a differing (or missing) reference is replaced by
the generated file and the test is skipped with a reason saying so; without it a test never
passes unless the two workbooks match.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import NoReturn
from xml.dom import minidom
from xml.etree import ElementTree

import pytest

REFERENCES = Path(__file__).resolve().parent / "reference"
APPROVE = "TOOLKIT_APPROVE"
APPROVE_COMMAND = f"{APPROVE}=1 .venv/bin/python -m pytest tests/test_reference_files.py"

VOLATILE = {
    "docProps/core.xml": frozenset({"{http://purl.org/dc/terms/}created", "{http://purl.org/dc/terms/}modified"}),
}
"""Elements dropped before comparing, per part. Writing the same documents twice, these are all
that differ: XlsxWriter stamps the creation and modification times from the clock."""

XML_PARTS = (".xml", ".rels", ".vml")
DIFF_LINES = 40


def check_against_reference(generated: Path, name: str) -> None:
    """Fail unless `generated` matches `tests/reference/<name>`; under `TOOLKIT_APPROVE=1`,
    approve it instead (copy it over the reference) when they differ, and skip saying so."""
    reference = REFERENCES / name
    approving = os.environ.get(APPROVE) == "1"
    if not reference.exists():
        if approving:
            _approve(generated, reference, "new reference")
        pytest.fail(f"no approved reference tests/reference/{name}: write one with\n    {APPROVE_COMMAND}",
                    pytrace=False)
    found = differences(generated, reference)
    if found is None:
        return
    if approving:
        _approve(generated, reference, "it differed " + found.splitlines()[0].removesuffix(":"))
    pytest.fail(f"{generated.name} differs from tests/reference/{name} {found}\n"
                f"If the change is intended, approve it:\n    {APPROVE_COMMAND}", pytrace=False)


def _approve(generated: Path, reference: Path, what: str) -> NoReturn:
    reference.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(generated, reference)
    pytest.skip(f"{APPROVE}=1: approved tests/reference/{reference.name} ({what}); review it and commit")


def differences(generated: Path, reference: Path, unmarked: str = "") -> str | None:
    """None when the workbooks match, else where they differ (`in …`): the parts only one of them
    has, or the first differing part with a short diff (reference → generated) and the other
    parts that differ. `unmarked`: a mark the generated file adds by design (a final invoice's
    *COPIA* printed again), taken out of its XML first, so that every other byte still counts
    (styles, widths, headers), where `copy_differences` reads only the cells and says where
    the mark is."""
    with zipfile.ZipFile(generated) as new, zipfile.ZipFile(reference) as old:
        new_parts, old_parts = set(new.namelist()), set(old.namelist())
        if new_parts != old_parts:
            return (f"in its parts: only generated {sorted(new_parts - old_parts)}, "
                    f"only reference {sorted(old_parts - new_parts)}")
        differing = [part for part in sorted(new_parts)
                     if _comparable(old, part) != _comparable(new, part, unmarked)]
        if not differing:
            return None
        first = differing[0]
        lines = [f"in {first}{_sheet_of(new, first)}:"]
        if first.endswith(XML_PARTS):
            diff = _diff(_comparable(old, first), _comparable(new, first, unmarked), first)
            lines += diff[:DIFF_LINES]
            if len(diff) > DIFF_LINES:
                lines.append(f"... {len(diff) - DIFF_LINES} more diff lines")
        else:
            lines.append("(a binary part: its bytes differ)")
        if differing[1:]:
            lines.append("Also differ: " + ", ".join(p + _sheet_of(new, p) for p in differing[1:]))
        return "\n".join(lines)


def _comparable(book: zipfile.ZipFile, part: str, unmarked: str = "") -> str | bytes:
    """An XML part in canonical form (C14N 2.0) without its volatile elements (nor `unmarked`);
    other parts as bytes."""
    data = book.read(part)
    if not part.endswith(XML_PARTS):
        return data
    xml = data.decode("utf-8")
    return ElementTree.canonicalize(xml.replace(unmarked, "") if unmarked else xml, exclude_tags=VOLATILE.get(part))


def _diff(old: str | bytes, new: str | bytes, part: str) -> list[str]:
    """A unified diff of the pretty-printed XML, leaving out the rows' `spans`: derived from the
    cells, they change on every row when a column is added and would fill the first lines."""
    assert isinstance(old, str) and isinstance(new, str)
    before, after = _pretty(old), _pretty(new)
    without = [SPANS.sub("", line) for line in before], [SPANS.sub("", line) for line in after]
    if without[0] != without[1]:
        before, after = without
    return list(difflib.unified_diff(before, after, f"reference/{part}", f"generated/{part}", n=2, lineterm=""))


SPANS = re.compile(r' spans="[^"]*"')
SHORT = 160
"""An element whose XML is at most this long goes on one line: a cell with its value or formula."""


def _pretty(canonical: str) -> list[str]:
    return _lines(minidom.parseString(canonical).documentElement, 0)


def _lines(node, depth: int) -> list[str]:
    xml = node.toxml()
    elements = [child for child in node.childNodes if child.nodeType == child.ELEMENT_NODE]
    if len(xml) <= SHORT or not elements or len(elements) < len(node.childNodes):
        return ["  " * depth + xml]
    start = node.cloneNode(False).toxml().removesuffix("/>") + ">"
    return ["  " * depth + start, *(line for child in elements for line in _lines(child, depth + 1)),
            "  " * depth + f"</{node.tagName}>"]


def _sheet_of(book: zipfile.ZipFile, part: str) -> str:
    """` (sheet «Name»)` for a worksheet part, from the workbook's sheet list and relationships."""
    if not part.startswith("xl/worksheets/sheet"):
        return ""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relationship = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "").removeprefix("/xl/").removeprefix("/") for r in rels}
    for sheet in ElementTree.fromstring(book.read("xl/workbook.xml")).iter(f"{main}sheet"):
        if "xl/" + targets.get(sheet.get(relationship), "") == part:
            return f" (sheet «{sheet.get('name')}»)"
    return ""


COPY_MARK = " – COPIA"
"""What a final invoice printed again adds to its title and page header (`toolkit print`)."""
COPY_MARKS = {"it": COPY_MARK, "en": " – COPY"}
"""The mark in the language the document was issued in (and prints again in)."""


def copy_differences(reprint: Path, first: Path, mark: str = COPY_MARK) -> str | None:
    """A reprint of final invoices against their first printing: every sheet, cell and page
    header the same, but each document's title and page header ending in `mark` (`COPY_MARKS`
    by the language it was issued in), which the first has nowhere. None when so; else the
    first thing that is not."""
    import openpyxl

    again, printed = openpyxl.load_workbook(reprint), openpyxl.load_workbook(first)
    if again.sheetnames != printed.sheetnames:
        return f"sheets {again.sheetnames} against {printed.sheetnames}"
    for sheet in printed:
        copy = again[sheet.title]
        header, copied = sheet.oddHeader.left.text or "", copy.oddHeader.left.text or ""
        if mark in header or copied != header + mark:
            return f"{sheet.title} header {copied!r} against {header!r}"
        rows = max(sheet.max_row, copy.max_row)
        columns = max(sheet.max_column, copy.max_column)
        titles = 0
        for row in range(1, rows + 1):
            for column in range(1, columns + 1):
                was, now = sheet.cell(row, column).value, copy.cell(row, column).value
                if was == now and mark not in str(was):
                    continue
                if not (isinstance(was, str) and now == was + mark and not titles):
                    return f"{sheet.title}!{sheet.cell(row, column).coordinate} {now!r} against {was!r}"
                titles += 1
        if not titles:
            return f"{sheet.title}: no title says {mark.strip()}"
    return None
