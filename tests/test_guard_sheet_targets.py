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


def _xlsb_naming(tmp_path: Path, name: str, sheet_member: str, sheet: bytes, theme: bytes,
                 main: str = "xl/workbook.bin") -> Path:
    """An .xlsb whose workbook names one sheet (`BrtBundleSh`, relationship rId1) stored as
    `sheet_member`, beside an XML theme; the content types name `main` as the workbook."""
    import struct

    from test_guard import write_zip, xlsb_record

    rid, tab = "rId1".encode("utf-16-le"), "Clienti".encode("utf-16-le")
    bundle = xlsb_record(156, struct.pack("<LLL", 0, 1, 4) + rid + struct.pack("<L", 7) + tab)
    types = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             f'<Override PartName="/{main}" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
             "</Types>")
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="worksheet" Target="{sheet_member.removeprefix("xl/")}"/>'
            '<Relationship Id="rId2" Type="theme" Target="theme/theme1.xml"/></Relationships>')
    parts = {"[Content_Types].xml": types, "xl/workbook.bin": bundle, "xl/_rels/workbook.bin.rels": rels,
             sheet_member: sheet, "xl/theme/theme1.xml": theme}
    return write_zip(tmp_path / name, {main: b"", **parts})


def test_an_xlsb_sheet_is_read_as_records_whatever_its_name(tmp_path):
    """calamine's .xlsb reader reads the part a sheet's relationship names as binary records,
    even one named like XML; the theme beside it is XML, and read as records its line breaks
    and tabs would look like cells anywhere."""
    import struct

    from test_guard import xlsb_record

    far = xlsb_record(0, struct.pack("<L", 1048575) + bytes(13)) + xlsb_record(5, struct.pack("<LLd", 16383, 0, 2.0))
    fits = xlsb_record(0, struct.pack("<L", 3) + bytes(13)) + xlsb_record(5, struct.pack("<LLd", 2, 0, 2.0))
    theme = (b'\n\t<a:theme xmlns:a="x">\n\t<a:themeElements>\n\t\t<a:clrScheme name="Office"/>'
             b"\n\t</a:themeElements>\n</a:theme>\n")
    assert _records_of(theme)[0][0] == 10  # a line break: "a cell"
    problem = refusal(_xlsb_naming(tmp_path, "far.xlsb", "xl/worksheets/sheet1.xml", far, theme))
    assert problem.code == "file-sheet-too-large" and "XFD1048576" in problem.message("en")
    assert check_workbook(_xlsb_naming(tmp_path, "fits.xlsb", "xl/worksheets/sheet1.xml", fits, theme)) == "xlsb"


def _records_of(data: bytes) -> list[tuple[int, bytes]]:
    """`data` read as .xlsb records, as the guard reads a binary part."""
    import io

    from toolkit.intake import guard

    with zipfile.ZipFile(buffer := io.BytesIO(), "w") as zf:
        zf.writestr("part", data)
    with zipfile.ZipFile(buffer) as zf:
        return list(guard._xlsb_records(zf, "part"))


def test_an_xlsb_sheet_is_found_where_calamine_looks_whatever_the_content_types_say(tmp_path):
    """calamine's .xlsb reader reads `xl/workbook.bin` and its relationships, not the part the
    content types name as the workbook: the sheets that workbook names are searched as records."""
    import struct

    from test_guard import xlsb_record

    far = xlsb_record(0, struct.pack("<L", 1048575) + bytes(13)) + xlsb_record(5, struct.pack("<LLd", 16383, 0, 2.0))
    path = _xlsb_naming(tmp_path, "elsewhere.xlsb", "xl/worksheets/sheet1.xml", far, b"<a/>", main="xl/book.bin")
    problem = refusal(path)
    assert problem.code == "file-sheet-too-large" and "XFD1048576" in problem.message("en")
