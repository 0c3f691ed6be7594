"""A cell naming a shared string the workbook does not hold: which sheet and which cell.

An .xlsx keeps most texts once, in `xl/sharedStrings.xml`, and a text cell holds the index of
its string there (`<c r="B2" t="s"><v>3</v></c>`). A file cut short or written by a program
that lost count can name an index the list does not reach: python-calamine then gives up the
sheet saying only "Cell string index not found in shared strings table", and the desk was told
the whole file was damaged, to save it again, with no word of where. The list's strings are
counted and the sheet's text cells read as a stream (the guard's chunks) to name the first cell
past them; nothing is read unless calamine failed so.

An .xlsb keeps them as records (`xl/sharedStrings.bin`: BrtSSTItem between BrtBeginSst and
BrtEndSst) and its text cells as BrtCellIsst, the index after the column and style: calamine
takes the string by that index unchecked and panics, "index out of bounds: the len is 2 but the
index is 9", which was told as the whole file damaged too. Its sheet part is walked record by
record (`guard.xlsb_records`) up to the first such cell, under the rows' BrtRowHdr.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

from toolkit.basics.cells import Location, address
from toolkit.basics.problems import UnusableInput, define
from toolkit.intake.guard import ZIP_FAULTS, chunks, part_key, sheet_tabs, xlsb_records, xlsb_sheet_parts

SHARED_STRING_MISSING = define(
    "file-shared-string-missing", "error",
    it="La cella rimanda al testo n. {index} dell'elenco dei testi del file, che ne ha solo {count}: il file è "
       "danneggiato, forse scritto a metà o da un programma che ha perso il conto, e non si può leggere. Aprilo in "
       "Excel, che prova a ripararlo, controlla questa cella (e le altre del foglio) e salvalo di nuovo.",
    en="The cell refers to text no. {index} of the file's list of texts, which holds only {count}: the file is "
       "damaged, perhaps written halfway or by a program that lost count, and cannot be read. Open it in Excel, "
       "which tries to repair it, check this cell (and the sheet's others) and save it again.")

_CALAMINE_SAYS = "Cell string index not found in shared strings table"
_CALAMINE_PANICS = re.compile(r"index out of bounds: the len is \d+ but the index is \d+")
"""What calamine's .xlsb reader says, panicking, of a BrtCellIsst past the strings (as any
index out of bounds: the walk of the sheet decides)."""
ROW, SHARED_STRING_CELL, END_SHEET_DATA = 0, 7, 146
BEGIN_STRINGS, STRING_ITEM, END_STRINGS = 159, 19, 160
_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")
_TEXT_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s([^<>]*)>\s*<(?:[\w.-]+:)?v>\s*(\d{1,12})\s*<")
_TYPE_S = re.compile(rb"""\bt\s*=\s*["']s["']""")
_PLACE = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})["']""")
_CHUNK = 2**20
_CARRY = 64
"""Bytes of a chunk's end kept to count an `<si>` its end cut."""


def missing_shared_string(exc: Exception, sheet: str, source: bytes | Path) -> UnusableInput | None:
    """The refusal naming `sheet` and the first cell of it whose shared string is past the list,
    when that is why calamine gave up the sheet (`exc`); None for any other failure, or when the
    package cannot be read so far or no such cell is found (the file is then told damaged as
    before)."""
    said = str(exc)
    binary = _CALAMINE_PANICS.search(said) is not None
    if not binary and _CALAMINE_SAYS not in said:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            by_key = {part_key(name): name for name in zf.namelist()}
            strings = by_key.get("xl/sharedstrings.bin" if binary else "xl/sharedstrings.xml")
            tabs = xlsb_sheet_parts(zf) if binary else sheet_tabs(zf)
            part = next((p for p, name in tabs.items() if name == sheet), None)
            if part is None:
                return None
            if binary:
                count = _binary_strings(zf, strings) if strings else 0
                found = _first_binary_past(zf, part, count)
            else:
                count = _strings(zf, strings) if strings else 0
                found = _first_past(zf, part, count)
    except (*ZIP_FAULTS, KeyError, struct.error, UnusableInput):
        return None
    if found is None:
        return None
    cell, index = found
    return UnusableInput(SHARED_STRING_MISSING(Location(sheet, cell), index=index + 1, count=count))


def _strings(zf: zipfile.ZipFile, part: str) -> int:
    """How many strings (`<si>`) the shared strings part holds, read as a stream."""
    count, carried = 0, b""
    with zf.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            text = carried + chunk
            count += sum(1 for m in _STRING.finditer(text) if m.end() > len(carried))
            carried = text[-_CARRY:]
    return count


def _first_past(zf: zipfile.ZipFile, part: str, count: int) -> tuple[str | None, int] | None:
    """The first text cell of the sheet part naming a string at `count` or past it: its
    reference (None when the cell has no `r`) and the 0-based index it names."""
    for text in chunks(zf, part):
        for attributes, index in _TEXT_CELL.findall(text):
            if int(index) >= count and _TYPE_S.search(attributes):
                place = _PLACE.search(attributes)
                return (place[1].decode().upper() + place[2].decode() if place else None), int(index)
    return None


def _binary_strings(zf: zipfile.ZipFile, part: str) -> int:
    """How many strings calamine holds of an .xlsb's shared strings part: as many as BrtBeginSst
    says it has unique (calamine reads that many BrtSSTItem, and fails the file when they are
    fewer), else the BrtSSTItem up to BrtEndSst. Counted to BrtEndSst alone, a list saying 2 and
    holding 3, as a program that lost count writes, had a cell naming the third found past none."""
    count = 0
    for kind, body in xlsb_records(zf, part):
        if kind == BEGIN_STRINGS and len(body) >= 8:
            return int(struct.unpack_from("<L", body, 4)[0])
        if kind == END_STRINGS:
            break
        count += kind == STRING_ITEM
    return count


def _first_binary_past(zf: zipfile.ZipFile, part: str, count: int) -> tuple[str | None, int] | None:
    """The first BrtCellIsst of an .xlsb sheet part naming a string at `count` or past it: its
    reference and the 0-based index it names; the walk ends with the sheet's data (BrtEndSheetData)."""
    row = 0
    for kind, body in xlsb_records(zf, part):
        if kind == END_SHEET_DATA:
            break
        if kind == ROW and len(body) >= 4:
            row = struct.unpack_from("<L", body)[0]
        elif kind == SHARED_STRING_CELL and len(body) >= 12 and (index := struct.unpack_from("<L", body, 8)[0]) >= count:
            return address(row + 1, struct.unpack_from("<L", body)[0] + 1), index
    return None
