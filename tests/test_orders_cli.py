"""The order verbs as a user runs them: exit codes, JSON, the printable orders and the panel."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from command_line import as_process as toolkit
from conftest import PG_REASON, PG_URL


@pytest.fixture
def workbook(tmp_path, sample_workbook) -> Path:
    copy = tmp_path / "anagrafiche.xlsx"
    copy.write_bytes(sample_workbook.read_bytes())
    return copy


def _create_twice_and_panel(workbook: Path, extra: tuple[str, ...]) -> None:
    cwd = workbook.parent
    first = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--json", "--out", "ordini.xlsx", *extra, cwd=cwd)
    assert first.returncode == 0, first.stderr
    made = json.loads(first.stdout)
    assert made["created"] and made["already_existing"] == []
    assert [p for p in made["problems"] if p["severity"] == "error"] == []
    again = json.loads(toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--json", *extra, cwd=cwd).stdout)
    assert again["created"] == []
    assert sorted(r["number"] for r in again["already_existing"]) == sorted(r["number"] for r in made["created"])

    documents = openpyxl.load_workbook(cwd / "ordini.xlsx")
    first_number = made["created"][0]["number"]
    sheet = documents[first_number]
    assert documents.sheetnames == [r["number"] for r in made["created"]]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert f"ORDINE CLIENTE {first_number}" in cells
    assert sheet.page_setup.paperSize == 9

    panel_run = toolkit("panel", str(workbook), "--out", "pannello.xlsx", "--all", *extra, cwd=cwd)
    assert panel_run.returncode == 0, panel_run.stderr
    panel = openpyxl.load_workbook(cwd / "pannello.xlsx")
    rows = list(panel["Pannello ordini"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [r["number"] for r in made["created"]]
    listing = json.loads(toolkit("orders", "list", str(workbook), "--json", *extra, cwd=cwd).stdout)["orders"]
    for row, order in zip(rows, listing):
        assert row[5] == order["lines"]
        assert Decimal(str(row[6])) == Decimal(order["quantity"])
        assert Decimal(str(row[7])) == Decimal(order["to_ship"])
        assert Decimal(str(row[8])) == Decimal(order["amount"])
        shipped_at_once = order["document_type"] in ("warehouse", "pos", "on-credit")
        assert row[9] == ("Completato" if shipped_at_once and Decimal(order["to_ship"]) == 0 else "In corso")
    assert any(r[9] == "In corso" for r in rows)
    link = panel["Pannello ordini"]["A2"].hyperlink
    assert link.location == "'Righe'!A2"
    lines = list(panel["Righe"].iter_rows(min_row=2, values_only=True))
    assert len(lines) == sum(o["lines"] for o in listing)

    default = toolkit("panel", str(workbook), "--out", "aperti.xlsx", *extra, cwd=cwd)
    assert default.returncode == 0, default.stderr
    still_open = [r[0] for r in openpyxl.load_workbook(cwd / "aperti.xlsx").worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert still_open == [r[0] for r in rows if r[9] == "In corso"] and len(still_open) < len(rows)


def test_create_twice_then_panel_on_sqlite(workbook):
    _create_twice_and_panel(workbook, ())
    assert (workbook.parent / "anagrafiche.xlsx.ledger.sqlite").exists()


@pytest.mark.postgres
def test_create_twice_then_panel_on_postgresql(workbook):
    if not PG_URL:
        pytest.skip(PG_REASON)
    from conftest import _pg_database

    url, drop = _pg_database()
    try:
        _create_twice_and_panel(workbook, ("--ledger", url))
        assert not (workbook.parent / "anagrafiche.xlsx.ledger.sqlite").exists()
    finally:
        drop()


def test_check_exit_codes(workbook, tmp_path):
    assert toolkit("check", str(workbook), cwd=tmp_path).returncode == 0
    text = tmp_path / "note.txt"
    text.write_text("not a workbook\n")
    refused = toolkit("check", str(text), cwd=tmp_path)
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr


def test_a_quantity_written_as_text_names_the_sheet_and_cell(workbook, tmp_path):
    book = openpyxl.load_workbook(workbook)
    sheet = book["Righe modello"]
    column = [c.value for c in sheet[1]].index("Quantità") + 1
    sheet.cell(row=5, column=column, value="abc")
    book.save(workbook)
    before = workbook.read_bytes()
    result = toolkit("check", str(workbook), "--json", cwd=tmp_path)
    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    letter = openpyxl.utils.get_column_letter(column)
    assert [(p["sheet"], p["cell"], p["code"]) for p in problems] == [("Righe modello", f"{letter}5", "not-a-number")]
    human = toolkit("check", str(workbook), cwd=tmp_path)
    assert human.stdout.startswith(f"Righe modello!{letter}5: ")
    created = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", cwd=tmp_path)
    assert created.returncode == 1 and not (tmp_path / "anagrafiche.xlsx.ledger.sqlite").exists()
    assert workbook.read_bytes() == before


def test_check_report_links_to_the_cells(workbook, tmp_path):
    book = openpyxl.load_workbook(workbook)
    book["Clienti"]["C2"] = "123"
    book.save(workbook)
    toolkit("check", str(workbook), "--report", "controllo.xlsx", "--lang", "en", cwd=tmp_path)
    report = openpyxl.load_workbook(tmp_path / "controllo.xlsx")["Data check"]
    assert [c.value for c in report[1]] == ["Severity", "Sheet", "Cell", "Code", "Message"]
    assert [c.value for c in report[2]][:4] == ["Error", "Clienti", "C2", "invalid-vat-number"]
    link = report["C2"].hyperlink
    assert (link.target, link.location) == ("anagrafiche.xlsx", "Clienti!C2")


def test_an_impossible_date_is_a_usage_error_not_an_internal_error(workbook, tmp_path):
    result = toolkit("orders", "preview", str(workbook), "--date", "31/02/2026", cwd=tmp_path)
    assert result.returncode == 2
    assert "--date" in result.stderr and "errore interno" not in result.stderr and "Traceback" not in result.stderr
    assert "02/2026 has 28 days" in result.stderr


def test_preview_as_json_lists_the_orders_and_each_customers_position(workbook, tmp_path):
    result = toolkit("orders", "preview", str(workbook), "--date", "2026-04-09", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    preview = json.loads(result.stdout)
    assert preview["date"] == "2026-04-09" and preview["orders"]
    row = preview["orders"][0]
    assert {"date", "template", "customer", "amount", "existing", "catch_up"} <= set(row)
    position = preview["customers"][row["customer"]]
    assert {"customer", "unshipped", "outstanding", "credit_limit", "headroom"} <= set(position)


def test_a_preview_of_a_day_with_nothing_due_says_so_in_a_line(workbook, tmp_path):
    """It printed the table's heading and no row, as if the orders had failed to show."""
    day = ("orders", "preview", str(workbook), "--date", "2025-01-05", "--no-catch-up")
    for lang, said in (("it", "Nessun ordine in scadenza il 05/01/2025."), ("en", "No orders due on 05/01/2025.")):
        result = toolkit(*day, "--lang", lang, cwd=tmp_path)
        assert (result.returncode, result.stdout.splitlines()) == (0, [said]), result.stderr
    result = toolkit(*day, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"ok": True, "exit_code": 0, "problems": [], "date": "2025-01-05",
                                         "missed_days": [], "orders": [], "customers": {}}


def test_calendar_for_april_respects_easter_monday(workbook, tmp_path):
    from toolkit.intake.validation import check_file

    master = check_file(workbook).master
    mondays = [t for t in master.templates if t.schedule.value == "weekly" and t.weekdays == (0,)]
    skip = next(t.code for t in mondays if t.holiday_policy is not None and t.holiday_policy.value == "skip")
    nxt = next(t.code for t in mondays if t.holiday_policy is not None and t.holiday_policy.value == "next")
    result = toolkit("calendar", str(workbook), "--from", "2026-04-01", "--to", "2026-04-30", "--json",
                     "--out", "calendario.xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    deliveries = json.loads(result.stdout)["deliveries"]
    days = {(d["template"], d["date"]) for d in deliveries}
    assert (skip, "2026-04-06") not in days and (skip, "2026-04-07") not in days and (skip, "2026-04-13") in days
    moved = next(d for d in deliveries if d["template"] == nxt and d["date"] == "2026-04-07")
    assert moved["moved"] and moved["nominal"] == ["2026-04-06"]
    assert (nxt, "2026-04-06") not in days
    grid = openpyxl.load_workbook(tmp_path / "calendario.xlsx")
    assert len(grid.sheetnames) == 2


def test_the_calendar_in_the_terminal_counts_lines_across_units_as_its_grid_does(workbook, tmp_path):
    """The grid shows an order's quantity with its unit, or its number of lines when the lines
    are in different units; the terminal listing said the sum of them all (33 for T008)."""
    from toolkit.intake.validation import check_file

    master = check_file(workbook).master
    units = {item.code: item.unit for item in master.items}
    lines = {}
    for line in master.template_lines:
        lines.setdefault(line.template, []).append(line)
    result = toolkit("calendar", str(workbook), "--from", "2026-04-08", "--to", "2026-04-08", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shown = {row.split()[2]: row.split()[4:6] for row in result.stdout.splitlines() if row.startswith("08/04/2026")}
    mixed = [t for t in shown if len({units[line.item] for line in lines[t]}) > 1]
    single = [t for t in shown if len({units[line.item] for line in lines[t]}) == 1]
    assert mixed and single
    assert all(shown[t][1] == "righe" and int(shown[t][0]) > 1 for t in mixed), shown
    assert all(shown[t][1] == units[lines[t][0].item] for t in single), shown


def test_the_calendar_in_the_terminal_names_the_weekday_in_the_desks_language(workbook, tmp_path):
    """The listing named the day with the machine's locale (`%a`): `Wed` for an Italian desk on
    a machine set to English, as the grid beside it says `mer`."""
    for lang, day in (("it", "mer"), ("en", "wed")):
        result = toolkit("calendar", str(workbook), "--from", "2026-04-08", "--to", "2026-04-08", "--lang", lang,
                         cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        rows = [row.split() for row in result.stdout.splitlines() if row.startswith("08/04/2026")]
        assert rows and {row[1] for row in rows} == {day}, result.stdout


def _list_rows(path: Path) -> list[dict]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[3])
    return [dict(zip(header, r)) for r in rows[4:] if r[header.index("Ordine")]]


def test_distribution_lists_on_the_sample_after_shipping_two_orders(workbook, tmp_path):
    assert toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--json", cwd=tmp_path).returncode == 0
    listing = json.loads(toolkit("orders", "list", str(workbook), "--json", cwd=tmp_path).stdout)["orders"]
    waiting = [o for o in listing if o["status"] == "in-progress" and Decimal(o["to_ship"]) > 0]
    assert toolkit("distribution", str(workbook), "--date", "2026-04-09", "--out", "d1.xlsx", cwd=tmp_path).returncode == 0
    before = _list_rows(tmp_path / "d1.xlsx")
    assert {r["Ordine"] for r in before} == {o["number"] for o in waiting}

    from toolkit.intake.validation import check_file
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import reading
    from toolkit.ledger.orders import load_orders, reservations

    master = check_file(workbook).master
    stock = {s.item: s.quantity for s in master.stock}
    terms = {c.code: c.delivery_terms.value for c in master.customers}
    ledger = open_ledger(None, workbook)
    with reading(ledger) as conn:
        orders = {o.number: o for o in load_orders(conn)}
        held = reservations(conn)
    ledger.engine.dispose()
    shippable = [o for o in waiting if terms[o["customer"]] in ("availability", "complete-line")
                 and all(stock[line.item] - held.ahead(line.item, o["number"]) >= line.quantity
                         for line in orders[o["number"]].lines)]
    whole = shippable[0]["number"]
    partial, line = next((o["number"], line) for o in shippable[1:] for line in orders[o["number"]].lines
                         if line.quantity >= 2)
    take = line.quantity - 1
    written = format(take.normalize(), "f").replace(".", ",")  # as Excel exports a number to an Italian CSV
    (tmp_path / "q.csv").write_text(f"Ordine;Articolo;Quantità\n{partial};{line.item};{written}\n", encoding="utf-8")
    shipped = toolkit("ship", str(workbook), "--date", "2026-04-09", "--orders", whole, "--json", "--out", "ddt.xlsx",
                      cwd=tmp_path)
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    partly = toolkit("ship", str(workbook), "--date", "2026-04-09", "--quantities", "q.csv", "--json", cwd=tmp_path)
    assert partly.returncode == 0, partly.stdout + partly.stderr
    assert [s["orders"] for s in json.loads(partly.stdout)["shipped"]] == [[partial]]

    toolkit("distribution", str(workbook), "--date", "2026-04-09", "--out", "d2.xlsx", cwd=tmp_path)
    after = _list_rows(tmp_path / "d2.xlsx")
    assert whole not in {r["Ordine"] for r in after}
    remaining = next(r for r in after if r["Ordine"] == partial and r["Articolo"] == line.item)
    assert Decimal(str(remaining["Da spedire"])) == line.quantity - take == 1

    toolkit("distribution", str(workbook), "--date", "2026-04-09", "--complete", "--out", "c.xlsx", cwd=tmp_path)
    complete = _list_rows(tmp_path / "c.xlsx")
    assert {r["Ordine"] for r in complete} == {o["number"] for o in listing}
    states = {r["Ordine"]: r["Stato"] for r in complete}
    assert states[whole] == "Completato" and states[partial] == "In corso"

    ddt = openpyxl.load_workbook(tmp_path / "ddt.xlsx").worksheets[0]
    cells = [c for row in ddt.iter_rows(values_only=True) for c in row if c is not None]
    for expected in ("DOCUMENTO DI TRASPORTO", "DDT n.", "Cessionario", "Luogo di destinazione", "Causale del trasporto",
                     "Forniture Rossi S.r.l.", "Firma del conducente"):
        assert any(expected in str(c) for c in cells), expected


def test_orders_list_keeps_a_period_and_a_customer(workbook, tmp_path):
    cwd = workbook.parent
    for day in ("2026-04-09", "2026-04-10"):
        assert toolkit("orders", "create", str(workbook), "--date", day, cwd=cwd).returncode == 0

    def listed(*options: str) -> list[dict]:
        run = toolkit("orders", "list", str(workbook), "--json", *options, cwd=cwd)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)["orders"]

    every = listed()
    assert {o["date"] for o in every} == {"2026-04-09", "2026-04-10"}
    assert listed("--from", "2026-04-10") == [o for o in every if o["date"] == "2026-04-10"]
    assert listed("--to", "09/04/2026") == [o for o in every if o["date"] == "2026-04-09"]
    customer = every[-1]["customer"]
    assert listed("--customer", customer) == [o for o in every if o["customer"] == customer]
    backwards = toolkit("orders", "list", str(workbook), "--from", "2026-04-10", "--to", "2026-04-09", cwd=cwd)
    assert backwards.returncode == 2
    assert ("Errore: Valore non valido per --to: --to 09/04/2026 viene prima di --from 10/04/2026: la data finale "
            "va dopo quella iniziale, scambiale") in backwards.stderr


def _in_process(*args: str):
    from typer.testing import CliRunner

    from toolkit.cli.app import _register, app

    _register()
    return CliRunner().invoke(app, list(args))


def test_orders_list_of_no_order_says_there_is_none(workbook):
    """Table headings over nothing read as a listing gone wrong: the desk is told there is no
    order, in the ledger or matching the options; the JSON's list is empty."""
    plain = _in_process("orders", "list", str(workbook))
    assert plain.exit_code == 0, plain.output
    assert plain.stdout.strip() == "Nessun ordine nel registro."
    english = _in_process("orders", "list", str(workbook), "--customer", "C001", "--lang", "en")
    assert english.stdout.strip() == "No orders match the options given."
    answer = json.loads(_in_process("orders", "list", str(workbook), "--json").stdout)
    assert answer["orders"] == [] and answer["exit_code"] == 0


def test_a_ledger_created_under_a_name_typed_says_so_and_one_that_exists_does_not(workbook):
    """`--ledger registo.sqlite` (a letter missing) in an existing folder started an empty
    ledger numbered from 1 without a word; the command names the file it created. Run again,
    the ledger exists and nothing is said; a default ledger, the workbook's first run, neither."""
    typed = workbook.parent / "registo.sqlite"
    first = _in_process("orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", str(typed))
    assert first.exit_code == 0, first.output
    assert f"toolkit: Creato un nuovo registro {typed}, vuoto" in first.stderr
    assert "controlla il percorso indicato in --ledger" in first.stderr
    again = _in_process("orders", "create", str(workbook), "--date", "2026-04-10", "--ledger", str(typed))
    assert again.exit_code == 0, again.output
    assert "registro" not in again.stderr.lower()
    beside = _in_process("orders", "create", str(workbook), "--date", "2026-04-09")
    assert beside.exit_code == 0, beside.output
    assert "Creato un nuovo registro" not in beside.stderr
    assert (workbook.parent / "anagrafiche.xlsx.ledger.sqlite").is_file()
