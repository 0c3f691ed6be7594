"""A template is the same whatever the case of its code: renamed T007 → t007 after its orders
were made, `orders create` finds them (the audit got a second order and a second invoice for
the day), and the master may not hold T007 beside t007."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from command_line import in_process as toolkit


def renamed(workbook: Path, old: str, new: str) -> None:
    """Every cell holding the code `old` (the template's row, its lines, its exceptions) now `new`."""
    book = openpyxl.load_workbook(workbook)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == old:
                    cell.value = new
    book.save(workbook)


def test_a_template_renamed_in_another_case_is_not_ordered_twice(tmp_path, sample_workbook, ledger_url, capsys):
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    day = ["--date", "2026-04-09", "--ledger", ledger_url]
    code, first = toolkit(["orders", "create", str(workbook), *day], capsys)
    assert code == 0
    [made] = [r["number"] for r in first["created"] if r["template"] == "T007"]
    renamed(workbook, "T007", "t007")

    code, preview = toolkit(["orders", "preview", str(workbook), *day], capsys)
    assert code == 0
    assert [r["existing"] for r in preview["orders"] if r["template"] == "t007"] == [made]

    code, again = toolkit(["orders", "create", str(workbook), *day], capsys)
    assert code == 0
    assert again["created"] == []
    assert [r["number"] for r in again["already_existing"] if r["template"] == "t007"] == [made]
    assert len(again["already_existing"]) == len(first["created"])

    code, only = toolkit(["orders", "create", str(workbook), *day, "--only", "T007"], capsys)
    assert (code, only["created"], [r["number"] for r in only["already_existing"]]) == (0, [], [made])


def test_two_templates_whose_codes_differ_only_in_case_are_a_duplicate(tmp_path, sample_workbook, capsys):
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    book = openpyxl.load_workbook(workbook)
    sheet = book["Modelli ordine"]
    [row] = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "T008"]
    row[0].value = "t007"
    book.save(workbook)
    code, answer = toolkit(["check", str(workbook)], capsys)
    assert code == 1
    duplicates = [p for p in answer["problems"] if p["code"] == "duplicate-code"]
    assert [(p["sheet"], p["cell"], p["message"]) for p in duplicates] == [(
        "Modelli ordine", f"A{row[0].row}",
        "Il codice «t007» è già usato alla riga 8: ogni riga deve avere un codice diverso.")]


def test_existing_orders_are_read_through_statements_compiled_once(ledger, sample_master):
    """`existing_numbers` reads at the driver level (`driver_rows`): SQLAlchemy compiled each of
    its `IN` lists again, half of its CPU for a date at L. Found as before: as typed, in another
    case through the customer, and none for a key with no order."""
    from datetime import date

    from sqlalchemy import event

    from toolkit.ledger.db import reading
    from toolkit.ledger.orders import existing_numbers
    from toolkit.services.orders import create

    day = date(2026, 4, 9)
    made = {(r["template"], r["date"]): r["number"] for r in create(sample_master, ledger, day, lang="it").created}
    (template, _), number = next(iter(made.items()))
    customer = next(t.customer for t in sample_master.templates if t.code == template)
    keys = [*made, (template.lower(), day), ("NONE", day)]
    executed: list[str] = []
    event.listen(ledger.engine, "before_cursor_execute", lambda *args: executed.append(args[2]))
    with reading(ledger) as conn:
        found = existing_numbers(conn, keys, {(template.lower(), day): customer, ("NONE", day): customer})
    assert found == {**made, (template.lower(), day): number}
    assert [sql for sql in executed if "FROM orders" in sql] == []
