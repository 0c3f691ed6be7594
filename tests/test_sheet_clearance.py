"""The guard searches the sheets for far cells beside calamine's parse (`sheet_clearance`):
calamine must never be asked for a sheet whose part the guard has not cleared, and the user
must get what the guard-first reading gave (`tests/oracles/read_sheets_guard_first.py`): the
same refusal, or the same master data and problems."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import minimal
import pytest
import python_calamine
from oracles import read_sheets_guard_first
from test_shipping import write_book

from toolkit.basics.problems import UnusableInput
from toolkit.intake import guard, sheet_clearance, sources, validation
from toolkit.intake.validation import check_file

FAR_ROW = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def _rewritten(path: Path, change: dict[str, bytes], extra: dict[str, bytes] | None = None) -> Path:
    """The package with some parts' bytes replaced, and parts added."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            zf.writestr(info.filename, change.get(info.filename, data))
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    path.write_bytes(packed.getvalue())
    return path


def _far(xml: bytes) -> bytes:
    """The sheet with a value in XFD1048576, its `<dimension>` left as it was (a lie)."""
    return xml.replace(b"</sheetData>", FAR_ROW + b"</sheetData>") if b"</sheetData>" in xml else \
        xml.replace(b"<sheetData/>", b"<sheetData>" + FAR_ROW + b"</sheetData>")


def _declared_far(xml: bytes) -> bytes:
    head, _, tail = xml.partition(b"<dimension ")
    return head + b'<dimension ref="A1:XFD1048576"/>' + tail.partition(b"/>")[2] if tail else xml


class _Spy:
    """python-calamine's workbook, noting the sheets it is asked to parse."""

    asked: list[str] = []

    def __init__(self, book):
        self._book = book
        self.sheet_names = book.sheet_names

    @classmethod
    def from_filelike(cls, handle):
        return cls(_REAL.from_filelike(handle))

    def get_sheet_by_name(self, name):
        _Spy.asked.append(name)
        return self._book.get_sheet_by_name(name)


_REAL = python_calamine.CalamineWorkbook


@pytest.fixture
def spy(monkeypatch):
    _Spy.asked = []
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", _Spy)
    return _Spy


def _outcome(path: Path, reader) -> object:
    """What the data check gives with this way of reading the sheets: the refusal's problem,
    or the master and problems."""
    original = validation.read_sheets
    validation.read_sheets = reader
    try:
        checked = check_file(path)
    except UnusableInput as exc:
        return ("refused", exc.problem, exc.problem.message("en"))
    finally:
        validation.read_sheets = original
    return ("checked", checked.problems, checked.layout, repr(checked.master))


def _sheet_part(path: Path, index: int) -> str:
    """openpyxl's name for the index-th sheet's part."""
    return f"xl/worksheets/sheet{index}.xml"


SHEETS = {f"Foglio{i}": [["Codice", "Valore"], *[[f"C{i}{r}", r] for r in range(20)]] for i in range(1, 6)}


def test_calamine_reads_no_sheet_part_when_it_opens(tmp_path):
    """What the clearance rests on (calamine 0.37): opening a workbook parses none of its
    sheet parts, and parsing one sheet reads no other sheet's part. Every sheet part is made
    unparsable here but one at a time."""
    path = write_book(tmp_path / "a.xlsx", SHEETS)
    with zipfile.ZipFile(path) as zf:
        parts = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
    everything = tmp_path / "all.xlsx"
    everything.write_bytes(path.read_bytes())
    book = _REAL.from_path(str(_rewritten(everything, {p: b"<worksheet><sheetData><row><c r=" for p in parts})))
    assert book.sheet_names == list(SHEETS)
    for name in SHEETS:
        with pytest.raises(Exception):  # noqa: B017 (calamine raises several types)
            book.get_sheet_by_name(name)
    for keep in range(1, len(SHEETS) + 1):
        one = path.with_name(f"one{keep}.xlsx")
        one.write_bytes(path.read_bytes())
        _rewritten(one, {p: b"<worksheet><sheetData><row><c r=" for p in parts if p != _sheet_part(path, keep)})
        book = _REAL.from_path(str(one))
        assert book.get_sheet_by_name(f"Foglio{keep}").to_python()[1] == [f"C{keep}0", 0.0]


@pytest.mark.parametrize("hostile", ["far-cell", "doctype", "zip-bomb"])
def test_a_hostile_last_sheet_is_refused_as_before_and_never_parsed(tmp_path, spy, hostile):
    path = write_book(tmp_path / "Anagrafiche.xlsx", SHEETS)
    last = _sheet_part(path, len(SHEETS))
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(last)
    if hostile == "far-cell":
        _rewritten(path, {last: _far(xml)})
    elif hostile == "doctype":
        _rewritten(path, {last: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + xml.partition(b"?>")[2]})
    else:
        _rewritten(path, {last: xml.replace(b"</sheetData>", b"<row r='30'><c r='A30' t='inlineStr'><is><t>"
                                            + b" " * (12 * 2**20) + b"</t></is></c></row></sheetData>")})
    before = _outcome(path, read_sheets_guard_first.read_sheets)
    assert before[0] == "refused"
    assert "Foglio5" not in spy.asked and not spy.asked  # the guard first: calamine was never asked
    assert _outcome(path, sources.read_sheets) == before
    assert "Foglio5" not in spy.asked


def test_the_guard_clears_the_sheets_beside_the_parser(tmp_path, spy):
    """A far cell in the last sheet of a workbook the clearance takes on: calamine parses the
    sheets before it, and not that one."""
    path = write_book(tmp_path / "Anagrafiche.xlsx", SHEETS)
    last = _sheet_part(path, len(SHEETS))
    with zipfile.ZipFile(path) as zf:
        _rewritten(path, {last: _far(zf.read(last))})
    with zipfile.ZipFile(path) as zf:
        assert sheet_clearance.calamine_sheet_parts(zf, "xlsx", "xl/workbook.xml") == \
            {name: _sheet_part(path, i) for i, name in enumerate(SHEETS, 1)}
    with pytest.raises(UnusableInput) as refused:
        list(sources.read_sheets(path))
    assert refused.value.problem.code == "file-sheet-too-large"
    assert refused.value.problem.message("en").count("“Foglio5”") == 1
    assert "Foglio5" not in spy.asked


@pytest.mark.parametrize("seed", range(24))
def test_random_hostile_and_broken_sheets(tmp_path, spy, seed):
    """Sheets at random made far by a cell, declaring the whole sheet (a hint calamine takes no
    memory by: such a sheet is read), unparsable by calamine, with a DTD, or left alone, in a
    workbook read by the data check: the same outcome as the guard-first reading, and no far
    sheet ever parsed."""
    rng = random.Random(seed)
    sheets = minimal.sheets() if seed % 2 else dict(SHEETS)
    path = write_book(tmp_path / "Anagrafiche.xlsx", sheets)
    change: dict[str, bytes] = {}
    far: set[str] = set()
    with zipfile.ZipFile(path) as zf:
        for i, name in enumerate(sheets, 1):
            part = _sheet_part(path, i)
            kind = rng.choice(["same"] * 6 + ["far", "declared", "unparsable", "doctype"])
            xml = zf.read(part)
            if kind == "far":
                change[part], _ = _far(xml), far.add(name)
            elif kind == "declared":
                change[part] = _declared_far(xml)
            elif kind == "unparsable":
                change[part] = xml.replace(b"</sheetData>", b"<row><c r=</sheetData>")
            elif kind == "doctype":
                change[part] = b'<?xml version="1.0"?><!DOCTYPE x>' + xml.partition(b"?>")[2]
    _rewritten(path, change)
    before = _outcome(path, read_sheets_guard_first.read_sheets)
    spy.asked.clear()
    assert _outcome(path, sources.read_sheets) == before
    assert not far & set(spy.asked)


@pytest.mark.parametrize("trouble", ["ampersand", "backslash", "case-twins", "xlsb-beside"])
def test_parts_calamine_could_read_otherwise_leave_the_guard_first(tmp_path, trouble):
    path = write_book(tmp_path / "a.xlsx", SHEETS)
    extra = {"ampersand": {"xl/worksheets/a&b.xml": b"<x/>"}, "backslash": {"xl\\worksheets\\sheet9.xml": b"<x/>"},
             "case-twins": {"XL/worksheets/sheet1.xml": b"<x/>"}, "xlsb-beside": {"xl/workbook.bin": b""}}[trouble]
    _rewritten(path, {}, extra)
    with zipfile.ZipFile(path) as zf:
        assert sheet_clearance.calamine_sheet_parts(zf, "xlsx", "xl/workbook.xml") is None
    vetted, clearance = sheet_clearance.vet_beside_the_parser(path)
    assert isinstance(clearance, sheet_clearance.AllCleared)
    assert vetted == guard.vet_workbook(path)


def test_the_sample_goes_beside_the_parser(sample_workbook):
    vetted, clearance = sheet_clearance.vet_beside_the_parser(sample_workbook)
    assert isinstance(clearance, sheet_clearance.SheetClearance)
    assert clearance.verdict() is None
    assert vetted == guard.vet_workbook(sample_workbook)
