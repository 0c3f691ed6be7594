"""The two sheets the front-end workbook adds to the master sheets: "Pannello" and "xlwings.conf".

"Pannello" comes first: the date the order buttons work on (named `DataOrdini`, left empty:
a date baked in at build time would be wrong the next day), the other input cells of
`toolkit.excel.inputs.FIELDS` below it (the payment to record, the order whose status to
change, the invoice run), each laid out the same way (label, named value cell, help), and one
button per entry of `toolkit.excel.buttons.BUTTONS`, bound to its Sub in the `Pannello` VBA
module.

"xlwings.conf" is where the embedded xlwings module looks for its settings before any file
(xlwings' "workbook configuration"): key/value rows from A1 down to the first empty cell of
column A, keys case-insensitive. Notes go below a blank row, where xlwings stops reading.
"""

from __future__ import annotations

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from toolkit.basics.dates import FIRST_DAY, LAST_DAY
from toolkit.excel import cells
from toolkit.excel.buttons import BUTTONS, DATE_NAME, PANEL, TITLES
from toolkit.excel.inputs import DEBIT_AMOUNT, FIELDS, Field

DATE_CELL = (2, 1)
"""B3, zero-based: the date the order buttons work on."""
CONFIG_SHEET = "xlwings.conf"
FIRST_BUTTON_ROW = max(int(field.cell[1:]) for field in FIELDS) + 1
"""Zero-based: one empty row below the last input cell."""
BUTTON_WIDTH, BUTTON_HEIGHT, BUTTON_ROW_HEIGHT = 230, 30, 27.0

VENV = "ordini-ricorrenti"
"""The folder, in the user's home, of the Python environment the setup guide creates."""

CONFIG: tuple[tuple[str, str | bool], ...] = (
    ("Interpreter_Win", rf"%USERPROFILE%\{VENV}\.venv\Scripts\python.exe"),
    ("Interpreter_Mac", f"$HOME/{VENV}/.venv/bin/python"),
    ("PYTHONPATH", ""),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "false"),
    ("Conda Path", ""),
    ("Conda Env", ""),
    ("UDF Modules", ""),
    ("Show Console", False),
)
"""xlwings' keys as its quickstart writes them. The interpreters point at the environment of
docs/excel.md; the workbook's folder is kept off `sys.path` because the toolkit is installed
with pip, and a OneDrive or SharePoint folder would otherwise need extra settings."""


def add_panel(workbook: xlsxwriter.Workbook, xlwings_version: str) -> Worksheet:
    sheet = workbook.add_worksheet(PANEL)
    title = workbook.add_format({"bold": True, "font_size": 16})
    label = workbook.add_format({"bold": True, "align": "right", "valign": "vcenter"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy", "border": 1, "bg_color": "#FFF2CC",
                               "align": "center", "valign": "vcenter"})
    help_text = workbook.add_format({"valign": "vcenter", "font_color": "#404040"})
    small = workbook.add_format({"italic": True, "font_color": "#808080"})

    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 70)
    sheet.write_string(0, 0, TITLES["it"], title)
    assert FIELDS[0].name == DATE_NAME
    formats = {
        "date": day,
        "amount": workbook.add_format({"num_format": cells.CURRENCY, "border": 1, "bg_color": "#FFF2CC",
                                       "valign": "vcenter"}),
        "text": workbook.add_format({"num_format": "@", "border": 1, "bg_color": "#FFF2CC", "align": "center",
                                     "valign": "vcenter"}),
        "list": workbook.add_format({"border": 1, "bg_color": "#FFF2CC", "align": "center", "valign": "vcenter"}),
    }
    for field in FIELDS:
        row = int(field.cell[1:]) - 1
        assert field.cell == f"B{row + 1}" and row >= DATE_CELL[0], field
        sheet.set_row(row, 22)
        sheet.write_string(row, 0, field.label, label)
        sheet.write_blank(row, 1, None, formats[field.kind])
        sheet.write_string(row, 2, field.help, help_text)
        workbook.define_name(field.name, f"={PANEL}!$B${row + 1}")
        sheet.data_validation(row, 1, row, 1, _validation(field))
    for i, button in enumerate(BUTTONS):
        r = FIRST_BUTTON_ROW + i
        sheet.set_row(r, BUTTON_ROW_HEIGHT)
        sheet.insert_button(r, 0, {
            "macro": f"{PANEL}.{button.macro}", "caption": button.caption,
            "width": BUTTON_WIDTH, "height": BUTTON_HEIGHT, "x_offset": 4, "y_offset": 3,
        })
        sheet.write_string(r, 2, button.help, help_text)
    last = FIRST_BUTTON_ROW + len(BUTTONS) + 1
    sheet.write_string(last, 0, "I pulsanti eseguono il toolkit in Python tramite xlwings: "
                                "impostazioni nel foglio «xlwings.conf», guida in docs/excel.md.", small)
    sheet.write_string(last + 1, 0, f"Costruito con xlwings {xlwings_version}.", small)
    sheet.activate()
    return sheet


def add_config(workbook: xlsxwriter.Workbook, xlwings_version: str) -> Worksheet:
    sheet = workbook.add_worksheet(CONFIG_SHEET)
    note = workbook.add_format({"italic": True, "font_color": "#595959"})
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 60, text)
    for i, (key, value) in enumerate(CONFIG):
        sheet.write_string(i, 0, key)
        if isinstance(value, bool):
            sheet.write_boolean(i, 1, value)
        elif value:
            sheet.write_string(i, 1, value, text)
    notes = [
        "Nota / Note:",
        "Impostazioni di xlwings per i pulsanti del foglio «Pannello». Le chiavi partono da A1 e vanno "
        "lette fino alla prima riga vuota: non inserire righe vuote sopra questa nota.",
        "Interpreter_Win / Interpreter_Mac: il Python in cui hai installato il toolkit "
        "(pip install recurring-orders-toolkit). Una chiave senza valore usa il valore predefinito di xlwings.",
        f"Questo file contiene il modulo VBA di xlwings {xlwings_version}: installa la stessa versione "
        f"(pip install xlwings=={xlwings_version}).",
        "xlwings settings for the buttons; keys start in A1 and are read down to the first empty row. "
        f"The workbook embeds the xlwings {xlwings_version} VBA module (BSD 3-clause licence, see the "
        "module's header): install the same xlwings version.",
    ]
    first = len(CONFIG) + 2
    sheet.write_string(first, 0, notes[0], bold)
    for i, line in enumerate(notes[1:], start=first + 1):
        sheet.write_string(i, 0, line, note)
    return sheet


DATES: dict[str, object] = {
    "validate": "date", "criteria": "between", "minimum": FIRST_DAY, "maximum": LAST_DAY,
    "error_title": "Data non valida",
    "error_message": f"Scrivi una data dal {FIRST_DAY.year} al {LAST_DAY.year} come 15/04/2026 (giorno/mese/anno).",
}
"""Excel's own check of a date cell as it is typed: the days the buttons take (`dates.in_range`).
A pasted value escapes it, so the buttons check again."""


def _validation(field: Field) -> dict[str, object]:
    """What Excel checks as the user types in an input cell, and the hint it shows: a debit note's
    amount more than zero, as the button takes it (a payment's may be negative, a refund)."""
    if field.name == DATE_NAME:
        return {
            **DATES,
            "input_title": "Data ordini",
            "input_message": "Scrivi una data, es. 15/04/2026: i pulsanti degli ordini lavorano su questa data.",
        }
    hint = {"input_title": field.label[:32], "input_message": field.help[:255]}
    if field.kind == "date":
        return {**DATES, **hint}
    if field.kind == "amount" and field is DEBIT_AMOUNT:
        return {"validate": "decimal", "criteria": "between", "minimum": 0.01, "maximum": 999_999_999.99,
                **hint, "error_title": "Importo non valido",
                "error_message": "Scrivi l'imponibile in euro, più di zero, es. 150,50."}
    if field.kind == "amount":
        return {"validate": "decimal", "criteria": "between", "minimum": -999_999_999.99, "maximum": 999_999_999.99,
                **hint, "error_title": "Importo non valido", "error_message": "Scrivi un importo in euro, es. 1234,56."}
    if field.kind == "list":
        return {"validate": "list", "source": list(field.options), "ignore_blank": True, **hint,
                "error_type": "warning", "error_title": field.label[:32],
                "error_message": "Scegli un valore dall'elenco."}
    return {"validate": "any", **hint}
