"""Distribution list, complete list and production list: from the ledger's orders to workbooks and PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
import zlib
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import minimal
import openpyxl
import pytest
from test_shipping import shipping_master, shipping_sheets, write_book

from toolkit.basics.vocab import DocumentType
from toolkit.core.lists import ListRow, OrderList, Route, complete_list, distribution_list, production_list
from toolkit.core.orders import EFFECTS, OrderStatus
from toolkit.core.shipping import ChosenRow
from toolkit.intake.validation import check
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders, to_ship_by
from toolkit.services.orders import create
from toolkit.services.shipping import ship
from toolkit.writers.libreoffice import recalculated_values_of, soffice
from toolkit.writers.lists import write_order_list, write_production_list

DAY = date(2026, 4, 9)
D = Decimal


def orders_of(ledger):
    with reading(ledger) as conn:
        return load_orders(conn)


@pytest.fixture
def master():
    return shipping_master()


@pytest.fixture
def numbers(master, ledger):
    """T001: C001 10 × A001 + 24 × A002 (NORD, V01); T003: C002 6 × A002 (SUD, no carrier); T004: a quotation."""
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    return {o.template: o.number for o in orders_of(ledger)}


def shown(order_list):
    return [(r.order, r.item, r.ordered, r.shipped, r.remaining) for r in order_list.rows]


def test_distribution_list_loses_shipped_orders_and_shows_what_is_left(master, ledger, numbers):
    before = distribution_list(orders_of(ledger), master, DAY)
    assert [(r.area, r.carrier, r.customers) for r in before.routes] == [("NORD", "V01", ("C001",)), ("SUD", None, ("C002",))]
    assert shown(before) == [(numbers["T001"], "A001", D(10), D(0), D(10)), (numbers["T001"], "A002", D(24), D(0), D(24)),
                             (numbers["T003"], "A002", D(6), D(0), D(6))]

    ship(master, ledger, DAY, chosen=[ChosenRow(numbers["T001"], "A001", 7)], numbers=[numbers["T003"]], lang="it")
    after = distribution_list(orders_of(ledger), master, DAY)
    assert shown(after) == [(numbers["T001"], "A001", D(10), D(7), D(3)), (numbers["T001"], "A002", D(24), D(0), D(24))]
    assert [r.area for r in after.routes] == ["NORD"]


def test_the_lists_read_leaves_out_only_what_was_invoiced_and_the_parties_printed(master, ledger, numbers):
    """The lists read the orders without what was invoiced and the parties each printed
    (`services.lists.distribution`): every other field is the full read's."""
    ship(master, ledger, DAY, chosen=[ChosenRow(numbers["T001"], "A001", 7)], invoice=True, lang="it")
    with reading(ledger) as conn:
        full = load_orders(conn)
        listed = load_orders(conn, invoiced_too=False, printed_too=False)
    assert any(line.invoiced for order in full for line in order.lines)
    assert all(order.parties is not None for order in full)
    assert listed == [replace(order, parties=None, lines=tuple(replace(line, invoiced=D(0)) for line in order.lines))
                      for order in full]
    assert distribution_list(listed, master, DAY) == distribution_list(full, master, DAY)
    assert complete_list(listed, master, DAY, DAY) == complete_list(full, master, DAY, DAY)


def test_the_distribution_list_s_own_read_is_the_orders_to_ship_with_their_lines_still_to_ship(master, ledger, numbers):
    """The distribution list reads its own (`ledger.orders.to_ship_by`): the orders in progress
    that ship, due by the day, each with only its lines still to ship and what shipped of each
    as the line keeps it; every other field is the lists' read of the same orders, and the list
    made of it is the same. T001's A002 shipped whole leaves it, A001 part shipped stays with
    its 7 shipped; T003 shipped whole is completed; the quotation and the next day's order are
    not due or do not ship."""
    ship(master, ledger, DAY, chosen=[ChosenRow(numbers["T001"], "A001", 7), ChosenRow(numbers["T001"], "A002", 24)],
         numbers=[numbers["T003"]], invoice=True, lang="it")
    create(master, ledger, date(2026, 4, 13), with_catch_up=False, lang="it")
    own, read = own_and_full_read(ledger)
    assert [(o.number, [(x.item, x.quantity, x.shipped) for x in o.lines]) for o in own] == [
        (numbers["T001"], [("A001", D(10), D(7))])]
    assert own == [replace(o, lines=tuple(x for x in o.lines if x.to_ship)) for o in read
                   if EFFECTS[o.document_type].ships]
    assert len(read[0].lines) == 2
    assert distribution_list(own, master, DAY) == distribution_list(read, master, DAY)


def own_and_full_read(ledger):
    """The distribution list's own read of DAY (`to_ship_by`) and the lists' full read it replaced."""
    with reading(ledger) as conn:
        return to_ship_by(conn, DAY), load_orders(conn, statuses=[OrderStatus.IN_PROGRESS], occurrence_to=DAY,
                                                  invoiced_too=False, printed_too=False)


def test_the_own_read_gives_a_voided_ddt_s_lines_back_to_ship_and_leaves_a_voided_order_out(master, ledger, numbers):
    """The own read takes what shipped from the line (`order_lines.shipped`), not from the DDT
    lines: voiding T003's DDT gives its 6 back to the list, as the DDT lines' sum did, and
    T001 voided before shipping leaves it. The list is the lists' full read's, line for line."""
    from toolkit.services.ddt_void import void_ddt
    from toolkit.services.order_status import change_status

    [note] = ship(master, ledger, DAY, numbers=[numbers["T003"]], lang="it").notes
    assert void_ddt(master, ledger, note.number, "merce non partita").voided
    assert not change_status(ledger, numbers["T001"], OrderStatus.VOIDED).problems
    own, read = own_and_full_read(ledger)
    assert [(o.number, [(x.item, x.quantity, x.shipped) for x in o.lines]) for o in own] == [
        (numbers["T003"], [("A002", D(6), D(0))])]
    assert shown(distribution_list(own, master, DAY)) == shown(distribution_list(read, master, DAY)) == [
        (numbers["T003"], "A002", D(6), D(0), D(6))]

@pytest.mark.parametrize("made", ["distribution", "complete", "panel"])
def test_the_lists_and_the_panel_pause_the_collector_and_resume_it_after_ctrl_c(made, master, ledger, numbers, tmp_path,
                                                                                 monkeypatch):
    """The lists and the panel read the orders and make their rows with the cycle collector
    paused (`collector_paused`), and leave it running however they end: a Ctrl+C while the
    workbook is written too."""
    import gc

    from toolkit.services import lists
    from toolkit.services.orders import panel
    from toolkit.writers import lists as list_writer
    from toolkit.writers import orders_book

    seen = []

    def interrupted(*_args, **_kwargs):
        seen.append(gc.isenabled())
        raise KeyboardInterrupt

    monkeypatch.setattr(orders_book if made == "panel" else list_writer,
                        "write_panel" if made == "panel" else "write_order_list", interrupted)
    assert gc.isenabled()
    with pytest.raises(KeyboardInterrupt):
        if made == "panel":
            panel(master, ledger, tmp_path / "p.xlsx", "it")
        else:
            lists.distribution(master, ledger, DAY, DAY, tmp_path / "d.xlsx", "it", complete=made == "complete")
    assert seen == [False] and gc.isenabled()


def test_distribution_list_keeps_to_its_dates(master, ledger, numbers):
    create(master, ledger, date(2026, 4, 13), with_catch_up=False, lang="it")
    orders = orders_of(ledger)
    assert {r.order_date for r in distribution_list(orders, master, DAY).rows} == {DAY}
    assert {r.order_date for r in distribution_list(orders, master, DAY, date(2026, 4, 13)).rows} == {
        DAY, date(2026, 4, 13)}


def test_complete_list_shows_every_order_with_its_state(master, ledger, numbers):
    ship(master, ledger, DAY, chosen=[ChosenRow(numbers["T001"], "A001", 7)], numbers=[numbers["T003"]], lang="it")
    full = complete_list(orders_of(ledger), master, DAY)
    assert [(r.order, r.item, r.shipped, r.remaining, r.status, r.document_type) for r in full.rows] == [
        (numbers["T001"], "A001", D(7), D(3), OrderStatus.IN_PROGRESS, DocumentType.STANDARD),
        (numbers["T001"], "A002", D(0), D(24), OrderStatus.IN_PROGRESS, DocumentType.STANDARD),
        (numbers["T003"], "A002", D(6), D(0), OrderStatus.COMPLETED, DocumentType.STANDARD),
        (numbers["T004"], "A001", D(0), D(3), OrderStatus.DRAFT, DocumentType.QUOTATION),
    ]


def test_production_list_totals_per_item_with_its_orders(ledger, numbers):
    master = shipping_master(stock={"A001": 4, "A002": 100})
    made = production_list(orders_of(ledger), master, DAY)
    assert [(r.item, r.quantity, r.stock, r.from_stock, r.to_produce,
             [(s.order, s.customer, s.quantity) for s in r.sources]) for r in made.rows] == [
        ("A001", D(10), D(4), D(4), D(6), [(numbers["T001"], "C001", D(10))]),
        ("A002", D(30), D(100), D(30), D(0), [(numbers["T001"], "C001", D(24)), (numbers["T003"], "C002", D(6))]),
    ]
    without_stock = production_list(orders_of(ledger), shipping_master(), DAY)
    assert [(r.item, r.stock, r.from_stock, r.to_produce) for r in without_stock.rows] == [
        ("A001", None, None, D(10)), ("A002", None, None, D(30))]


def service_sheets(**options):
    """`shipping_sheets` with A002 a service (Articoli › Servizio: sì)."""
    sheets = shipping_sheets(**options)
    for row, service in zip(sheets["Articoli"], ("Servizio", "no", "sì", "no")):
        row.append(service)
    return sheets


def test_production_list_leaves_services_out(ledger):
    """Nothing is produced for a service: its lines are not on the production list."""
    master = check(minimal.workbook(service_sheets(stock={"A001": 4, "A002": 9999}))).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    assert [r.item for r in production_list(orders_of(ledger), master, DAY).rows] == ["A001"]


def test_distribution_list_leaves_services_out_of_the_load_and_its_totals(tmp_path, ledger):
    """The distribution list is what to load: a service moves nothing, so its lines are not on it
    nor in the route's totals; a customer with services only is not on it. The complete list,
    every order's state, still shows them."""
    master = check(minimal.workbook(service_sheets())).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    made = distribution_list(orders_of(ledger), master, DAY)
    assert [(r.customer, r.item) for r in made.rows] == [("C001", "A001")]
    assert [[(u.unit, u.remaining) for u in route.totals] for route in made.routes] == [[("pz", D(10))]]
    rows = values(openpyxl.load_workbook(write_order_list(tmp_path / "dist.xlsx", master, made)).active)
    assert [(r[2], r[3], r[7], r[12]) for r in rows] == [
        ("C001", "Bar Centrale S.n.c.", "A001", 10), (None, "Totale del giro", None, "=SUMIFS(M5:M5,$J5:$J5,$J6)")]
    assert "A002" in {r.item for r in complete_list(orders_of(ledger), master, DAY).rows}


def test_production_list_needs_only_what_is_left_to_ship(master, ledger, numbers):
    ship(master, ledger, DAY, chosen=[ChosenRow(numbers["T001"], "A001", 7)], numbers=[numbers["T003"]], lang="it")
    assert [(r.item, r.quantity) for r in production_list(orders_of(ledger), master, DAY).rows] == [
        ("A001", D(3)), ("A002", D(24))]


def values(sheet, first_row: int = 5) -> list[tuple]:
    return [row for row in sheet.iter_rows(min_row=first_row, values_only=True) if any(v is not None for v in row)]


def test_distribution_workbook_prints_by_route(tmp_path, master, ledger, numbers):
    path = write_order_list(tmp_path / "dist.xlsx", master, distribution_list(orders_of(ledger), master, DAY))
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Lista di distribuzione"
    assert sheet["A1"].value == "Lista di distribuzione – del 09/04/2026"
    assert [c.value for c in sheet[4]] == ["Zona", "Vettore", "Cliente", "Ragione sociale", "Indirizzo di consegna",
                                           "Ordine", "Data", "Articolo", "Descrizione", "UM", "Ordinata", "Spedita",
                                           "Da spedire"]
    rows = values(sheet)
    assert [(r[0], r[1], r[2], r[3], r[5], r[7], r[9], r[10], r[11], r[12]) for r in rows] == [
        ("NORD", "Trasporti Veloci S.r.l.", "C001", "Bar Centrale S.n.c.", numbers["T001"], "A001", "pz", 10, 0, 10),
        ("NORD", "Trasporti Veloci S.r.l.", "C001", "Bar Centrale S.n.c.", numbers["T001"], "A002", "pz", 24, 0, 24),
        ("NORD", "Trasporti Veloci S.r.l.", None, "Totale del giro", None, None, "pz",
         "=SUMIFS(K5:K6,$J5:$J6,$J7)", "=SUMIFS(L5:L6,$J5:$J6,$J7)", "=SUMIFS(M5:M6,$J5:$J6,$J7)"),
        ("SUD", "Mittente", "C002", "Mario Rossi", numbers["T003"], "A002", "pz", 6, 0, 6),
        ("SUD", "Mittente", None, "Totale del giro", None, None, "pz",
         "=SUMIFS(K8:K8,$J8:$J8,$J9)", "=SUMIFS(L8:L8,$J8:$J8,$J9)", "=SUMIFS(M8:M8,$J8:$J8,$J9)"),
    ]
    assert rows[0][4] == "Piazza Castello 1, Torino" and rows[0][6].date() == DAY
    assert [b.id for b in sheet.row_breaks.brk] == [7]  # zero-based: a new page above row 8, the SUD route
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:M9"
    assert sheet.print_title_rows == "$4:$4"
    assert (sheet.oddHeader.left.text, sheet.oddHeader.right.text) == (
        "Lista di distribuzione – del 09/04/2026", "Forniture Rossi S.r.l.")
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth or 1, int(setup.fitToHeight)) == (9, "landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_a_customer_taken_off_clienti_stays_on_the_distribution_list_by_its_code(tmp_path, master, ledger, numbers):
    """C002 left *Clienti* after its order was made: the production list makes its goods, so the
    van must load them; the list names it by code, as its DDT and the reprinted order do."""
    gone = master.model_copy(update={"customers": tuple(c for c in master.customers if c.code != "C002")})
    made = distribution_list(orders_of(ledger), gone, DAY)
    assert [(r.area, r.carrier, r.customers) for r in made.routes] == [("NORD", "V01", ("C001",)), (None, None, ("C002",))]
    assert {s.customer for r in production_list(orders_of(ledger), gone, DAY).rows for s in r.sources} == {"C001", "C002"}
    rows = values(openpyxl.load_workbook(write_order_list(tmp_path / "dist.xlsx", gone, made)).active)
    assert [(r[0], r[1], r[2], r[3], r[4], r[5], r[7], r[12]) for r in rows if r[2] == "C002"] == [
        (None, "Mittente", "C002", "", "", numbers["T003"], "A002", 6)]
    assert "C002" in {r.customer for r in complete_list(orders_of(ledger), gone, DAY).rows}


def test_route_totals_add_each_unit_apart(ledger):
    """Kilos and pieces are never added: a route has a total per unit of measure, the units
    in the order they first appear, each summing its own lines."""
    sheets = shipping_sheets()
    sheets["Articoli"][2][2] = "kg"
    master = check(minimal.workbook(sheets)).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    made = distribution_list(orders_of(ledger), master, DAY)
    assert [[(u.unit, u.ordered, u.shipped, u.remaining) for u in route.totals] for route in made.routes] == [
        [("pz", D(10), D(0), D(10)), ("kg", D(24), D(0), D(24))], [("kg", D(6), D(0), D(6))]]


def test_distribution_list_for_a_period_in_english(tmp_path, master, ledger, numbers):
    made = distribution_list(orders_of(ledger), master, DAY, date(2026, 4, 13))
    sheet = openpyxl.load_workbook(write_order_list(tmp_path / "dist.xlsx", master, made, "en")).active
    assert sheet["A1"].value == "Distribution list – from 09/04/2026 to 13/04/2026"
    assert sheet.oddHeader.left.text == "Distribution list – from 09/04/2026 to 13/04/2026"
    assert [r[3] for r in values(sheet) if r[2] is None] == ["Route total", "Route total"]


def test_rows_are_one_line_tall_when_their_texts_fit(tmp_path, master, ledger, numbers):
    """The free-text columns are as wide as their values (up to a limit), so a line whose
    carrier, name, address and description fit is one line tall; a longer text still wraps."""
    long_name = "Autotrasporti Bianchi & C. S.n.c. di Settimo Torinese"
    carriers = tuple(replace(c, name=long_name) if c.code == "V01" else c for c in master.carriers)
    narrow = master.model_copy(update={"carriers": carriers})
    sheet = openpyxl.load_workbook(write_order_list(tmp_path / "dist.xlsx", narrow,
                                                    distribution_list(orders_of(ledger), narrow, DAY))).active
    heights = {row[0].row: sheet.row_dimensions[row[0].row].height for row in sheet.iter_rows(min_row=5)}
    assert heights == {5: 30, 6: 30, 7: None, 8: None, 9: None}  # row 7: the route's total
    assert 30 < sheet.column_dimensions["B"].width < 32


def test_complete_workbook_has_the_state_columns(tmp_path, master, ledger, numbers):
    ship(master, ledger, DAY, numbers=[numbers["T003"]], lang="it")
    path = write_order_list(tmp_path / "full.xlsx", master, complete_list(orders_of(ledger), master, DAY), "en")
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Distribution list (complete)"
    assert [c.value for c in sheet[4]][-4:] == ["Shipped", "To ship", "Document type", "Status"]
    assert [(r[5], r[7], r[11], r[12], r[13], r[14]) for r in values(sheet)] == [
        (numbers["T001"], "A001", 0, 10, "Standard order", "In progress"),
        (numbers["T001"], "A002", 0, 24, "Standard order", "In progress"),
        (numbers["T003"], "A002", 6, 0, "Standard order", "Completed"),
        (numbers["T004"], "A001", 0, 3, "Quotation", "Draft"),
    ]


def test_production_workbook(tmp_path, ledger, numbers):
    master = shipping_master(stock={"A001": 4, "A002": 100})
    path = write_production_list(tmp_path / "prod.xlsx", master, production_list(orders_of(ledger), master, DAY))
    book = openpyxl.load_workbook(path)
    main, detail = book.worksheets
    assert main.title == "Lista di produzione" and detail.title == "Ordini"
    assert [c.value for c in main[4]] == ["Articolo", "Descrizione", "UM", "Richiesta", "Da giorni precedenti",
                                          "Ordini precedenti", "Il più vecchio del", "Giacenza",
                                          "Da giacenza libera", "Da produrre", "Ordini"]
    assert values(main) == [
        ("A001", "Caffè in grani 1 kg", "pz", 10, None, None, None, 4, 4, 6, f"{numbers['T001']} C001 (10)"),
        ("A002", "Latte fresco 1 l", "pz", 30, None, None, None, 100, 30, 0,
         f"{numbers['T001']} C001 (24); {numbers['T003']} C002 (6)"),
    ]
    assert [(r[0], r[3], r[5], r[7]) for r in values(detail)] == [
        ("A001", numbers["T001"], "C001", 10), ("A002", numbers["T001"], "C001", 24), ("A002", numbers["T003"], "C002", 6)]
    assert main.freeze_panes == "A5" and main.print_title_rows == "$4:$4"


def pdf_text(path: Path) -> str:
    """Text of a PDF: poppler's pdftotext when installed, else pypdf when importable."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pypdf = pytest.importorskip("pypdf", reason="neither pdftotext (poppler-utils) nor pypdf is available")
    return "\f".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_the_lists_are_zipped_at_zlib_s_level_5_and_libreoffice_opens_them(tmp_path, master):
    """The distribution and complete lists are zipped at zlib's level 5 (`QUICK_ZIP_LEVEL`), not
    XlsxWriter's 6: at L the zip a third faster for a file 2.6 % larger. The sheet of 3,000
    rows is deflated as level 5 deflates it, which level 6 does not, and LibreOffice reads
    every row back."""
    rows = tuple(ListRow("NORD", "V01", "Vettore", f"C{n % 97:03}", f"Cliente {n % 97}", None, f"Via {n % 13}, Milano",
                         f"OV-2026/{n}", DAY, DocumentType.STANDARD, OrderStatus.IN_PROGRESS, 1 + n % 5,
                         f"A{n % 41:03}", f"Articolo {n % 41}", "pz", D(n % 17 + 1), D(0), D(n % 17 + 1))
                 for n in range(3000))
    paths = [write_order_list(tmp_path / f"l-{complete}.xlsx", master,
                              OrderList(complete, DAY, DAY, (Route("NORD", "V01", "Vettore", rows),)), "it")
             for complete in (False, True)]
    for path, recalculated in zip(paths, recalculated_values_of(paths)):
        with zipfile.ZipFile(path) as book:
            sheet = book.getinfo("xl/worksheets/sheet1.xml")
            xml = book.read(sheet)
        assert sheet.compress_size == _deflated(xml, 5) != _deflated(xml, 6)
        [values] = recalculated.values()
        assert [r[5] for r in values if str(r[5]).startswith("OV-")] == [f"OV-2026/{n}" for n in range(3000)]


def _deflated(data: bytes, level: int) -> int:
    """How many bytes zlib's raw deflate at `level` makes of `data`, as a zip holds them."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return len(packer.compress(data) + packer.flush())


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_distribution_pdf_from_the_command_line(tmp_path, ledger_url):
    import typer
    from typer.testing import CliRunner

    from toolkit.cli import shipping
    from toolkit.ledger import open_ledger

    workbook = write_book(tmp_path / "anagrafiche.xlsx", shipping_sheets())
    master, ledger = shipping_master(), open_ledger(ledger_url)
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    first = next(o.number for o in orders_of(ledger) if o.template == "T001")
    ship(master, ledger, DAY, chosen=[ChosenRow(first, "A001", 7)], lang="it")
    app = typer.Typer()
    shipping.register(app)
    result = CliRunner().invoke(app, ["distribution", str(workbook), "--date", "09/04/2026", "--out",
                                      str(tmp_path / "lista.xlsx"), "--pdf", "--ledger", ledger_url])
    assert result.exit_code == 0, result.output
    assert result.output.split() == [str(tmp_path / "lista.xlsx"), str(tmp_path / "lista.pdf")]
    text = pdf_text(tmp_path / "lista.pdf")
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == 2
    assert "Bar Centrale S.n.c." in pages[0] and "Mario Rossi" not in pages[0]
    assert "Mario Rossi" in pages[1] and "Bar Centrale" not in pages[1]
    assert re.search(r"A001\s.*\s10\s+7\s+3\s*$", pages[0], re.M)
    assert re.search(r"A002\s.*\s24\s+0\s+24\s*$", pages[0], re.M)
    assert re.search(r"A002\s.*\s6\s+0\s+6\s*$", pages[1], re.M)
    assert all(page.lstrip().startswith("Lista di distribuzione – del 09/04/2026") for page in pages)
    assert re.search(r"Totale del giro\s+pz\s+34\s+7\s+27\s*$", pages[0], re.M)
    assert re.search(r"Totale del giro\s+pz\s+6\s+0\s+6\s*$", pages[1], re.M)
    ledger.engine.dispose()


def test_the_day_s_list_carries_the_back_orders_its_shipment_ships(tmp_path, master, ledger, numbers):
    """`ship --all` on the 13th ships every open order up to it: the rest of T001's order of the
    9th (3 × A001 left by a partial shipment) and T003's order of the 9th, never shipped. The
    13th's distribution list, what the warehouse loads, showed only the 13th's orders, so the van
    left without goods its DDTs then listed."""
    from toolkit.services.lists import distribution

    ship(master, ledger, DAY, chosen=[ChosenRow(numbers["T001"], "A001", 7), ChosenRow(numbers["T001"], "A002", 24)], lang="it")
    later = date(2026, 4, 13)
    create(master, ledger, later, with_catch_up=False, lang="it")
    sheet = openpyxl.load_workbook(distribution(master, ledger, later, later, tmp_path / "d.xlsx", "it")).active
    heads = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Zona")
    at = {h: i for i, h in enumerate(heads)}
    listed = [(r[at["Ordine"]], r[at["Data"]].date(), r[at["Articolo"]], r[at["Da spedire"]])
              for r in sheet.iter_rows(values_only=True) if r[at["Ordine"]] and str(r[at["Ordine"]]).startswith("OC-")]
    assert (numbers["T001"], DAY, "A001", 3) in listed and (numbers["T003"], DAY, "A002", 6) in listed
    assert {day for _, day, _, _ in listed} == {DAY, later}
    shipped = ship(master, ledger, later, all_open=True, lang="it").notes
    assert {(ln.order_number, ln.item, ln.quantity) for n in shipped for ln in n.lines} == {
        (order, item, Decimal(left)) for order, _, item, left in listed}
