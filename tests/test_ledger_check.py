"""`toolkit ledger check`: a sound ledger says so (exit 0); each kind of damage no command trips
over — a kept figure, a hold, an invoice's totals, a number missing, an invoice out of date order — and
the damage a failing command names (a row without its document, a value its column cannot hold,
a counter behind) is named with its code, table and row (exit 1), the ledger's bytes unchanged.
The ledger: the sample's 7–9 April created and shipped, the 10th created, April invoiced final."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from desks import WORKBOOK, copied_desk
from jsonschema import Draft202012Validator
from older_ledgers import back_to

from toolkit.cli import app, output
from toolkit.cli.schemas import schema
from toolkit.core.invoicing import Period, Request
from toolkit.ledger import default_url, open_ledger
from toolkit.ledger.db import writing
from toolkit.ledger.schema import SCHEMA_VERSION
from toolkit.services.invoicing import finalize, run
from toolkit.services.ledger_check import check_ledger
from toolkit.services.orders import create
from toolkit.services.shipping import ship

DAYS = (date(2026, 4, 7), date(2026, 4, 8), date(2026, 4, 9))
APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))


def _lived(master, ledger) -> None:
    for day in DAYS:
        create(master, ledger, day, lang="it")
        ship(master, ledger, day, all_open=True, lang="it")
    create(master, ledger, date(2026, 4, 10), lang="it")
    done = run(ledger, master, Request(APRIL, today=date(2026, 4, 30)), lang="it")
    assert done.run_id is not None and done.invoices
    finalize(ledger, done.run_id, master)


Damage = Callable[[Callable[[str], list[tuple]]], tuple[list[str], str, str, str]]
"""Given a query function, the statements that damage the ledger and the finding they make:
(statements, code, table, row)."""


def _reserved(q):
    item, order_id, number = q("SELECT r.item, r.order_id, o.number FROM reserved r JOIN orders o ON o.id = r.order_id "
                               "ORDER BY r.order_id, r.item")[0]
    return ([f"UPDATE reserved SET quantity = quantity + 1000 WHERE item = '{item}' AND order_id = {order_id}"],
            "ledger-reserved-wrong", "reserved", f"item {item}, order OC-2026-{number:05d}")


def _shipped_by_day(q):
    item, day = q("SELECT item, delivery_date FROM shipped_by_day ORDER BY item, delivery_date")[0]
    return ([f"UPDATE shipped_by_day SET quantity = quantity + 2000 WHERE item = '{item}' AND delivery_date = '{day}'"],
            "ledger-shipped-by-day-wrong", "shipped_by_day", f"item {item}, {day}")


def _line_shipped(q):
    [(line,)] = q("SELECT MIN(id) FROM order_lines WHERE shipped <> 0")
    return ([f"UPDATE order_lines SET shipped = shipped - 1000 WHERE id = {line}"],
            "ledger-line-shipped-wrong", "order_lines", f"id {line}")


def _unshipped(q):
    order_id, number = q("SELECT id, number FROM orders WHERE status = 'in-progress' ORDER BY id")[0]
    return ([f"UPDATE orders SET unshipped_euros = unshipped_euros + 5 WHERE id = {order_id}"],
            "ledger-unshipped-wrong", "orders", f"OC-2026-{number:05d}")


def _uninvoiced(q):
    ddt_id, number = q("SELECT id, number FROM deliveries WHERE series = 'DDT' ORDER BY id")[0]
    return ([f"UPDATE deliveries SET uninvoiced_euros = uninvoiced_euros + 7 WHERE id = {ddt_id}"],
            "ledger-uninvoiced-wrong", "deliveries", f"DDT-2026-{number:05d}")


def _total(q):
    [(number,)] = q("SELECT MAX(number) FROM invoices WHERE series = 'FT'")
    return ([f"UPDATE invoices SET total = total + 100 WHERE series = 'FT' AND number = {number}"],
            "ledger-invoice-total-wrong", "invoices", f"FT-2026-{number:05d} total")


def _taxable(q):
    [(number,)] = q("SELECT MIN(number) FROM invoices WHERE series = 'FT'")
    return ([f"UPDATE invoice_lines SET amount = amount + 1 WHERE id = (SELECT MIN(l.id) FROM invoice_lines l "
             f"JOIN invoices i ON i.id = l.invoice_id WHERE i.series = 'FT' AND i.number = {number})"],
            "ledger-invoice-total-wrong", "invoices", f"FT-2026-{number:05d} taxable")


def _one_rate(q, rates: str = "= 1") -> tuple[int, list[int]]:
    """The first FT invoice whose taxed lines are at one rate (`rates` "> 1": at several), and its rates."""
    [(number,)] = q("SELECT MIN(i.number) FROM invoices i WHERE i.series = 'FT' AND (SELECT COUNT(DISTINCT l.vat_rate) "
                    f"FROM invoice_lines l WHERE l.invoice_id = i.id AND l.vat_rate <> 0) {rates}")
    return number, sorted(r for (r,) in q("SELECT DISTINCT l.vat_rate FROM invoice_lines l JOIN invoices i ON "
                                          f"i.id = l.invoice_id WHERE i.series = 'FT' AND i.number = {number} "
                                          "AND l.vat_rate <> 0"))


def _vat(q):
    """VAT and total raised a cent together: the totals add up, the VAT is not its lines'."""
    number, [rate] = _one_rate(q)
    return ([f"UPDATE invoices SET vat = vat + 1, total = total + 1 WHERE series = 'FT' AND number = {number}"],
            "ledger-invoice-vat-differs", "invoices", f"FT-2026-{number:05d} VAT {rate // 100} %")


def _vat_of_rates(q):
    number, _ = _one_rate(q, "> 1")
    return ([f"UPDATE invoices SET vat = vat - 3, total = total - 3 WHERE series = 'FT' AND number = {number}"],
            "ledger-invoice-vat-differs", "invoices", f"FT-2026-{number:05d} VAT")


def _vat_kept_apart(q):
    """A rate's VAT kept apart (as a credit note's is) 5 cents from its lines', the document's VAT with it."""
    number, [rate] = _one_rate(q)
    return ([f"INSERT INTO credit_vat (invoice_id, vat_rate, vat) SELECT id, {rate}, vat + 5 FROM invoices "
             f"WHERE series = 'FT' AND number = {number}",
             f"UPDATE invoices SET vat = vat + 5, total = total + 5 WHERE series = 'FT' AND number = {number}"],
            "ledger-invoice-vat-differs", "invoices", f"FT-2026-{number:05d} VAT {rate // 100} %")


def _number_missing(q):
    [(number,)] = q("SELECT MAX(number) - 1 FROM deliveries WHERE series = 'DDT'")
    return ([f"DELETE FROM delivery_lines WHERE delivery_id = (SELECT id FROM deliveries WHERE series = 'DDT' "
             f"AND number = {number})",
             f"DELETE FROM deliveries WHERE series = 'DDT' AND number = {number}"],
            "ledger-number-missing", "deliveries", f"DDT-2026-{number:05d}")


def _out_of_date_order(q):
    [(number,)] = q("SELECT MAX(number) FROM invoices WHERE series = 'FT'")
    return ([f"UPDATE invoices SET invoice_date = '2026-04-01' WHERE series = 'FT' AND number = {number}"],
            "ledger-number-out-of-date-order", "invoices", f"FT-2026-{number:05d}")


def _hold(q):
    order_id, number = q("SELECT h.order_id, o.number FROM holds h JOIN orders o ON o.id = h.order_id ORDER BY 1")[0]
    return ([f"UPDATE holds SET customer = 'C999' WHERE order_id = {order_id}"], "ledger-hold-wrong", "holds",
            f"OC-2026-{number:05d}")


def _hold_item(q):
    order_id, item, number = q("SELECT i.order_id, i.item, o.number FROM hold_items i JOIN orders o ON o.id = i.order_id "
                               "ORDER BY 1, 2")[0]
    return ([f"UPDATE hold_items SET item = 'Z999' WHERE order_id = {order_id} AND item = '{item}'"],
            "ledger-hold-items-wrong", "hold_items", f"item Z999, order OC-2026-{number:05d}")


FINDINGS: dict[str, Damage] = {
    "reserved": _reserved, "shipped_by_day": _shipped_by_day, "order_lines.shipped": _line_shipped,
    "unshipped": _unshipped, "uninvoiced": _uninvoiced, "total": _total, "taxable": _taxable,
    "number missing": _number_missing, "out of date order": _out_of_date_order, "hold": _hold,
    "hold item": _hold_item, "vat": _vat, "vat of rates": _vat_of_rates, "vat kept apart": _vat_kept_apart,
}


def _orphaned(q):
    [(order_id,)] = q("SELECT MAX(order_id) FROM order_lines")
    [(line,)] = q(f"SELECT MIN(id) FROM order_lines WHERE order_id = {order_id}")
    return [f"DELETE FROM orders WHERE id = {order_id}"], "ledger-row-orphaned", "order_lines", f"id {line}"


def _unknown_word(q):
    [(order_id,)] = q("SELECT MIN(id) FROM orders")
    return ([f"UPDATE orders SET status = 'boh' WHERE id = {order_id}"], "ledger-value-unreadable", "orders",
            f"id {order_id}")


def _wrong_kind(q):
    [(line,)] = q("SELECT MIN(id) FROM order_lines")
    return ([f"UPDATE order_lines SET quantity = 'dieci' WHERE id = {line}"], "ledger-value-unreadable",
            "order_lines", f"id {line}")


def _counter_behind(q):
    return (["UPDATE counters SET last = 1 WHERE series = 'FT' AND year = 2026"], "ledger-counter-behind",
            "counters", "series FT, year 2026")


TOLD = {"orphaned": _orphaned, "unknown word": _unknown_word, "wrong kind": _wrong_kind,
        "counter behind": _counter_behind}
"""The damage `ledger.db._damage_told` and `counters_behind` name when a command fails on it."""


@pytest.fixture(scope="module")
def desk(tmp_path_factory, sample_workbook, sample_master) -> Path:
    folder = tmp_path_factory.mktemp("desk")
    workbook = folder / WORKBOOK
    shutil.copy(sample_workbook, workbook)
    ledger = open_ledger(default_url(workbook))
    _lived(sample_master, ledger)
    ledger.engine.dispose()
    return folder


def checked(workbook: Path, capsys, *more: str) -> tuple[int, dict]:
    """`toolkit ledger check WORKBOOK --json` (and `more`) run in this process, its exit code and
    its answer, which its JSON Schema accepts."""
    app._register()
    output.reset()
    capsys.readouterr()
    code = app.run(["ledger", "check", str(workbook), "--json", "--lang", "en", *more])
    document = json.loads(capsys.readouterr().out)
    validator = Draft202012Validator(schema("ledger check"))
    assert [e.message for e in validator.iter_errors(document)] == []
    return code, document


def _damaged(workbook: Path, damage: Damage) -> tuple[str, str, str]:
    file = workbook.with_name(f"{WORKBOOK}.ledger.sqlite")
    with sqlite3.connect(file) as conn:
        statements, code, table, row = damage(lambda sql: conn.execute(sql).fetchall())
        for statement in statements:
            assert conn.execute(statement).rowcount >= 1, statement
    conn.close()
    return code, table, row


def test_a_sound_ledger_is_sound(desk, tmp_path, capsys):
    workbook = copied_desk(desk, tmp_path)
    before = workbook.with_name(f"{WORKBOOK}.ledger.sqlite").read_bytes()
    code, document = checked(workbook, capsys)
    assert (code, document["exit_code"], document["sound"], document["findings"]) == (0, 0, True, [])
    assert workbook.with_name(f"{WORKBOOK}.ledger.sqlite").read_bytes() == before


@pytest.mark.parametrize("kind", [*FINDINGS, *TOLD])
def test_each_damage_is_named_and_nothing_written(kind, desk, tmp_path, capsys):
    workbook = copied_desk(desk, tmp_path)
    code, table, row = _damaged(workbook, {**FINDINGS, **TOLD}[kind])
    before = workbook.with_name(f"{WORKBOOK}.ledger.sqlite").read_bytes()
    exit_code, document = checked(workbook, capsys)
    assert (exit_code, document["exit_code"], document["sound"]) == (1, 1, False), document["problems"]
    assert {"code": code, "table": table, "row": row}.items() <= next(
        (f for f in document["findings"] if f["code"] == code and f["row"] == row), {}).items(), document["findings"]
    assert any(p["code"] == code for p in document["problems"])
    assert workbook.with_name(f"{WORKBOOK}.ledger.sqlite").read_bytes() == before


def test_sound_then_every_finding_on_both_backends(sample_master, ledger):
    """The same days on SQLite and PostgreSQL: sound, then each damage of `FINDINGS` named."""
    _lived(sample_master, ledger)
    assert check_ledger(ledger, sample_master.settings).problems == []
    expected = []
    with ledger.engine.begin() as conn:
        for damage in FINDINGS.values():
            statements, code, table, row = damage(lambda sql: list(conn.exec_driver_sql(sql)))
            for statement in statements:
                conn.exec_driver_sql(statement)
            expected.append((code, table, row))
    found = {(f.code, f.table, f.row) for f in check_ledger(ledger, sample_master.settings).findings}
    assert [x for x in expected if x not in found] == []


def test_a_series_begun_elsewhere_has_no_hole_below_its_first_number(desk, tmp_path, sample_master):
    """The first invoice of the year gone is a hole; the same ledger of a desk whose *Numeri prima
    del toolkit* say FT 1/2026 was issued with another program has none: its series starts at 2.
    (Its order, invoiced at the order, is then named too: its value to ship counts again.)"""
    import dataclasses

    workbook = copied_desk(desk, tmp_path)
    with sqlite3.connect(workbook.with_name(f"{WORKBOOK}.ledger.sqlite")) as conn:
        for table in ("invoice_dues", "invoice_lines"):
            conn.execute(f"DELETE FROM {table} WHERE invoice_id = (SELECT id FROM invoices WHERE series = 'FT' "
                         "AND year = 2026 AND number = 1)")
        conn.execute("DELETE FROM invoices WHERE series = 'FT' AND year = 2026 AND number = 1")
    conn.close()
    ledger = open_ledger(default_url(workbook))
    def holes(settings) -> list[tuple[str, str]]:
        return [(f.table, f.row) for f in check_ledger(ledger, settings).findings if f.code == "ledger-number-missing"]

    assert holes(sample_master.settings) == [("invoices", "FT-2026-00001")]
    assert holes(dataclasses.replace(sample_master.settings, numbers_before=(("FT", 2026, 1),))) == []
    ledger.engine.dispose()


def test_a_ledger_lived_lawfully_is_sound_on_both_backends(sample_master, ledger):
    """What the desk does lawfully leaves nothing to find: orders created days ahead, a DDT
    voided (it keeps its number), a draft run undone (it gives its numbers back) and run again,
    a credit note and a debit note on an invoice of the run."""
    from toolkit.services.credit_notes import credit
    from toolkit.services.ddt_void import void_ddt
    from toolkit.services.debit_notes import debit
    from toolkit.services.invoicing import undo

    notes = []
    for day in DAYS:
        create(sample_master, ledger, day, lang="it")
        notes += ship(sample_master, ledger, day, all_open=True, lang="it").notes
    create(sample_master, ledger, date(2026, 4, 20), lang="it")
    assert void_ddt(sample_master, ledger, notes[1].number, "Errato").voided
    draft = run(ledger, sample_master, Request(APRIL, today=date(2026, 4, 30)), lang="it")
    assert draft.run_id is not None and undo(ledger, draft.run_id)[0] == len(draft.invoices) > 0
    done = run(ledger, sample_master, Request(APRIL, today=date(2026, 4, 30)), lang="it")
    assert done.run_id is not None
    finalize(ledger, done.run_id, sample_master)
    invoice = done.invoices[0].number
    credit(ledger, sample_master, invoice, ((1, None),), "Merce difettosa", date(2026, 5, 5), date(2026, 5, 5), lang="it")
    debit(ledger, sample_master, invoice, Decimal(100), None, "Trasporto", date(2026, 5, 5), date(2026, 5, 5), lang="it")
    assert [(f.code, f.table, f.row) for f in check_ledger(ledger, sample_master.settings).findings] == []


KEPT_DAMAGE = ("reserved", "shipped_by_day", "order_lines.shipped", "unshipped", "uninvoiced")

KEPT_TABLES = ("SELECT item, place_year, place_series, place_number, order_id, quantity FROM reserved ORDER BY 1, 2, 3, 4, 5",
               "SELECT item, delivery_date, quantity FROM shipped_by_day ORDER BY 1, 2",
               "SELECT id, shipped FROM order_lines ORDER BY id",
               "SELECT id, unshipped_euros, unshipped_micros FROM orders ORDER BY id",
               "SELECT id, uninvoiced_euros, uninvoiced_micros FROM deliveries ORDER BY id")


def test_repair_sums_the_kept_figures_again_and_leaves_a_document_on_both_backends(sample_master, ledger):
    """Each kept figure damaged, and an invoice's total: `--repair` puts every kept figure back
    as the days left it (each row told, before and after), logs it, and leaves the total, still
    found; the ledger then checks sound but for it."""
    from toolkit.services.ledger_check import repair_ledger

    _lived(sample_master, ledger)
    with ledger.engine.connect() as conn:
        kept = [list(conn.exec_driver_sql(sql)) for sql in KEPT_TABLES]
    expected = []
    with ledger.engine.begin() as conn:
        for damage in [*(FINDINGS[name] for name in KEPT_DAMAGE), _total]:
            statements, code, table, row = damage(lambda sql: list(conn.exec_driver_sql(sql)))
            for statement in statements:
                conn.exec_driver_sql(statement)
            expected.append((code, table, row))
    done = repair_ledger(ledger, sample_master.settings)
    repaired = {(f.table, f.row) for f in done.repaired}
    assert [(table, row) for _, table, row in expected[:-1] if (table, row) not in repaired] == []
    assert {p.code for p in done.told} == {"ledger-figure-repaired"}
    assert [(f.code, f.table, f.row) for f in done.checked.findings] == [expected[-1]]
    with ledger.engine.connect() as conn:
        assert [list(conn.exec_driver_sql(sql)) for sql in KEPT_TABLES] == kept
        [(detail,)] = conn.exec_driver_sql("SELECT detail FROM events WHERE action = 'repaired'").fetchall()
    assert "order_lines.shipped: 1" in detail
    assert [(f.code, f.row) for f in check_ledger(ledger, sample_master.settings).findings] == [expected[-1][::2]]
    assert repair_ledger(ledger, sample_master.settings).repaired == []


def test_ledger_check_repair_tells_each_row_and_what_is_left(desk, tmp_path, capsys):
    """From the command: the line's shipped worked out again and told (JSON `repaired`), the
    number missing left as a finding, exit 1; checked again, only the number is found."""
    workbook = copied_desk(desk, tmp_path)
    _, table, row = _damaged(workbook, _line_shipped)
    _damaged(workbook, _number_missing)
    code, document = checked(workbook, capsys, "--repair")
    assert code == 1
    assert (table, row) in {(f["table"], f["row"]) for f in document["repaired"]}
    assert {f["code"] for f in document["findings"]} == {"ledger-number-missing"}
    assert any(p["code"] == "ledger-figure-repaired" and row in p["message"] for p in document["problems"])
    code, document = checked(workbook, capsys)
    assert (code, {f["code"] for f in document["findings"]}, document["repaired"]) == (1, {"ledger-number-missing"}, [])


def test_repair_refused_on_a_ledger_with_rows_without_their_document(desk, tmp_path, capsys):
    workbook = copied_desk(desk, tmp_path)
    _damaged(workbook, _line_shipped)
    _damaged(workbook, _orphaned)
    before = workbook.with_name(f"{WORKBOOK}.ledger.sqlite").read_bytes()
    code, document = checked(workbook, capsys, "--repair")
    assert code == 1 and document["repaired"] == []
    assert any(p["code"] == "ledger-repair-refused" for p in document["problems"])
    assert workbook.with_name(f"{WORKBOOK}.ledger.sqlite").read_bytes() == before


def test_repair_tells_the_first_rows_of_a_figure_and_counts_the_rest(desk, tmp_path, capsys):
    workbook = copied_desk(desk, tmp_path)
    with sqlite3.connect(workbook.with_name(f"{WORKBOOK}.ledger.sqlite")) as conn:
        wrong = conn.execute("UPDATE order_lines SET shipped = 0 WHERE shipped <> 0").rowcount
    conn.close()
    assert wrong > 20
    code, document = checked(workbook, capsys, "--repair")
    assert (code, document["sound"], document["findings"]) == (0, True, [])
    lines = [f["row"] for f in document["repaired"] if f["table"] == "order_lines"]
    assert len(lines) == 21 and lines[-1] == f"{wrong - 20} more"
    assert any(p["code"] == "ledger-figures-repaired-more" and f"{wrong} in all" in p["message"]
               for p in document["problems"])


def test_a_series_a_colleague_began_elsewhere_has_no_hole_in_the_team_ledger(sample_master, ledger_url):
    """A team's ledger: the colleague's workbook says FT 120/2026 was issued with another program,
    so the ledger's FT numbers begin at 121. The desk checking it, whose own *Numeri prima del
    toolkit* say nothing of FT, finds no hole below 121: the ledger remembers where the series began."""
    colleague = open_ledger(ledger_url, numbers_before=(("FT", 2026, 120),))
    _lived(sample_master, colleague)
    colleague.engine.dispose()
    desk = open_ledger(ledger_url)
    with desk.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT MIN(number) FROM invoices WHERE series = 'FT'").scalar() == 121
    assert [(f.code, f.row) for f in check_ledger(desk, sample_master.settings).findings] == []
    with desk.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM events WHERE action = 'numbered-before'")
    [hole] = check_ledger(desk, sample_master.settings).problems
    assert "scrivi nel foglio Impostazioni, in «Numeri prima del toolkit», FT 120/2026" in hole.message("it")
    desk.engine.dispose()


def test_an_older_ledger_is_said_upgraded_before_the_check(desk, tmp_path, capsys):
    """A backup an older toolkit left, checked: opening it upgrades it, as any command does, so the
    file is changed; the check says so first (a warning, its versions in the JSON too), then
    checks the upgraded ledger. Checked again, it was not upgraded."""
    workbook = copied_desk(desk, tmp_path)
    ledger = open_ledger(default_url(workbook))
    back_to(ledger, SCHEMA_VERSION - 1)
    ledger.engine.dispose()
    code, document = checked(workbook, capsys)
    assert (code, document["sound"], document["findings"], document["upgraded_from"]) == (
        0, True, [], SCHEMA_VERSION - 1)
    first = document["problems"][0]
    assert (first["code"], first["severity"]) == ("ledger-upgraded-before-check", "warning")
    assert f"The ledger was upgraded from schema {SCHEMA_VERSION - 1} to {SCHEMA_VERSION} before the check" in (
        first["message"])
    code, document = checked(workbook, capsys)
    assert (code, document["upgraded_from"], document["problems"]) == (0, None, [])


def test_an_older_ledger_checked_says_so_on_its_first_line(desk, tmp_path, capsys):
    workbook = copied_desk(desk, tmp_path)
    ledger = open_ledger(default_url(workbook))
    back_to(ledger, SCHEMA_VERSION - 2)
    ledger.engine.dispose()
    app._register()
    capsys.readouterr()
    assert app.run(["ledger", "check", str(workbook), "--lang", "it"]) == 0
    said = capsys.readouterr()
    lines = [line for line in (said.out + said.err).splitlines() if line.strip()]
    assert f"Registro aggiornato dalla versione {SCHEMA_VERSION - 2} alla {SCHEMA_VERSION} prima del controllo" in (
        lines[0]), lines
    assert "è in ordine" in lines[-1]


def test_the_version_a_ledger_was_upgraded_from_is_known_on_both_backends(ledger_url):
    made = open_ledger(ledger_url)
    assert made.upgraded_from is None
    with writing(made):  # a SQLite ledger is made by its first write (a PostgreSQL one when opened)
        pass
    back_to(made, SCHEMA_VERSION - 1)
    made.engine.dispose()
    again = open_ledger(ledger_url)
    assert again.upgraded_from == SCHEMA_VERSION - 1
    again.engine.dispose()
    third = open_ledger(ledger_url)
    assert third.upgraded_from is None
    third.engine.dispose()


def test_of_two_opening_an_older_ledger_at_once_only_the_one_that_upgraded_says_so(ledger_url, monkeypatch):
    """Two processes find the ledger older, unlocked; the first to take the lock upgrades it. The
    second finds it upgraded under the lock: it changed nothing, so it says nothing (None), on both
    backends; the first says the version it upgraded from."""
    import toolkit.ledger.db as db

    made = open_ledger(ledger_url)
    with writing(made):
        pass
    back_to(made, SCHEMA_VERSION - 1)
    made.engine.dispose()
    locked, first = db._locked, []

    @contextmanager
    def colleague_first(ledger):
        if not first:  # the colleague's toolkit takes the lock between our read and ours
            monkeypatch.setattr(db, "_locked", locked)
            first.append(open_ledger(ledger_url))
            monkeypatch.setattr(db, "_locked", colleague_first)
        with locked(ledger) as conn:
            yield conn

    monkeypatch.setattr(db, "_locked", colleague_first)
    second = open_ledger(ledger_url)
    assert ([x.upgraded_from for x in first], second.upgraded_from) == ([SCHEMA_VERSION - 1], None)
    for x in (*first, second):
        x.engine.dispose()


RESERVING_LINE = (
    "SELECT l.id, o.id, o.number, l.item FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN reserved r "
    "ON r.order_id = o.id AND r.item = l.item WHERE o.status IN ('open', 'in-progress') AND l.unit_price <> 0 "
    "AND o.unshipped_euros + o.unshipped_micros <> 0 AND l.quantity > l.shipped + 1000 ORDER BY l.id")
"""An open order's priced line with a reservation and a value still to ship, more than 1 left."""


def test_a_wrong_line_shipped_is_one_finding_naming_what_it_takes_along(desk, tmp_path, capsys):
    """A line's shipped edited by hand: its order's reservation of the item and its value still to
    ship, summed from what the line has left, no longer agree with it either, yet it is one
    problem: one finding, the line's, naming both (JSON `follows`); `--repair` mends the line and
    so all three, telling only the line rewritten."""
    workbook = copied_desk(desk, tmp_path)
    with sqlite3.connect(workbook.with_name(f"{WORKBOOK}.ledger.sqlite")) as conn:
        line, _, number, item = conn.execute(RESERVING_LINE).fetchone()
        conn.execute(f"UPDATE order_lines SET shipped = shipped + 1000 WHERE id = {line}")
    conn.close()
    order = f"OC-2026-{number:05d}"
    code, document = checked(workbook, capsys)
    assert code == 1
    [finding] = document["findings"]
    assert (finding["code"], finding["table"], finding["row"]) == ("ledger-line-shipped-wrong", "order_lines", f"id {line}")
    assert sorted((x["code"], x["row"]) for x in finding["follows"]) == [
        ("ledger-reserved-wrong", f"item {item}, order {order}"), ("ledger-unshipped-wrong", order)]
    [problem] = [p for p in document["problems"] if p["severity"] == "error"]
    assert order in problem["message"] and "one problem" in problem["message"]
    code, document = checked(workbook, capsys, "--repair")
    assert (code, document["sound"]) == (0, True)
    assert [(f["table"], f["row"]) for f in document["repaired"]] == [("order_lines", f"id {line}")]


def test_a_line_shipped_edited_to_all_it_ordered_is_still_one_finding(desk, tmp_path, capsys):
    """A line's shipped edited up to its whole quantity: it has nothing left, so its reservation
    loses the line outright (a reservation sums only what is left above zero), yet the line
    accounts for it: one finding, the reservation and the value in its `follows`."""
    workbook = copied_desk(desk, tmp_path)
    with sqlite3.connect(workbook.with_name(f"{WORKBOOK}.ledger.sqlite")) as conn:
        line = conn.execute(RESERVING_LINE).fetchone()[0]
        conn.execute(f"UPDATE order_lines SET shipped = quantity + 1000 WHERE id = {line}")
    conn.close()
    code, document = checked(workbook, capsys)
    assert code == 1
    [finding] = document["findings"]
    assert (finding["code"], finding["row"]) == ("ledger-line-shipped-wrong", f"id {line}")
    assert sorted(x["code"] for x in finding["follows"]) == ["ledger-reserved-wrong", "ledger-unshipped-wrong"]


@pytest.mark.parametrize("second", [
    ("UPDATE reserved SET quantity = quantity + 7000 WHERE order_id = {order} AND item = '{item}'", "reserved"),
    ("UPDATE orders SET unshipped_euros = unshipped_euros + 3 WHERE id = {order}", "unshipped")])
def test_a_second_damage_beside_a_wrong_line_shipped_is_counted_apart(second, desk, tmp_path, capsys):
    """A line's shipped edited by hand, and its order's reservation or value edited too, by what the
    line does not explain: two damages, two findings (exit 1, the count 2), the second never
    folded into the line's `follows`. Folded is only what the line's difference accounts for."""
    workbook = copied_desk(desk, tmp_path)
    with sqlite3.connect(workbook.with_name(f"{WORKBOOK}.ledger.sqlite")) as conn:
        line, order, _, item = conn.execute(RESERVING_LINE).fetchone()
        conn.execute(f"UPDATE order_lines SET shipped = shipped + 1000 WHERE id = {line}")
        statement, figure = second
        assert conn.execute(statement.format(order=order, item=item)).rowcount == 1
    conn.close()
    code, document = checked(workbook, capsys)
    assert code == 1
    assert sorted(f["code"] for f in document["findings"]) == ["ledger-line-shipped-wrong", f"ledger-{figure}-wrong"]
    [told] = [f for f in document["findings"] if f["code"] == "ledger-line-shipped-wrong"]
    assert f"ledger-{figure}-wrong" not in {x["code"] for x in told["follows"]}
    assert len([p for p in document["problems"] if p["severity"] == "error"]) == 2
    code, document = checked(workbook, capsys, "--repair")
    assert (code, document["sound"]) == (0, True)


@pytest.mark.parametrize("damage", [_hold, _hold_item])
def test_repair_forgets_a_wrong_hold_and_the_next_day_plans_its_order_again(damage, desk, tmp_path, capsys,
                                                                            sample_master):
    """A hold kept unlike its order (another customer), or an item row its hold does not name:
    `--repair` takes the hold away as a day takes away a hold that wakes (`ledger-hold-forgotten`),
    the ledger is sound, and the next `ship --all` plans the order again: held again, rightly, or
    shipped; the ledger stays sound."""
    workbook = copied_desk(desk, tmp_path)
    _, _, row = _damaged(workbook, damage)
    number = row.rsplit(" ", 1)[-1]
    code, document = checked(workbook, capsys, "--repair")
    assert (code, document["sound"], document["findings"]) == (0, True, [])
    assert [(p["code"], number in p["message"]) for p in document["problems"]] == [("ledger-hold-forgotten", True)]
    file = workbook.with_name(f"{WORKBOOK}.ledger.sqlite")
    with sqlite3.connect(file) as conn:
        assert conn.execute("SELECT count(*) FROM holds h JOIN orders o ON o.id = h.order_id "
                            f"WHERE o.number = {int(number[-5:])}").fetchone() == (0,)
        [(detail,)] = conn.execute("SELECT detail FROM events WHERE action = 'repaired'").fetchall()
    conn.close()
    assert detail == "holds: 1"
    ledger = open_ledger(default_url(workbook))
    done = ship(sample_master, ledger, date(2026, 4, 10), all_open=True, lang="it")
    assert number in {x.order for x in done.held} | {o for note in done.notes for o in note.orders}
    assert check_ledger(ledger, sample_master.settings).findings == []
    ledger.engine.dispose()


def test_repair_forgets_the_wrong_holds_on_both_backends(sample_master, ledger):
    from toolkit.services.ledger_check import repair_ledger

    _lived(sample_master, ledger)
    with ledger.engine.begin() as conn:
        for damage in (_hold, _hold_item):
            statements, _, _, _ = damage(lambda sql: list(conn.exec_driver_sql(sql)))
            for statement in statements:
                conn.exec_driver_sql(statement)
    done = repair_ledger(ledger, sample_master.settings)
    assert {(p.code) for p in done.told} == {"ledger-hold-forgotten"} and len(done.repaired) == 2
    assert done.checked.findings == []


@pytest.mark.parametrize("damage", [_vat, _vat_of_rates, _vat_kept_apart])
def test_a_vat_unlike_the_lines_is_one_finding_which_repair_leaves(damage, desk, tmp_path, capsys):
    """A document's VAT that is not its lines' is found alone (its total adds up), named with its
    number and rate, what is kept and what the lines give; `--repair` rewrites no document."""
    workbook = copied_desk(desk, tmp_path)
    code, table, row = _damaged(workbook, damage)
    exit_code, document = checked(workbook, capsys)
    assert exit_code == 1
    [finding] = document["findings"]
    assert (finding["code"], finding["table"], finding["row"]) == (code, table, row)
    assert Decimal(finding["ledger"]) - Decimal(finding["documents"]) in {Decimal("0.01"), Decimal("-0.03"),
                                                                          Decimal("0.05")}
    [problem] = document["problems"]
    assert row.split()[0] in problem["message"] and "--repair leaves it" in problem["message"]
    before = workbook.with_name(f"{WORKBOOK}.ledger.sqlite").read_bytes()
    exit_code, document = checked(workbook, capsys, "--repair")
    assert (exit_code, [f["row"] for f in document["findings"]], document["repaired"]) == (1, [row], [])
    assert workbook.with_name(f"{WORKBOOK}.ledger.sqlite").read_bytes() == before


def test_a_rates_vat_in_the_statement_rounds_as_the_invoices_do_on_both_backends(ledger):
    """The VAT per rate `ledger-invoice-vat-differs` recomputes in SQL is the invoices' own rule
    (`toolkit.basics.money.cents` of taxable × rate / 100, half-up, away from zero for a note's
    negative amounts): at every half cent and beside it, at 22, 10, 5 and 4 %."""
    from sqlalchemy import literal, select

    from toolkit.basics.money import cents
    from toolkit.ledger import document_totals

    with writing(ledger):
        pass
    taxables = [n * sign for n in (1, 2, 25, 26, 75, 227, 2273, 123457) for sign in (1, -1)]
    rates = (Decimal(22), Decimal(10), Decimal(5), Decimal(4))
    pairs = [(t, r) for t in taxables for r in rates]
    with ledger.engine.connect() as conn:
        got = [conn.execute(select(document_totals._vat(literal(t), literal(int(r * 100))))).scalar_one()
               for t, r in pairs]
    expected = [int(cents(Decimal(t).scaleb(-2) * r / 100).scaleb(2)) for t, r in pairs]
    assert got == expected
