"""The front-end workbook: rebuilt identically, read back by olevba, openpyxl and LibreOffice."""

from __future__ import annotations

import html
import io
import re
import shutil
import struct
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import olefile
import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from toolkit.basics.dates import FIRST_DAY, LAST_DAY, excel_serial
from toolkit.basics.problems import UnusableInput
from toolkit.cli import workbook as workbook_command
from toolkit.excel import panel
from toolkit.excel.build import MACROS, WORKBOOK, build, check, differences, embedded_xlwings
from toolkit.excel.buttons import BUTTONS
from toolkit.excel.vba import VbaModule, build_vba_project
from toolkit.excel.vba.bas import read_bas, read_cls
from toolkit.excel.vba.compression import decompress
from toolkit.excel.vba.project import module_text
from toolkit.excel.vba_sources import vba_version, xlwings_dir, xlwings_version
from toolkit.model.sheets import SHEETS

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser


def code_lines(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line for line in lines if not line.lstrip().startswith("Attribute ")).strip("\n")


def extracted(path: Path) -> dict[str, tuple[str, str]]:
    """Module name → (olevba's file name, code)."""
    parser = VBA_Parser(str(path), relaxed=False)
    try:
        return {Path(stream).name: (name, code) for _, stream, name, code in parser.extract_macros()}
    finally:
        parser.close()


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root."""

    workbook_command.register(app)
    return app


# --- the committed workbook is the build's output -------------------------------------------

def test_the_committed_workbook_is_up_to_date() -> None:
    assert check() == []


def test_workbook_build_check_command_passes() -> None:
    result = CliRunner().invoke(cli(), ["workbook", "build", "--check"])
    assert result.exit_code == 0, result.output
    assert f"xlwings {xlwings_version()}" in result.output


def test_check_fails_clearly_when_a_macro_changed(tmp_path: Path) -> None:
    macros = tmp_path / "macros"
    shutil.copytree(MACROS, macros)
    panel_bas = macros / "Pannello.bas"
    panel_bas.write_text(panel_bas.read_text() + "\n' una riga in più\n")
    assert check(WORKBOOK, macros) == ["xl/vbaProject.bin: differs"]
    result = CliRunner().invoke(cli(), ["workbook", "build", "--check", "--macros", str(macros)])
    assert result.exit_code == 1
    assert "toolkit workbook build" in result.output and "xl/vbaProject.bin: differs" in result.output


def test_a_missing_sub_stops_the_build(tmp_path: Path) -> None:
    macros = tmp_path / "macros"
    shutil.copytree(MACROS, macros)
    text = (macros / "Pannello.bas").read_text().replace("x.ship()", "x.spedisci()")
    (macros / "Pannello.bas").write_text(text)
    with pytest.raises(UnusableInput) as stopped:
        build(tmp_path / "out.xlsm", macros)
    text = stopped.value.problem.render("en")
    assert "“Spedisci (DDT)”" in text and "Sub Ship()" in text and "x.ship()" in text
    assert str(macros / "Pannello.bas") in text and "ControlPanel" not in text


def test_a_missing_sub_is_a_clear_exit_2_not_an_internal_error(tmp_path: Path) -> None:
    macros = tmp_path / "macros"
    shutil.copytree(MACROS, macros)
    text = (macros / "Pannello.bas").read_text()
    start = text.index("' Registra incasso")
    (macros / "Pannello.bas").write_text(text[:start] + text[text.index("End Sub", start) + len("End Sub"):])
    result = subprocess.run([sys.executable, "-m", "toolkit", "workbook", "build", "--out", str(tmp_path / "w.xlsm"),
                             "--macros", str(macros)], capture_output=True, text=True, cwd=Path(__file__).parents[1])
    assert result.returncode == 2, result.stderr
    assert "«Registra incasso»" in result.stderr and "Sub RecordPayment()" in result.stderr
    assert "interno" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "w.xlsm").exists()


def test_build_is_deterministic_and_only_timestamps_are_ignored(tmp_path: Path) -> None:
    first = build(tmp_path / "a" / "w.xlsm").path
    second = build(tmp_path / "b" / "w.xlsm").path
    assert first.read_bytes() == second.read_bytes()
    assert b"2026-01-01T00:00:00Z" in zipfile.ZipFile(first).read("docProps/core.xml")
    moved = tmp_path / "moved.xlsm"
    with zipfile.ZipFile(first) as src, zipfile.ZipFile(moved, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/core.xml":
                data = data.replace(b"2026-01-01T00:00:00Z", b"2031-05-06T07:08:09Z")
            dst.writestr(item, data)
    assert differences(first, moved) == []
    assert embedded_xlwings(first) == xlwings_version()


# --- the VBA inside: olevba reads back every module -------------------------------------------

def test_olevba_extracts_every_macro_exactly() -> None:
    found = extracted(WORKBOOK)
    for path in sorted(MACROS.glob("*.bas")):
        module = read_bas(path)
        name, code = found[module.name]
        assert name == f"{module.name}.bas"
        assert code_lines(code) == code_lines(path.read_text(encoding="utf-8")), module.name


def test_every_button_is_drawn_on_the_panel_bound_to_its_sub() -> None:
    """Without LibreOffice: the panel's drawing holds each button of `BUTTONS` in order, with
    its caption and its Sub, and the VBA olevba reads back has that Sub calling its function;
    the month's register (`InvoiceRegister`) and the credit note (`CreditNote`) among them."""
    with zipfile.ZipFile(WORKBOOK) as archive:
        vml = archive.read("xl/drawings/vmlDrawing1.vml").decode()
    drawn = [(html.unescape(caption), macro) for caption, macro in re.findall(
        r"<font [^>]*>([^<]*)</font>.*?<x:FmlaMacro>\[0\]!Pannello\.(\w+)</x:FmlaMacro>", vml, re.S)]
    assert drawn == [(b.caption, b.macro) for b in BUTTONS]
    assert ("Registro fatture del mese", "InvoiceRegister") in drawn
    assert len(drawn) == 33 and drawn[drawn.index(("Registra incasso", "RecordPayment")) + 1] == (
        "Nota di credito", "CreditNote")
    _, code = extracted(WORKBOOK)["Pannello"]
    assert 'Public Sub CreditNote()\n    RunPython "import toolkit.excel as x; x.credit_note()"' in code_lines(code)
    for b in BUTTONS:
        assert re.search(rf'Public Sub {b.macro}\(\)\s+RunPython "import toolkit\.excel as x; x\.{b.function}\(\)"'
                         r"\s+End Sub", code), b.macro


def test_xlwings_modules_are_embedded_as_shipped_with_their_licence() -> None:
    found = extracted(WORKBOOK)
    shipped = (xlwings_dir() / "xlwings.bas").read_text(encoding="cp1252")
    assert code_lines(found["xlwings"][1]) == code_lines(shipped)
    assert vba_version(found["xlwings"][1]) == xlwings_version()
    assert "xlwings is distributed under a BSD 3-clause license." in found["xlwings"][1]
    assert "Copyright (C) 2014-present, Zoomer Analytics LLC." in found["xlwings"][1]
    name, dictionary = found["Dictionary"]
    assert name == "Dictionary.cls"
    assert "@license: MIT" in dictionary
    cls = (xlwings_dir() / "addin" / "Dictionary.cls").read_text(encoding="cp1252")
    body = cls.split("\nEND\n", 1)[1] if "\nEND\n" in cls else cls.split("\r\nEND\r\n", 1)[1]
    assert code_lines(dictionary) == code_lines(body)


def test_every_sheet_has_its_document_module() -> None:
    found = extracted(WORKBOOK)
    with zipfile.ZipFile(WORKBOOK) as archive:
        names = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        codenames = [re.search(rb'codeName="([^"]+)"', archive.read(n)).group(1).decode() for n in names]
        assert b'codeName="ThisWorkbook"' in archive.read("xl/workbook.xml")
    for codename in ["ThisWorkbook", *codenames]:
        assert found[codename][0] == f"{codename}.cls"


# --- a class module, as the VBA editor stores one ----------------------------------------------

def test_class_module_header_matches_xlwings_own_standalone_workbook() -> None:
    ours = module_text(read_cls(xlwings_dir() / "addin" / "Dictionary.cls"))
    theirs = extracted(xlwings_dir() / "quickstart_standalone.xlsm")["Dictionary"][1]
    header = [line for line in theirs.split("\r\n") if line.startswith("Attribute VB_")][:9]
    assert ours.split("\r\n")[:9] == header
    assert ours.lower() == theirs.lower()


def test_class_module_in_project_and_dir_streams() -> None:
    modules = [VbaModule("Modulo", "Sub A()\nEnd Sub\n"), VbaModule("Contatore", "Public N As Long\n", "class")]
    ole = olefile.OleFileIO(io.BytesIO(build_vba_project(modules)))
    project = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    assert project[1:3] == ["Module=Modulo", "Class=Contatore"]
    data = decompress(ole.openstream("VBA/dir").read())
    types, pos = [], 0
    while pos < len(data):
        record_id, size = struct.unpack_from("<HI", data, pos)
        size = 6 if record_id == 0x0009 else size
        if record_id in (0x21, 0x22):
            types.append(record_id)
        pos += 6 + size
    assert types == [0x21, 0x22]
    text = decompress(ole.openstream("VBA/Contatore").read()).decode("cp1252")
    assert text.startswith('Attribute VB_Name = "Contatore"\r\nAttribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"')
    assert "Attribute VB_Exposed = False\r\n" in text and text.endswith("Public N As Long\r\n")


def test_class_header_attributes_in_the_source_override_the_defaults() -> None:
    module = VbaModule("Conto", 'Attribute VB_Exposed = True\nAttribute VB_Description = "Un conto"\nOption Explicit\n', "class")
    lines = module_text(module).split("\r\n")
    assert "Attribute VB_Exposed = True" in lines and "Attribute VB_Exposed = False" not in lines
    assert lines[8:10] == ['Attribute VB_Description = "Un conto"', "Option Explicit"]


# --- the sheets: panel first, master sheets as tables, xlwings.conf ---------------------------

@pytest.fixture(scope="module")
def opened() -> openpyxl.Workbook:
    return openpyxl.load_workbook(WORKBOOK, keep_vba=False)


def test_panel_comes_first_with_an_empty_date_cell(opened: openpyxl.Workbook) -> None:
    assert opened.sheetnames[0] == "Pannello"
    assert opened.active.title == "Pannello"
    name = opened.defined_names["DataOrdini"]
    assert name.attr_text == "Pannello!$B$3"
    sheet = opened["Pannello"]
    assert sheet["B3"].value is None and sheet["B3"].number_format == "dd/mm/yyyy"
    rule = next(dv for dv in sheet.data_validations.dataValidation if "B3" in str(dv.sqref))
    assert rule.type == "date" and rule.showInputMessage and rule.prompt


def test_excel_refuses_a_debit_note_amount_not_above_zero_as_it_is_typed(opened: openpyxl.Workbook) -> None:
    """*Importo nota di debito* (B22) takes an amount more than zero, as the button does: Excel's own
    check let -10 in, which only the button refused after a press. *Importo incassato* (B6) keeps
    its negative amounts, a credit note's refund."""
    rules = {str(dv.sqref): dv for dv in opened["Pannello"].data_validations.dataValidation}
    debit, paid = rules["B22"], rules["B6"]
    assert (debit.type, debit.operator or "between", debit.formula1) == ("decimal", "between", "0.01")
    assert "più di zero" in debit.error and debit.showErrorMessage
    assert (paid.type, paid.formula1) == ("decimal", "-999999999.99")


def test_the_panel_has_every_input_cell_laid_out_like_the_date(opened: openpyxl.Workbook) -> None:
    from toolkit.excel import cells
    from toolkit.excel.inputs import FIELDS

    sheet = opened["Pannello"]
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    for field in FIELDS:
        row = field.cell[1:]
        assert opened.defined_names[field.name].attr_text == f"Pannello!$B${row}", field.name
        assert sheet[f"A{row}"].value == field.label and sheet[f"C{row}"].value == field.help
        assert sheet[field.cell].value is None and sheet[field.cell].fill.fgColor.rgb.endswith("FFF2CC")
        assert rules[field.cell].prompt, field.name
    assert sheet["B6"].number_format == cells.CURRENCY and sheet["B5"].number_format == "dd/mm/yyyy"
    assert rules["B7"].type == rules["B9"].type == "list" and "Chiuso" in rules["B9"].formula1
    assert (sheet["A4"].value, sheet["A17"].value, sheet["A18"].value) == (
        "Fattura", "Righe da accreditare", "Motivo nota di credito")
    assert {opened.defined_names[name].attr_text for name in ("NotaRighe", "NotaMotivo")} == {
        "Pannello!$B$17", "Pannello!$B$18"}
    assert sheet["B17"].number_format == sheet["B18"].number_format == "@" and "Nota di credito" in sheet["C4"].value
    dates = [field.cell for field in FIELDS if field.kind == "date"]
    assert dates == ["B3", "B5", "B14", "B15", "B19"]
    for cell in dates:
        assert (rules[cell].formula1, rules[cell].formula2) == (str(excel_serial(FIRST_DAY)), str(excel_serial(LAST_DAY)))
        assert "dal 2000 al 2099" in rules[cell].error
    first_button = panel.FIRST_BUTTON_ROW + 1
    assert first_button > int(FIELDS[-1].cell[1:]) + 1
    assert sheet[f"C{first_button}"].value == BUTTONS[0].help


def test_the_period_cells_say_what_each_button_reads_of_them(opened: openpyxl.Workbook) -> None:
    """«Dal» said «Il primo giorno del periodo (provvigioni, report)»: a desk filled it in for the
    aging, which reads «Al» alone, and left it out for the volume discounts, which take it too.
    Each cell and its hint now name the buttons that read it, and that the aging does not read «Dal»."""
    sheet = opened["Pannello"]
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    start, end = sheet["C14"].value, sheet["C15"].value
    for button in ("«Provvigioni»", "«Liquida sconti volume»", "«Report»"):
        assert button in start, start
    assert "Lo scadenziario non lo usa" in start and "i crediti aperti il giorno «Al»" in start
    assert "per lo scadenziario, il giorno a cui guardare i crediti aperti" in end
    assert rules["B14"].prompt == start and rules["B15"].prompt == end, "the hint whole, within Excel's 255"


def test_master_sheets_are_tables_with_dropdowns_and_frozen_headers(opened: openpyxl.Workbook) -> None:
    for spec in SHEETS:
        if spec.it not in opened.sheetnames:
            assert not spec.required, spec.it
            continue
        sheet = opened[spec.it]
        assert sheet.freeze_panes == "A2", spec.it
        if not spec.key_value:
            assert sheet.tables, spec.it
    assert opened["Clienti"].data_validations.dataValidation


def test_xlwings_conf_is_read_from_a1_down(opened: openpyxl.Workbook) -> None:
    sheet = opened[panel.CONFIG_SHEET]
    keys = []
    for row in sheet.iter_rows(min_col=1, max_col=2):
        if row[0].value is None:
            break
        keys.append(row[0].value)
    assert keys == [key for key, _ in panel.CONFIG]
    assert {"Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "UDF Modules"} <= set(keys)
    notes = " ".join(str(c.value) for c in sheet["A"] if c.value)
    assert f"xlwings=={xlwings_version()}" in notes


# --- LibreOffice opens it and binds every button -------------------------------------------------

def test_libreoffice_binds_every_button_to_its_macro(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not on PATH: cannot check the buttons' bindings")
    out = tmp_path / "out"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "ods", "--outdir", str(out), str(WORKBOOK)],
        capture_output=True, text=True, timeout=120,
    )
    ods = out / (WORKBOOK.stem + ".ods")
    assert ods.exists(), result.stdout + result.stderr
    with zipfile.ZipFile(ods) as archive:
        content = archive.read("content.xml").decode()
        modules = {Path(n).stem: archive.read(n).decode() for n in archive.namelist()
                   if n.startswith("Basic/VBAProject/") and n.endswith(".xml") and "script-" not in n}
    buttons = re.findall(r'<form:button [^>]*?form:label="([^"]*)".*?</form:button>', content, re.S)
    assert buttons == [b.caption for b in BUTTONS]
    for button in BUTTONS:
        url = f"vnd.sun.star.script:VBAProject.Pannello.{button.macro}?language=Basic&amp;location=document"
        block = re.search(rf'form:label="{re.escape(button.caption)}".*?</form:button>', content, re.S).group(0)
        assert url in block, button.macro
    assert 'table:name="DataOrdini"' in content and "$Pannello.$B$3" in content
    for path in MACROS.glob("*.bas"):
        xml = modules[read_bas(path).name]
        code = html.unescape(re.search(r"<script:module[^>]*>(.*)</script:module>", xml, re.S).group(1))
        assert code_lines(path.read_text(encoding="utf-8")) in code.replace("\r\n", "\n"), path.name
    assert 'script:moduleType="class"' in modules["Dictionary"]
    assert 'script:moduleType="normal"' in modules["xlwings"]
