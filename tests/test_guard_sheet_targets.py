"""A sheet is read from wherever the workbook's relationship for it points.

The guard used to search only the parts under `xl/worksheets/` (and the chart, dialog and macro
sheet folders) for far cells. calamine reads a sheet from the part its relationship names,
looked up without ASCII case and with backslashes read as slashes, so a far cell kept in any
other part passed the guard and calamine's grid for it aborted the whole process (SIGABRT,
"memory allocation of 549755813888 bytes failed"): no message, no traceback, the Excel
button's Python gone. These workbooks must be refused with the usual message, by the guard
alone and by the reading path that checks the sheets beside calamine's parse.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_guard import refusal, xlsx

from toolkit.intake.guard import check_workbook

SHEET = "xl/worksheets/sheet1.xml"
FAR = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'


def moved(tmp_path: Path, name: str, member: str, target: str) -> Path:
    """The one-sheet workbook with a far cell in its sheet, stored as `member` and named by the
    workbook's relationship as `target`."""
    src = xlsx(tmp_path / "source.xlsx")
    out = tmp_path / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == SHEET:
                zout.writestr(member, data.replace(b"</sheetData>", FAR).replace(b"<sheetData/>", b"<sheetData>" + FAR))
                continue
            if info.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"/xl/worksheets/sheet1.xml", b"/" + target.encode())
                data = data.replace(b'"worksheets/sheet1.xml"', b'"' + target.removeprefix("xl/").encode() + b'"')
                data = data.replace(b'"/xl/worksheets/sheet1.xml"', b'"/' + target.encode() + b'"')
            zout.writestr(info.filename, data)
    return out


ELSEWHERE = {
    "another-folder": ("xl/other/sheet1.xml", "xl/other/sheet1.xml"),
    "an-image-name": ("xl/media/image1.png", "xl/media/image1.png"),
    "backslashes": ("xl\\worksheets\\sheet1.xml", SHEET),
    "another-case": ("XL/Other/SHEET1.XML", "xl/other/sheet1.xml"),
}


@pytest.mark.parametrize("case", ELSEWHERE)
def test_a_far_cell_wherever_the_sheet_points_is_refused(tmp_path, case):
    member, target = ELSEWHERE[case]
    path = moved(tmp_path, f"{case}.xlsx", member, target)
    with zipfile.ZipFile(path) as zf:
        assert member in zf.namelist() and SHEET not in zf.namelist()
    problem = refusal(path)
    assert problem.code == "file-sheet-too-large"
    assert "XFD1048576" in problem.message("en") and "“Clienti”" in problem.message("en")


@pytest.mark.parametrize("case", ELSEWHERE)
def test_reading_such_a_workbook_ends_in_the_refusal_not_an_abort(tmp_path, case):
    """Through the reading path (`read_sheets`: the sheets checked beside the parse), in a
    process of its own, since what this guards against kills the process."""
    member, target = ELSEWHERE[case]
    path = moved(tmp_path, f"{case}.xlsx", member, target)
    script = ("import sys\nfrom toolkit.basics.problems import UnusableInput\n"
              "from toolkit.intake.sources import read_sheets\n"
              "try:\n    [s.name for s in read_sheets(sys.argv[1])]\n"
              "except UnusableInput as refused:\n    print(refused.problem.code)\n")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-400:]
    assert done.stdout.strip() == "file-sheet-too-large"


def test_the_same_sheet_moved_but_within_bounds_is_read(tmp_path):
    src = xlsx(tmp_path / "source.xlsx")
    out = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"worksheets/sheet1.xml", b"other/sheet1.xml")
            zout.writestr("xl/other/sheet1.xml" if name == SHEET else name, data)
    assert check_workbook(out) == "xlsx"
    from toolkit.intake.sources import read_sheets

    assert [sheet.name for sheet in read_sheets(out)] == ["Clienti"]


def test_a_macro_project_is_not_read_as_binary_sheet_records(tmp_path):
    """An .xlsm's `vbaProject.bin` is a relationship's target like any part, and it is searched
    as the xlsx reader would read it (XML), not as an .xlsb sheet's records, where compiled
    macros would look like cells anywhere."""
    import struct

    from test_guard import xlsb_record

    records = xlsb_record(148, struct.pack("<4L", 0, 1048575, 0, 16383))
    src = xlsx(tmp_path / "source.xlsx")
    with zipfile.ZipFile(src) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels").replace(
            b"</Relationships>",
            b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            b'Target="vbaProject.bin"/></Relationships>')
    from test_guard import rezip

    path = rezip(src, tmp_path / "macros.xlsx", {"xl/_rels/workbook.xml.rels": rels, "xl/vbaProject.bin": records})
    assert check_workbook(path) == "xlsx"
