"""Stock is the count plus what moved after it was taken, whatever the documents' dates (SQLite;
PostgreSQL too with TOOLKIT_TEST_PG_URL).

Found: 20 × A001 counted on 10 April; a DDT dated 9 April, stored on 11 April (a `ship` run
late for the 9th), drew 12 from the count, and stock still read 20, as it took off only DDTs
dated from the count's day on; a DDT of 13 April then shipped 12 more, 24 out of the 20
counted. A DDT is taken off the count when it is dated from the count's day on or stored from
that day on (Rome's); only one dated and stored before it had left the shelf when counted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import minimal
import pytest
from test_shipping import shipping_sheets

from toolkit.intake.validation import check
from toolkit.ledger import deliveries
from toolkit.ledger.db import reading
from toolkit.ledger.deliveries import available_stock
from toolkit.ledger.orders import load_orders
from toolkit.services.ddt_void import void_ddt
from toolkit.services.orders import create
from toolkit.services.shipping import ship

D = Decimal
NINTH, COUNTED, THIRTEENTH = date(2026, 4, 9), date(2026, 4, 10), date(2026, 4, 13)
"""A Thursday and a Monday, T001's days: 12 × A001 each."""


def desk(stock_date: date | None):
    """C001 orders 12 × A001 every Monday and Thursday, shipped as available; 20 × A001 on the
    stock sheet, counted on `stock_date`."""
    sheets = shipping_sheets(stock={"A001": 20, "A002": 1000, "A003": 1000})
    sheets["Righe modello"][1][2] = 12
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    return master.model_copy(update={"settings": replace(master.settings, stock_date=stock_date)})


@pytest.fixture
def at(monkeypatch, rome_today):
    """Run as on a day: Rome's today, and the time DDTs are stored (8 in the morning, UTC)."""

    def on(day: date) -> None:
        rome_today(day)
        monkeypatch.setattr(deliveries, "now", lambda: datetime(day.year, day.month, day.day, 8))

    return on


def a001(ledger, master) -> Decimal:
    with reading(ledger) as conn:
        stock = available_stock(conn, master)
    assert stock is not None
    return stock["A001"]


def shipped_a001(done) -> list[tuple[date, Decimal]]:
    return [(note.day, line.quantity) for note in done.notes for line in note.lines if line.item == "A001"]


def test_a_ddt_dated_before_the_count_but_stored_after_it_is_taken_off_the_count(ledger, at):
    counted = desk(COUNTED)
    at(date(2026, 4, 11))
    assert create(counted, ledger, NINTH, with_catch_up=False, lang="it").created
    done = ship(counted, ledger, NINTH, all_open=True, lang="it")
    assert shipped_a001(done) == [(NINTH, D(12))]
    assert a001(ledger, counted) == D(8), "the 12 left the shelf after the count"
    [told] = [p for p in done.problems if p.code == "stock-ddt-before-count"]
    assert (told.severity, told.location) == ("warning", counted.locate_setting("stock_date"))
    assert told.message("it") == (
        "Data giacenze è il 10/04/2026: 2 DDT appena registrati sono datati prima della conta (DDT-2026-00001, "
        "DDT-2026-00002), e la merce è tolta dalle giacenze contate (A001 12, A002 30), come uscita con i DDT dopo "
        "la conta. Se invece era già uscita quando hai contato (un DDT registrato in ritardo), la "
        "conta la esclude già: aggiungi in Giacenze quelle quantità, così non sono tolte due volte.")
    assert told.message("en").startswith("Stock date is 10/04/2026: 2 DDTs just stored are dated before the count "
                                          "(DDT-2026-00001, DDT-2026-00002), and the goods are taken off the counted "
                                          "stock (A001 12, A002 30), as having left with the DDTs after the count.")

    at(THIRTEENTH)
    assert create(counted, ledger, THIRTEENTH, with_catch_up=False, lang="it").created
    done = ship(counted, ledger, THIRTEENTH, all_open=True, lang="it")
    assert shipped_a001(done) == [(THIRTEENTH, D(8))], "20 counted, 12 gone: 8 left, not 12"
    assert a001(ledger, counted) == D(0)
    assert "stock-ddt-before-count" not in [p.code for p in done.problems]


def test_a_ddt_dated_and_stored_before_the_count_had_left_the_shelf_when_counted(ledger, at):
    at(NINTH)
    assert create(desk(None), ledger, NINTH, with_catch_up=False, lang="it").created
    assert shipped_a001(ship(desk(None), ledger, NINTH, all_open=True, lang="it")) == [(NINTH, D(12))]
    counted = desk(COUNTED)
    at(THIRTEENTH)
    assert a001(ledger, counted) == D(20), "the count leaves out what left the day before"
    assert create(counted, ledger, THIRTEENTH, with_catch_up=False, lang="it").created
    done = ship(counted, ledger, THIRTEENTH, all_open=True, lang="it")
    assert shipped_a001(done) == [(THIRTEENTH, D(12))]
    assert a001(ledger, counted) == D(8)


def test_a_ddt_stored_after_the_count_and_voided_goes_back_to_the_count(ledger, at):
    """Voided, its goods never left: the count holds them again."""
    counted = desk(COUNTED)
    at(date(2026, 4, 11))
    assert create(counted, ledger, NINTH, with_catch_up=False, lang="it").created
    ship(counted, ledger, NINTH, all_open=True, lang="it")
    assert a001(ledger, counted) == D(8)
    void_ddt(counted, ledger, "DDT-2026-00001", "camion non partito")
    assert a001(ledger, counted) == D(20)


def test_a_ddt_stored_before_the_count_and_voided_after_it_leaves_the_count_as_it_is(ledger, at):
    """The truck never left, so the goods were on the shelf when counted: the count holds them
    already, and voiding adds nothing."""
    at(NINTH)
    assert create(desk(None), ledger, NINTH, with_catch_up=False, lang="it").created
    ship(desk(None), ledger, NINTH, all_open=True, lang="it")
    counted = desk(COUNTED)
    at(date(2026, 4, 11))
    void_ddt(counted, ledger, "DDT-2026-00001", "camion non partito")
    assert a001(ledger, counted) == D(20)


def test_a_count_date_corrected_reads_the_ddts_again_by_the_new_date(ledger, at):
    """A DDT of 9 April stored that day: off a count dated the 8th or the 9th (the count's day),
    left out of one dated the 10th; the figures follow the date the sheet says now."""
    at(NINTH)
    assert create(desk(None), ledger, NINTH, with_catch_up=False, lang="it").created
    ship(desk(None), ledger, NINTH, all_open=True, lang="it")
    at(THIRTEENTH)
    assert [a001(ledger, desk(day)) for day in (date(2026, 4, 8), NINTH, COUNTED)] == [D(8), D(8), D(20)]


@pytest.mark.parametrize(("stored", "added"), [(date(2026, 4, 22), False), (date(2026, 4, 24), True)])
def test_a_return_dated_before_the_count_adds_to_it_only_when_stored_after_it(
        sample_master, ledger, at, stored, added):
    """Goods back on a return recorded after the count were not on the shelf when counted, and
    are added to it; recorded before, the count holds them already."""
    at(stored)
    create(sample_master, ledger, date(2026, 4, 22), only=["T029"], with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        [returned] = [o.number for o in load_orders(conn) if o.template == "T029"]
    [back] = ship(sample_master, ledger, date(2026, 4, 22), numbers=[returned], lang="it").ddts
    [line] = back.lines
    assert line.quantity < 0
    counted = sample_master.model_copy(update={"settings": replace(sample_master.settings,
                                                                   stock_date=date(2026, 4, 23))})
    on_sheet = {level.item: level.quantity for level in counted.stock or ()}.get(line.item, D(0))
    at(date(2026, 4, 24))
    with reading(ledger) as conn:
        stock = available_stock(conn, counted)
    assert stock is not None
    assert stock[line.item] == (on_sheet - line.quantity if added else on_sheet)


def test_orders_create_storing_ddts_dated_before_the_count_warns_at_data_giacenze(ledger, at):
    """`orders create` stores DDTs too: a warehouse order's, issued at once, and the held DDTs of
    orders made ahead, issued on the first run of their day or after it (Easter's, on Tuesday).
    Those dated before the count are taken off it as `ship`'s are, and the desk is told the same."""
    sheets = shipping_sheets(stock={"A001": 20, "A002": 1000, "A003": 1000})
    sheets["Righe modello"][1][2] = 12
    sheets["Modelli ordine"][1][12] = "magazzino"
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    counted = master.model_copy(update={"settings": replace(master.settings, stock_date=COUNTED)})
    at(date(2026, 4, 11))
    done = create(counted, ledger, NINTH, with_catch_up=False, lang="it")
    assert shipped_a001(done) == [(NINTH, D(12))]
    assert a001(ledger, counted) == D(8)
    [told] = [p for p in done.problems if p.code == "stock-ddt-before-count"]
    assert (told.severity, told.location) == ("warning", counted.locate_setting("stock_date"))
    assert told.message("it").startswith(
        "Data giacenze è il 10/04/2026: 1 DDT appena registrato è datato prima della conta (DDT-2026-00001), e la "
        "merce è tolta dalle giacenze contate (A001 12, A002 24), come uscita con il DDT dopo la conta.")
    assert told in done.of_documents, "the Excel button's box lists it too"


def test_the_ddts_stored_after_a_count_are_found_among_those_stored_late(ledger, at):
    """The DDTs dated before a count are a year's history at a desk counting once a month; those
    stored after it are found among the DDTs stored after their own day (schema 39), by the index
    the database itself says it reads, not by walking that history."""
    from sqlalchemy import select

    from toolkit.ledger import schema
    from toolkit.ledger.shipped_by_day import back_dated, count_taken

    counted = desk(COUNTED)
    for day, stored in ((NINTH, date(2026, 4, 11)), (THIRTEENTH, THIRTEENTH)):
        at(stored)
        assert create(counted, ledger, day, with_catch_up=False, lang="it").created
        assert ship(counted, ledger, day, all_open=True, lang="it").notes
    d = schema.deliveries.c
    with reading(ledger) as conn:
        marks = dict(conn.execute(select(d.delivery_date, d.stored_late)).all())
        sql = str(back_dated(COUNTED, count_taken(COUNTED)).compile(conn, compile_kwargs={"literal_binds": True}))
        sqlite = conn.dialect.name == "sqlite"
        if not sqlite:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql))
    assert marks == {NINTH: 1, THIRTEENTH: 0}
    assert "ix_deliveries_stored_late" in plan, plan


def test_a_ledger_before_schema_39_marks_the_ddts_it_stored_late(tmp_path, at):
    """Migrated, a ledger's DDT of 9 April stored on the 11th is marked stored late, and the stock
    counted on the 10th takes it off as before."""
    from older_ledgers import older_ledger
    from sqlalchemy import select

    from toolkit.ledger import open_ledger, schema
    from toolkit.ledger.db import migrate

    counted = desk(COUNTED)
    at(date(2026, 4, 11))
    url = older_ledger(tmp_path, counted, 38, columns={"deliveries": ["stored_late"]}, shipped=True)
    ledger = open_ledger(url)
    d = schema.deliveries.c
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        assert set(conn.execute(select(d.delivery_date, d.stored_late)).all()) == {(NINTH, 1)}
    assert a001(ledger, counted) == 8


def late_ship_then_the_thirteenth(ledger, at):
    """Counted on 10 April, the DDTs of the 9th stored by a `ship` run on the 11th
    (DDT-2026-00001: 12 × A001), and the orders of the 13th made: the desk and the 13th's order of
    A001."""
    counted = desk(COUNTED)
    at(date(2026, 4, 11))
    assert create(counted, ledger, NINTH, with_catch_up=False, lang="it").created
    assert shipped_a001(ship(counted, ledger, NINTH, all_open=True, lang="it")) == [(NINTH, D(12))]
    at(THIRTEENTH)
    [made] = [r["number"] for r in create(counted, ledger, THIRTEENTH, with_catch_up=False, lang="it").created
              if r["template"] == "T001"]
    return counted, made


def panel_a001(ledger, master, tmp_path, number: str, told: list) -> tuple:
    """The panel's reserved and available cells of order `number`'s A001 line."""
    import openpyxl

    from toolkit.services.orders import panel

    rows = list(openpyxl.load_workbook(panel(master, ledger, tmp_path / "pannello.xlsx", "it", told=told))["Righe"]
                .iter_rows(values_only=True))
    head = rows[0]
    return next((r[head.index("Qtà prenotata")], r[head.index("Disponibile")]) for r in rows[1:]
                if (r[0], r[1]) == (number, "A001"))


def test_the_production_list_takes_a_ddt_stored_after_the_count_off_and_says_so(ledger, at, tmp_path):
    """The list makes what the stock after the count leaves uncovered, the stock shipping reads
    (8 of the 20 counted), and tells the desk at Data giacenze, as the run storing the DDT did."""
    import openpyxl

    from toolkit.services.lists import production

    counted, _ = late_ship_then_the_thirteenth(ledger, at)
    told: list = []
    sheet = openpyxl.load_workbook(production(counted, ledger, THIRTEENTH, THIRTEENTH, tmp_path / "p.xlsx", "it",
                                              told)).worksheets[0]
    [a001_row] = [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0] == "A001"]
    assert (a001_row[3], *a001_row[7:10]) == (12, 8, 8, 4), "12 asked, 8 in stock after the count, 4 to make"
    [warned] = [p for p in told if p.code == "stock-ddt-before-count"]
    assert (warned.severity, warned.location) == ("warning", counted.locate_setting("stock_date"))
    assert warned.message("it").startswith(
        "Data giacenze è il 10/04/2026: 2 DDT registrati dopo la conta sono datati prima della conta "
        "(DDT-2026-00001, DDT-2026-00002), e la merce è tolta dalle giacenze contate (A001 12, A002 30)")
    assert warned.message("en").startswith(
        "Stock date is 10/04/2026: 2 DDTs stored after the count are dated before the count "
        "(DDT-2026-00001, DDT-2026-00002), and the goods are taken off the counted stock (A001 12, A002 30)")


def test_the_panel_takes_a_ddt_stored_after_the_count_off_and_says_so(ledger, at, tmp_path):
    counted, made = late_ship_then_the_thirteenth(ledger, at)
    told: list = []
    assert panel_a001(ledger, counted, tmp_path, made, told) == (12, 8)
    assert [p.code for p in told] == ["stock-ddt-before-count"]
    assert told[0].location == counted.locate_setting("stock_date")


def test_services_rendered_before_the_count_are_no_ddt_taken_off_it(ledger, at, tmp_path):
    """A002 a service: the run on the 11th for the 9th stores C001's DDT of A001 and two records
    of services rendered (SERVIZI-…). They move no goods and A002 is on no stock sheet: the
    warning, of the run and of the panel, names the DDT and its goods alone."""
    from test_services_no_ddt import service_sheets

    master = check(minimal.workbook(service_sheets(stock={"A001": 100}))).master
    assert master is not None
    counted = master.model_copy(update={"settings": replace(master.settings, stock_date=COUNTED)})
    at(date(2026, 4, 11))
    assert create(counted, ledger, NINTH, with_catch_up=False, lang="it").created
    done = ship(counted, ledger, NINTH, all_open=True, lang="it")
    assert [n.number for n in done.rendered] == ["SERVIZI-2026-00001", "SERVIZI-2026-00002"]
    [warned] = [p for p in done.problems if p.code == "stock-ddt-before-count"]
    assert ("1 DDT appena registrato è datato prima della conta (DDT-2026-00001), e la merce è tolta dalle "
            "giacenze contate (A001 10)") in warned.message("it")
    at(THIRTEENTH)
    told: list = []
    from toolkit.services.orders import panel
    panel(counted, ledger, tmp_path / "pannello.xlsx", "it", told=told)
    [shown] = told
    assert ("1 DDT registrato dopo la conta è datato prima della conta (DDT-2026-00001), e la merce è tolta dalle "
            "giacenze contate (A001 10)") in shown.message("it")


def shown_and_shipped(ledger, master, day: date, tmp_path) -> tuple[tuple, tuple, list, list[Decimal]]:
    """What the desk reads of A001 for `day`'s orders, then what ships: the production list's
    row (asked, in stock, from stock, to make), the panel's cells of the day's T001 order
    (reserved, available), the codes both told, and the A001 `ship --all` of `day` ships."""
    import openpyxl

    from toolkit.services.lists import production

    told: list = []
    sheet = openpyxl.load_workbook(production(master, ledger, day, day, tmp_path / "p.xlsx", "it", told)).worksheets[0]
    [listed] = [(row[3], *row[7:10]) for row in sheet.iter_rows(min_row=5, values_only=True) if row[0] == "A001"]
    with reading(ledger) as conn:
        [number] = [o.number for o in load_orders(conn, occurrence_from=day, occurrence_to=day) if o.template == "T001"]
    available = panel_a001(ledger, master, tmp_path, number, told)
    shipped = shipped_a001(ship(master, ledger, day, all_open=True, lang="it"))
    return listed, available, [p.code for p in told], [q for _, q in shipped]


def test_a_count_on_a_holiday_shows_what_ships(ledger, at, tmp_path):
    """Counted on Easter Monday (6 April 2026, no DDT that day); Thursday 2 April's DDT stored
    on Tuesday the 7th came off the count, and the 9th's list, panel and shipping read 8 alike."""
    counted = desk(date(2026, 4, 6))
    at(date(2026, 4, 7))
    assert create(counted, ledger, date(2026, 4, 2), with_catch_up=False, lang="it").created
    assert shipped_a001(ship(counted, ledger, date(2026, 4, 2), all_open=True, lang="it")) == [(date(2026, 4, 2), D(12))]
    at(NINTH)
    assert create(counted, ledger, NINTH, with_catch_up=False, lang="it").created
    assert shown_and_shipped(ledger, counted, NINTH, tmp_path) == (
        (12, 8, 8, 4), (12, 8), ["stock-ddt-before-count", "stock-ddt-before-count"], [D(8)])


def test_a_back_dated_ddt_voided_after_the_count_is_neither_taken_off_nor_told(ledger, at, tmp_path):
    """DDT-2026-00001 (12 × A001 of the 9th, stored on the 11th) voided on the 13th: the count
    holds its goods again and its order ships them first; the list and panel show the 20 and
    name only DDT-2026-00002 (6 × A002), still in force."""
    counted, made = late_ship_then_the_thirteenth(ledger, at)
    void_ddt(counted, ledger, "DDT-2026-00001", "camion non partito")
    told: list = []
    assert panel_a001(ledger, counted, tmp_path, made, told) == (12, 8), "20 on hand, 12 for the 9th's order ahead"
    [warned] = told
    assert "1 DDT registrato dopo la conta è datato prima della conta (DDT-2026-00002)" in warned.message("it")
    assert "(A002 6)" in warned.message("it"), "DDT-2026-00001 carried the other 24"
    assert a001(ledger, counted) == D(20)
    done = ship(counted, ledger, THIRTEENTH, all_open=True, lang="it")
    assert sorted(shipped_a001(done)) == [(THIRTEENTH, D(8)), (THIRTEENTH, D(12))], "the 9th's 12 first, then 8"


def test_a_return_dated_before_the_count_and_stored_after_it_is_told_where_stock_is_shown(
        sample_master, ledger, at, tmp_path):
    """The return of 22 April stored on the 24th, counted on the 23rd: its goods are added to the
    count, and the panel says so, naming its DDT and the goods that came back. The warning said a
    return's goods were «tolta dalle giacenze contate (A056 -1)» and told the desk to add them
    on Giacenze if the count had seen them, where they are to be taken off."""
    from toolkit.services.orders import panel

    at(date(2026, 4, 24))
    create(sample_master, ledger, date(2026, 4, 22), only=["T029"], with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        [returned] = [o.number for o in load_orders(conn) if o.template == "T029"]
    [back] = ship(sample_master, ledger, date(2026, 4, 22), numbers=[returned], lang="it").ddts
    [line] = back.lines
    assert line.quantity == -1
    counted = sample_master.model_copy(update={"settings": replace(sample_master.settings,
                                                                   stock_date=date(2026, 4, 23))})
    told: list = []
    panel(counted, ledger, tmp_path / "pannello.xlsx", "it", told=told)
    [warned] = [p for p in told if p.code == "stock-ddt-before-count"]
    assert f"1 DDT registrato dopo la conta è datato prima della conta ({back.number})" in warned.message("it")
    assert warned.message("it") == (
        f"Data giacenze è il 23/04/2026: 1 DDT registrato dopo la conta è datato prima della conta ({back.number}), e "
        f"la merce resa è aggiunta alle giacenze contate ({line.item} 1), come rientrata con il DDT dopo la conta. Se "
        "invece era già rientrata quando hai contato (un DDT registrato in ritardo), la conta la comprende già: togli "
        "in Giacenze quelle quantità, così non sono aggiunte due volte.")
    assert warned.message("en").endswith(
        f"and the goods returned are added to the counted stock ({line.item} 1), as having come back with the DDT "
        "after the count. If they had already come back when you counted (a DDT recorded late), the count already "
        "holds them: take those quantities off Giacenze, so they are not added twice.")


def test_the_warning_names_the_first_ten_items_and_counts_the_rest():
    """A day's DDTs at M stored late moved 1,325 items: all named, the message was 13,227
    characters, and Excel's box shows 1,024. The rest are counted as items: «A010 10 e altri
    2» read as two more pieces of A010."""
    from toolkit.services.dated_before_count import Moved

    moved = Moved(tuple((f"A{n:03d}", D(n)) for n in range(1, 13)) + (("R001", D(-2)),), 3)
    assert moved.shown("it").startswith("e la merce è tolta dalle giacenze contate (A001 1, A002 2, A003 3, A004 4, "
                                        "A005 5, A006 6, A007 7, A008 8, A009 9, A010 10 e altri 2 articoli), come "
                                        "uscita dopo la conta, e quella resa è aggiunta (R001 2), come rientrata dopo "
                                        "la conta.")
    many = Moved(tuple((f"A{n:03d}", D(1)) for n in range(1, 25)), 3)
    assert "(A001 1, A002 1, A003 1, A004 1, A005 1, A006 1, A007 1, A008 1, A009 1, A010 1 and 14 more items)" \
        in many.shown("en")
    assert "A010 1 e altri 14 articoli)" in many.shown("it")
    assert "A010 1 e un altro articolo)" in Moved(tuple((f"A{n:03d}", D(1)) for n in range(1, 12)), 1).shown("it")
