"""The printed DDT: what DPR 472/1996 wants is on each sheet, read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime

import minimal
import openpyxl
import pytest
from reads import Reads
from test_shipping import shipping_master, shipping_sheets

from toolkit.intake.validation import check
from toolkit.ledger.db import reading
from toolkit.ledger.deliveries import load_notes
from toolkit.services.orders import create
from toolkit.services.shipping import ship
from toolkit.writers.ddt import write_delivery_notes

DAY = date(2026, 4, 9)


def find(sheet, value) -> tuple[int, int]:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} not on {sheet.title}")


def right_of(sheet, label):
    row, col = find(sheet, label)
    return sheet.cell(row, col + 1).value


def below(sheet, label, count: int = 1):
    row, col = find(sheet, label)
    values = [sheet.cell(row + i, col).value for i in range(1, count + 1)]
    return values[0] if count == 1 else values


def goods(sheet) -> list[tuple]:
    row, _ = find(sheet, "Articolo")
    out = []
    for r in range(row + 1, sheet.max_row + 1):
        values = tuple(sheet.cell(r, c).value for c in range(1, 6))
        if values[0] is None:
            break
        out.append(values)
    return out


@pytest.fixture
def printed(tmp_path, ledger):
    master = shipping_master()
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    notes = ship(master, ledger, DAY, all_open=True, lang="it").notes
    path = write_delivery_notes(tmp_path / "ddt.xlsx", master, notes)
    return openpyxl.load_workbook(path)


def test_the_destination_keeps_its_province(tmp_path, ledger):
    """The audit's finding 12: *Luogo di destinazione* read `Torino` where the buyer's lines
    read `10121 Torino (TO)`."""
    sheets = shipping_sheets()
    for row, extra in zip(sheets["Destinazioni"], (["CAP", "Provincia"], ["10121", "TO"])):
        row += extra
    master = check(minimal.workbook(sheets)).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    notes = ship(master, ledger, DAY, all_open=True, lang="it").notes
    sheet = openpyxl.load_workbook(write_delivery_notes(tmp_path / "ddt.xlsx", master, notes))["DDT-2026-00001"]
    assert below(sheet, "Luogo di destinazione", 3) == ["Bar Centrale S.n.c.", "Piazza Castello 1", "10121 Torino (TO)"]


def test_one_sheet_per_ddt_named_by_its_number(printed):
    assert printed.sheetnames == ["DDT-2026-00001", "DDT-2026-00002"]


def test_the_ddt_carries_what_the_law_asks(printed):
    sheet = printed["DDT-2026-00001"]
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == [
        "Forniture Rossi S.r.l.", "Via Roma 10, 20121 Milano (MI)", "P. IVA IT00743110157"]
    assert sheet["A5"].value == "DOCUMENTO DI TRASPORTO"
    assert right_of(sheet, "DDT n.") == "DDT-2026-00001"
    assert right_of(sheet, "Data") == datetime(2026, 4, 9)
    assert below(sheet, "Cessionario", 4) == ["Bar Centrale S.n.c.", "Corso Italia 4", "Torino", "P. IVA IT01234560157"]
    assert below(sheet, "Luogo di destinazione", 3) == ["Bar Centrale S.n.c.", "Piazza Castello 1", "Torino"]
    assert below(sheet, "Trasporto a cura del") == "Vettore"
    assert below(sheet, "Vettore") == "Trasporti Veloci S.r.l. – P. IVA 01234560157"
    assert below(sheet, "Causale del trasporto") == "Vendita"
    assert below(sheet, "Peso (kg)") == 45
    assert below(sheet, "Colli") is None and below(sheet, "Data e ora inizio trasporto") is None
    assert [c.value for c in sheet[find(sheet, "Articolo")[0]]][:5] == [
        "Articolo", "Descrizione", "UM", "Quantità", "Rif. ordine"]
    assert goods(sheet) == [("A001", "Caffè in grani 1 kg", "pz", 10, "OC-2026-00001"),
                            ("A002", "Latte fresco 1 l\nal retro", "pz", 24, "OC-2026-00001")]
    find(sheet, "Firma del conducente")
    find(sheet, "Firma del destinatario")
    assert sheet.page_setup.paperSize == 9 and sheet.print_title_rows


def test_the_weight_never_ends_in_a_bare_decimal_point(printed):
    """`#,##0.###` showed 45 kg as "45." in Excel; at least one decimal shows "45.0"."""
    row, col = find(printed["DDT-2026-00001"], "Peso (kg)")
    assert printed["DDT-2026-00001"].cell(row + 1, col).number_format == "#,##0.0##"


def test_an_order_lines_note_prints_under_its_goods_and_again_when_reprinted(tmp_path, ledger):
    """T001's A002 line says "al retro": the driver reads it under the description, on the
    DDT shipping prints and on the one read back from the ledger."""
    master = shipping_master()
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    shipped = ship(master, ledger, DAY, all_open=True, lang="it").notes
    with reading(ledger) as conn:
        stored = load_notes(conn)
    for notes in (shipped, stored):
        assert [(ln.item, ln.note) for ln in notes[0].lines] == [("A001", None), ("A002", "al retro")]
    sheet = openpyxl.load_workbook(write_delivery_notes(tmp_path / "again.xlsx", master, stored))["DDT-2026-00001"]
    row, _ = find(sheet, "Latte fresco 1 l\nal retro")
    assert sheet.row_dimensions[row].height == 30


def test_services_are_on_no_ddt(tmp_path, ledger):
    """A DDT documents goods in transport: A002 made a service leaves C001's DDT for a record
    of services rendered (invoiced from there), and C002's order of A002 alone issues no DDT."""
    sheets = shipping_sheets()
    for row, service in zip(sheets["Articoli"], ("Servizio", "no", "sì", "no")):
        row.append(service)
    master = check(minimal.workbook(sheets)).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    notes = ship(master, ledger, DAY, all_open=True, lang="it").notes
    assert [(n.number, [ln.item for ln in n.lines]) for n in notes] == [
        ("DDT-2026-00001", ["A001"]), ("SERVIZI-2026-00001", ["A002"]), ("SERVIZI-2026-00002", ["A002"])]
    book = openpyxl.load_workbook(write_delivery_notes(tmp_path / "ddt.xlsx", master, notes))
    assert book.sheetnames == ["DDT-2026-00001"]
    assert goods(book["DDT-2026-00001"]) == [("A001", "Caffè in grani 1 kg", "pz", 10, "OC-2026-00001")]


def test_the_seller_delivers_when_no_carrier_serves_the_area(printed):
    sheet = printed["DDT-2026-00002"]
    assert below(sheet, "Cessionario", 3) == ["Mario Rossi", "Via Po 1", "Roma"]
    assert below(sheet, "Trasporto a cura del") == "Mittente"
    assert goods(sheet) == [("A002", "Latte fresco 1 l", "pz", 6, "OC-2026-00002")]


def test_a_return_prints_reso_and_the_goods_that_travel(tmp_path, ledger):
    master = shipping_master()
    create(master, ledger, date(2026, 3, 31), with_catch_up=False, lang="it")
    notes = ship(master, ledger, date(2026, 3, 31), all_open=True, lang="it").notes
    assert [ln.quantity for ln in notes[0].lines] == [-1]
    sheet = openpyxl.load_workbook(write_delivery_notes(tmp_path / "reso.xlsx", master, notes)).active
    assert below(sheet, "Causale del trasporto") == "Reso"
    assert goods(sheet) == [("A003", "Libro di ricette", "pz", 1, "OC-2026-00001")]


def test_a_return_goes_from_the_customer_s_place_to_the_seller(tmp_path, ledger):
    """A return's DDT printed the customer under *Cessionario* and its address under *Luogo di
    destinazione*, as a sale's: the driver sent to collect the goods read that he was to deliver
    them there. The customer is the sender, its place the pickup, the seller the destination and,
    with no carrier, the one who carries them (*Destinatario*, not *Mittente*)."""
    master = shipping_master()
    create(master, ledger, date(2026, 3, 31), with_catch_up=False, lang="it")
    notes = ship(master, ledger, date(2026, 3, 31), all_open=True, lang="it").notes
    sheet = openpyxl.load_workbook(write_delivery_notes(tmp_path / "reso.xlsx", master, notes)).active
    assert below(sheet, "Mittente (cliente che rende la merce)", 2) == ["Mario Rossi", "Via Po 1"]
    assert below(sheet, "Luogo di ritiro", 3) == ["Mario Rossi", "Via Po 1", "Roma"]
    assert below(sheet, "Luogo di destinazione", 3) == ["Forniture Rossi S.r.l.", "Via Roma 10", "20121 Milano (MI)"]
    assert below(sheet, "Trasporto a cura del") == "Destinatario"
    with pytest.raises(AssertionError):
        find(sheet, "Cessionario")


def test_english_labels(tmp_path, ledger):
    master = shipping_master()
    create(master, ledger, DAY, with_catch_up=False, lang="en")
    notes = ship(master, ledger, DAY, all_open=True, lang="en").notes
    sheet = openpyxl.load_workbook(write_delivery_notes(tmp_path / "en.xlsx", master, notes, "en")).worksheets[0]
    assert sheet["A5"].value == "DELIVERY NOTE"
    assert below(sheet, "Reason for transport") == "Sale"
    assert right_of(sheet, "DDT no.") == "DDT-2026-00001"


def test_user_text_stays_text(tmp_path, ledger):
    sheets = shipping_sheets()
    sheets["Clienti"][1][1] = '=HYPERLINK("http://example.com","x")'
    master = check(minimal.workbook(sheets)).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    notes = ship(master, ledger, DAY, all_open=True, lang="it").notes
    sheet = openpyxl.load_workbook(write_delivery_notes(tmp_path / "t.xlsx", master, notes)).worksheets[0]
    row, col = find(sheet, '=HYPERLINK("http://example.com","x")')
    assert sheet.cell(row, col).data_type == "s"


def test_no_ddt_still_makes_a_workbook(tmp_path):
    book = openpyxl.load_workbook(write_delivery_notes(tmp_path / "none.xlsx", shipping_master(), []))
    assert book.active["A1"].value == "Nessun DDT emesso."


def test_a_days_ddts_look_their_customers_up_once(tmp_path, ledger):
    """Looked up again for each DDT, the customers, destinations and carriers took half the
    writing of a mid-month day's 3,126 DDTs at L (6 s of 12 with 10,000 customers)."""
    master = shipping_master()
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    notes = ship(master, ledger, DAY, all_open=True, lang="it").notes
    assert len(notes) >= 2
    counted = master.model_copy(update={"customers": Reads(master.customers), "ship_to": Reads(master.ship_to),
                                        "carriers": Reads(master.carriers)})
    write_delivery_notes(tmp_path / "ddt.xlsx", counted, notes)
    assert [counted.customers.reads, counted.ship_to.reads, counted.carriers.reads] == [1, 1, 1]


def test_an_item_marked_a_service_after_shipping_stays_on_the_reprint_of_its_ddt(tmp_path, ledger):
    """The DDT carried 24 bottles of milk: marking A002 *Servizio* afterwards (a desk reclassing
    its items) left them off the reprint, so the paper the office prints again for a dispute no
    longer showed goods the driver delivered. A DDT carries goods only since services are
    recorded apart, so the reprint prints every line it stored."""
    master = shipping_master()
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    ship(master, ledger, DAY, all_open=True, lang="it")
    sheets = shipping_sheets()
    for row, service in zip(sheets["Articoli"], ("Servizio", "no", "sì", "no")):
        row.append(service)
    later = check(minimal.workbook(sheets)).master
    with reading(ledger) as conn:
        stored = load_notes(conn)
    sheet = openpyxl.load_workbook(write_delivery_notes(tmp_path / "again.xlsx", later, stored))["DDT-2026-00001"]
    assert goods(sheet) == [("A001", "Caffè in grani 1 kg", "pz", 10, "OC-2026-00001"),
                            ("A002", "Latte fresco 1 l\nal retro", "pz", 24, "OC-2026-00001")]


def test_a_long_ragione_sociale_and_address_print_whole_beside_the_destination(tmp_path, ledger):
    """An 84-character ragione sociale printed in column A ran on into the empty B and C and
    stopped at the destination's column: the PDF read «… Fratelli Bianchi e Figli a», cut on the
    paper that names who receives the goods. Each side now spans its columns, wrapped, and the
    row is as tall as the longer text."""
    name = "Società Cooperativa Agricola di Produzione e Lavoro Fratelli Bianchi e Figli a r.l."
    street = "Via del Consorzio Agrario Interprovinciale di Sardegna Meridionale 144/B scala C"
    sheets = shipping_sheets()
    sheets["Clienti"][1][1], sheets["Clienti"][1][4] = name, street
    master = check(minimal.workbook(sheets)).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    notes = ship(master, ledger, DAY, all_open=True, lang="it").notes
    sheet = openpyxl.load_workbook(write_delivery_notes(tmp_path / "ddt.xlsx", master, notes))["DDT-2026-00001"]
    assert below(sheet, "Cessionario", 2) == [name, street]
    row, _ = find(sheet, name)
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {f"A{row}:C{row}", f"D{row}:E{row}", f"A{row + 1}:C{row + 1}"} <= merged
    assert sheet.cell(row, 1).alignment.wrap_text and sheet.cell(row, 4).alignment.wrap_text
    assert sheet.row_dimensions[row].height >= 30 and sheet.row_dimensions[row + 1].height >= 30


def test_an_order_whose_destination_left_the_sheet_is_held_not_sent_to_the_customer_s_address(tmp_path, ledger):
    """T001's order of the 9th goes to D001 (Piazza Castello 1). The desk moved the branch to
    a new code, taking D001 off Destinazioni and off the template: the DDT printed Corso Italia 4,
    the customer's own address, as Luogo di destinazione, and the goods went there. The order
    is held with a warning until D001 is back, then ships to it."""
    master = shipping_master()
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    sheets = shipping_sheets()
    del sheets["Destinazioni"][1]
    sheets["Modelli ordine"][1][2] = None
    moved = check(minimal.workbook(sheets)).master
    done = ship(moved, ledger, DAY, all_open=True, lang="it")
    assert [n.customer for n in done.notes] == ["C002"]
    [warned] = [p for p in done.problems if p.code == "ship-destination-not-in-workbook"]
    assert "OC-2026-00001" in warned.message("it") and "D001" in warned.message("en")
    back = ship(master, ledger, DAY, all_open=True, lang="it").notes
    sheet = openpyxl.load_workbook(write_delivery_notes(tmp_path / "ddt.xlsx", master, back))["DDT-2026-00002"]
    assert below(sheet, "Luogo di destinazione", 2) == ["Bar Centrale S.n.c.", "Piazza Castello 1"]


def test_services_rendered_are_not_held_back_by_a_ddt_issued_ahead(ledger, rome_today):
    """A record of services rendered takes no DDT number (SERVIZI-…), so a DDT issued ahead for
    tomorrow does not hold it back: C002's order of A002 alone, a service, was refused today
    with ddt-date-before-issued-ahead."""
    sheets = shipping_sheets()
    for row, service in zip(sheets["Articoli"], ("Servizio", "no", "sì", "no")):
        row.append(service)
    master = check(minimal.workbook(sheets)).master
    rome_today(DAY)
    goods, services, _ = (r["number"] for r in create(master, ledger, DAY, with_catch_up=False, lang="it").created)
    ship(master, ledger, date(2026, 4, 10), numbers=[goods], future=True, lang="it")
    done = ship(master, ledger, DAY, numbers=[services], lang="it")
    assert [(n.number, n.day) for n in done.notes] == [("SERVIZI-2026-00002", DAY)]
    with reading(ledger) as conn:
        assert [n.number for n in load_notes(conn)] == ["DDT-2026-00001", "SERVIZI-2026-00001", "SERVIZI-2026-00002"]


def test_an_item_taken_off_articoli_with_orders_open_is_named_when_they_ship_or_wait(ledger):
    """A002 became A009 (the same milk under a new code) on every sheet after the 9th's orders
    were made: C001's line of A002 was held as out of stock at no cell of its own, C002's order
    waited for a stock row that no longer exists, and nobody was told the item was gone. The
    shipment names it, once, with the orders, at the row of Articoli where it goes back (A5,
    below the last item): no template can list it still, the data check refuses that."""
    master = shipping_master(stock={"A001": 100, "A002": 100})
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    sheets = shipping_sheets(stock={"A001": 100, "A002": 100})
    for rows in sheets.values():
        for row in rows:
            row[:] = ["A009" if cell == "A002" else cell for cell in row]
    done = ship(check(minimal.workbook(sheets)).master, ledger, DAY, all_open=True, lang="it")
    [named] = [p for p in done.problems if p.code == "ship-item-not-in-workbook"]
    assert (named.sheet, named.cell, named.is_error) == ("Articoli", "A5", False)
    assert named.message("it").startswith("L'articolo A002 degli ordini OC-2026-00001, OC-2026-00002 non è più nel "
                                          "foglio Articoli")
    assert "If only its code changed, put A002's row back on Items" in named.message("en")
    assert not [p for p in ship(master, ledger, DAY, all_open=True, replan=True, lang="it").problems
                if p.code == "ship-item-not-in-workbook"]


def test_a_unit_changed_on_articoli_with_orders_open_is_warned_at_its_cell_and_the_ddt_keeps_the_orders(
        tmp_path, ledger):
    """A001 turned from pz to kg on Articoli after the 9th's orders were made in pieces: the
    DDT states the 10 pieces shipped (the order line's unit, the ledger's), and the shipment
    warns at A001's unit cell, naming the order, that the stock counted in kg loses pieces."""
    create(shipping_master(stock={"A001": 100, "A002": 100}), ledger, DAY, with_catch_up=False, lang="it")
    sheets = shipping_sheets(stock={"A001": 100, "A002": 100})
    minimal.set_cell(sheets, "Articoli", "C2", "kg")
    master = check(minimal.workbook(sheets)).master
    done = ship(master, ledger, DAY, all_open=True, lang="it")
    [told] = [p for p in done.problems if p.code == "ship-item-unit-changed"]
    assert (told.sheet, told.cell, told.is_error) == ("Articoli", "C2", False)
    assert told.message("it").startswith("L'articolo A001 ha ora unità «kg», ma gli ordini OC-2026-00001 lo hanno "
                                         "ordinato in «pz»")
    sheet = openpyxl.load_workbook(write_delivery_notes(tmp_path / "ddt.xlsx", master, done.notes))["DDT-2026-00001"]
    assert goods(sheet)[0][:4] == ("A001", "Caffè in grani 1 kg", "pz", 10)


@pytest.mark.parametrize("typed", ["pezzi", "PZ.", " Pz "])
def test_a_unit_only_re_typed_on_articoli_is_no_change(ledger, typed):
    """«pz» re-typed «pezzi» (or in capitals, with a dot) counts the same pieces: the shipment
    warned that a stock counted in «pezzi» lost quantities counted in «pz»."""
    create(shipping_master(stock={"A001": 100, "A002": 100}), ledger, DAY, with_catch_up=False, lang="it")
    sheets = shipping_sheets(stock={"A001": 100, "A002": 100})
    minimal.set_cell(sheets, "Articoli", "C2", typed)
    done = ship(check(minimal.workbook(sheets)).master, ledger, DAY, all_open=True, lang="it")
    assert [n.number for n in done.notes] == ["DDT-2026-00001", "DDT-2026-00002"]
    assert not [p for p in done.problems if p.code == "ship-item-unit-changed"]


def test_a_unit_changed_without_a_stock_sheet_is_not_warned(ledger):
    """Without *Giacenze* no stock is counted in any unit: the warning that the stock counted
    in «kg» loses pieces was told of a count that does not exist."""
    create(shipping_master(), ledger, DAY, with_catch_up=False, lang="it")
    sheets = shipping_sheets()
    minimal.set_cell(sheets, "Articoli", "C2", "kg")
    done = ship(check(minimal.workbook(sheets)).master, ledger, DAY, all_open=True, lang="it")
    assert done.notes and not [p for p in done.problems if p.code == "ship-item-unit-changed"]


def test_a_unit_changed_is_warned_for_the_line_ship_all_holds_too(ledger):
    """C001 on complete lines, A002 out of stock and turned from pz to lt: `ship --all` shipped
    A001 and held the line of 24 pieces against a stock counted in litres, and named nothing
    (`ship --orders` named it): the orders were read for the plan, the warning looked only at
    the DDTs."""
    stock = {"A001": 100, "A002": 0}
    create(shipping_master(stock=stock, terms="Riga completa"), ledger, DAY, with_catch_up=False, lang="it")
    sheets = shipping_sheets(stock=stock, terms="Riga completa")
    minimal.set_cell(sheets, "Articoli", "C3", "lt")
    done = ship(check(minimal.workbook(sheets)).master, ledger, DAY, all_open=True, lang="it")
    assert [line.item for note in done.notes for line in note.lines] == ["A001"]
    [told] = [p for p in done.problems if p.code == "ship-item-unit-changed"]
    assert (told.sheet, told.cell) == ("Articoli", "C3")
    assert told.message("en").startswith("Item A002 now has unit «lt», but orders OC-2026-00001 ordered it in «pz»")
