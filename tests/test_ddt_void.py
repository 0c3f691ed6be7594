"""A DDT issued by mistake: `toolkit ddt void` keeps it with its number, marked ANNULLATO, and
its goods ship again on a new DDT, on SQLite and PostgreSQL.

The scene is the sample workbook's 9 April: twelve orders; OC-2026-00009 (C010) ships whole on
10 April as DDT-2026-00002 (DDT-2026-00001 is the warehouse order OC-2026-00003, shipped as it
was created).
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from older_ledgers import older_ledger
from sqlalchemy import func, select
from test_printing import cli

from toolkit.basics import wording
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import migrate, reading
from toolkit.ledger.deliveries import available_stock
from toolkit.ledger.exposure import exposures
from toolkit.ledger.printings import ddts_never_printed

ORDER, DDT = "OC-2026-00009", "DDT-2026-00002"
WHY = "Il camion non è partito"


@pytest.fixture
def desk(tmp_path, sample_workbook, ledger_url, rome_today, capsys):
    """The sample's 9 April created, OC-2026-00009 shipped on the 10th; today 4 May."""
    rome_today(date(2026, 5, 4))

    def toolkit(verb: str, *args: Any, json_out: bool = True) -> tuple[int, Any]:
        code, said = cli(capsys, *verb.split(), sample_workbook, *args, "--ledger", ledger_url,
                         *(["--json"] if json_out else []))
        return code, (json.JSONDecoder().raw_decode(said)[0] if json_out else said)

    assert toolkit("orders create", "--date", "2026-04-09")[0] == 0
    code, shipped = toolkit("ship", "--date", "2026-04-10", "--orders", ORDER)
    assert code == 0 and [(n["ddt"], n["orders"]) for n in shipped["shipped"]] == [(DDT, [ORDER])]
    return toolkit, ledger_url


def void(toolkit, *args: str, json_out: bool = True) -> tuple[int, Any]:
    return toolkit("ddt void", *args, json_out=json_out)


def rows(url: str, table) -> int:
    ledger = open_ledger(url)
    with reading(ledger) as conn:
        found = conn.execute(select(func.count()).select_from(table)).scalar_one()
    ledger.engine.dispose()
    return found


def never_printed(url: str):
    ledger = open_ledger(url)
    with reading(ledger) as conn:
        found = ddts_never_printed(conn, 10)
    ledger.engine.dispose()
    return found


def printed(path) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [tuple(v for v in row if v is not None) for row in sheet.iter_rows(values_only=True) if any(row)]


def goods(lines: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The goods rows of a printed DDT: item, description, unit, quantity, order."""
    start = next(i for i, row in enumerate(lines) if row and row[0] == "Articolo")
    return [row for row in lines[start + 1:] if row and row[0] != "Firma del conducente"]


def test_a_voided_ddt_ships_again_under_a_new_number_and_prints_annullato(desk, tmp_path):
    toolkit, url = desk
    code, first = toolkit("print ddt", "--numbers", DDT, "--out", str(tmp_path / "first.xlsx"), json_out=False)
    assert code == 0, first
    code, done = void(toolkit, DDT.lower().replace("-00002", "-2"), "--reason", f"  {WHY} ")
    assert (code, done["ddt"], done["voided"], done["reason"]) == (0, DDT, True, WHY)
    assert (done["orders"], done["reopened"]) == ([ORDER], [ORDER])
    code, listed = toolkit("orders list")
    assert [o["status"] for o in listed["orders"] if o["number"] == ORDER] == ["in-progress"]

    code, again = toolkit("ship", "--date", "2026-04-11", "--orders", ORDER)
    assert code == 0 and [(n["ddt"], n["orders"]) for n in again["shipped"]] == [("DDT-2026-00003", [ORDER])]
    code, listed = toolkit("orders list")
    assert [o["status"] for o in listed["orders"] if o["number"] == ORDER] == ["completed"]

    code, said = toolkit("print ddt", "--numbers", f"{DDT},DDT-2026-00003", "--out", str(tmp_path / "r.xlsx"),
                         json_out=False)
    assert code == 0, said
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == [DDT, "DDT-2026-00003"]
    old = printed(tmp_path / "r.xlsx")
    [voided_row] = [row for row in old if str(row[0]).startswith("ANNULLATO")]
    assert voided_row[0].startswith("ANNULLATO il ") and voided_row[0].endswith(f": {WHY}")
    assert goods(old) == goods(printed(tmp_path / "first.xlsx")), "it prints the goods it carried"
    new = [tuple(v for v in row if v is not None) for row in book.worksheets[1].iter_rows(values_only=True) if any(row)]
    assert [row[:4] for row in goods(new)] == [row[:4] for row in goods(old)], "the same lines ship again"
    assert not any(str(row[0]).startswith("ANNULLATO") for row in new)

    code, said = toolkit("print ddt", "--date", "2026-04-10", "--out", str(tmp_path / "day.xlsx"), json_out=False)
    assert code == 0 and openpyxl.load_workbook(tmp_path / "day.xlsx").sheetnames == [DDT]
    assert any(str(row[0]).startswith("ANNULLATO") for row in printed(tmp_path / "day.xlsx"))


def test_a_ddt_voided_twice_changes_nothing_the_second_time_exit_0(desk):
    """The second answer gives the first void's reason, moment and user: it gave `reason` null,
    as if the DDT had been voided for none."""
    toolkit, url = desk
    code, first = void(toolkit, DDT, "--reason", WHY)
    assert code == 0 and first["voided_at"].endswith("Z") and first["voided_by"]
    events, lines = rows(url, schema.events), rows(url, schema.voided_lines)
    code, said = void(toolkit, "2/2026", "--reason", "un altro motivo")
    assert (code, said["voided"], [p["code"] for p in said["problems"] if p["code"].startswith("ddt")]) == (
        0, False, ["ddt-already-voided"])
    assert (said["reason"], said["voided_at"], said["voided_by"]) == (WHY, first["voided_at"], first["voided_by"])
    assert (rows(url, schema.events), rows(url, schema.voided_lines)) == (events, lines)
    code, text = void(toolkit, DDT, json_out=False)
    assert code == 0 and f"Il DDT {DDT} è già annullato (" in text and "nulla è cambiato" in text


def test_an_invoiced_ddt_is_refused_exit_2_and_nothing_is_stored(desk, tmp_path):
    toolkit, url = desk
    code, run = toolkit("invoice", "--month", "2026-04", "--date", "2026-05-04", "--out", str(tmp_path / "out"))
    assert code == 0, run
    code, said = void(toolkit, DDT)
    assert (code, said["exit_code"], [p["code"] for p in said["problems"]]) == (2, 2, ["ddt-void-in-draft"])
    assert f"toolkit invoice undo … {run['run_id']}" in said["problems"][0]["message"]

    assert toolkit("invoice finalize", run["run_id"])[0] == 0, "its invoices final"
    events = rows(url, schema.events)
    code, text = void(toolkit, DDT, json_out=False)
    assert code == 2 and f"Il DDT {DDT} è già fatturato (FT-2026-" in text and "toolkit invoice credit" in text
    assert "Traceback" not in text
    assert (rows(url, schema.events), rows(url, schema.voided_deliveries), rows(url, schema.voided_lines)) == (
        events, 0, 0)


def test_a_ddt_of_an_order_closed_since_is_voided_its_goods_back_in_stock_and_the_order_stays_closed(
        desk, sample_master):
    """OC-2026-00009, complete with DDT-2026-00002, was closed; the truck had not left. The void
    made the order «In corso» again, so the next ship shipped its goods, and with them whatever
    the desk had given up when it closed the order. It stays closed: the DDT's goods are back in
    stock, named in the warning with the way to ship them (a new order), and no ship takes them."""
    toolkit, url = desk
    assert toolkit("orders status", ORDER, "--to", "chiuso")[0] == 0
    before = figures(url, sample_master)
    code, done = void(toolkit, DDT, "--reason", WHY)
    assert (code, done["voided"], done["orders"], done["reopened"], done["kept_closed"]) == (0, True, [], [], [ORDER])
    [warned] = [p for p in done["problems"] if p["code"] == "ddt-void-order-kept-closed"]
    assert warned["severity"] == "warning"
    code, listed = toolkit("orders list")
    assert [o["status"] for o in listed["orders"] if o["number"] == ORDER] == ["closed"]
    after = figures(url, sample_master)
    assert [r for r in after["reserved"] if r[1] == ORDER] == []
    carried = {line[0]: line[1] for line in _ddt_goods(url, DDT)}
    assert carried and all(after["stock"][item] == before["stock"][item] + quantity
                           for item, quantity in carried.items())
    code, again = toolkit("ship", "--date", "2026-04-11", "--orders", ORDER)
    assert [n["ddt"] for n in again.get("shipped", [])] == [], again


def _ddt_goods(url: str, number: str) -> list[tuple[str, Decimal, str]]:
    """The (item, quantity, unit) a DDT carried, voided or not, as the ledger keeps them."""
    ledger = open_ledger(url)
    d, vl, ol = schema.deliveries.c, schema.voided_lines.c, schema.order_lines.c
    series, year, sequence = number.split("-")
    with reading(ledger) as conn:
        found = [tuple(r) for r in conn.execute(
            select(ol.item, vl.quantity, ol.unit).join(schema.order_lines, ol.id == vl.order_line_id)
            .join(schema.deliveries, d.id == vl.delivery_id)
            .where(d.series == series, d.year == int(year), d.number == int(sequence)).order_by(vl.id))]
    ledger.engine.dispose()
    return found


def test_the_warning_of_a_closed_order_kept_closed_names_its_goods_and_how_to_ship_them(desk):
    toolkit, url = desk
    assert toolkit("orders status", ORDER, "--to", "chiuso")[0] == 0
    code, said = void(toolkit, DDT, json_out=False)
    assert code == 0, said
    goods = ", ".join(f"{item} {wording.quantity(quantity, 'it')} {unit}" for item, quantity, unit in _ddt_goods(url, DDT))
    flat = " ".join(said.split())
    assert (f"L'ordine {ORDER} è chiuso e resta chiuso: la sua merce sul DDT {DDT} annullato ({goods}) torna in "
            "magazzino e non ripartirà con esso" in flat and "fai un nuovo ordine per essa" in flat
            and f"Restano chiusi {ORDER}: la loro merce torna in magazzino, non da spedire." in flat
            and "da spedire sugli ordini" not in flat), said


def test_the_new_order_the_kept_closed_warning_asks_for_is_made_as_it_says(desk, sample_workbook, tmp_path, capsys):
    """The warning asked for a template valid on the delivery day alone, naming «Valido dal»,
    «Valido al» and «Righe modello»: made so, the data check refused it, «Pianificazione» being
    required. Made as it says now, the next day's creation makes the order of the DDT's goods."""
    toolkit, url = desk
    assert toolkit("orders status", ORDER, "--to", "chiuso")[0] == 0
    code, done = void(toolkit, DDT)
    [said] = [" ".join(p["message"].split()) for p in done["problems"] if p["code"] == "ddt-void-order-kept-closed"]
    assert "«Pianificazione» Giornaliero, «Valido dal» e «Valido al» il giorno di consegna" in said, said
    code, listed = toolkit("orders list")
    customer = next(o["customer"] for o in listed["orders"] if o["number"] == ORDER)
    workbook = shutil.copy(sample_workbook, tmp_path / "anagrafiche-t900.xlsx")
    book = openpyxl.load_workbook(workbook)
    for sheet, rows in (("Modelli ordine", [{"Codice": "T900", "Cliente": customer, "Pianificazione": "Giornaliero",
                                             "Valido dal": "05/05/2026", "Valido al": "05/05/2026"}]),
                        ("Righe modello", [{"Modello": "T900", "Articolo": item, "Quantità": float(quantity)}
                                           for item, quantity, _ in _ddt_goods(url, DDT)])):
        heads = [cell.value for cell in book[sheet][1]]
        for row in rows:
            book[sheet].append([row.get(head) for head in heads])
    book.save(workbook)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-05-05", "--only", "T900", "--ledger", url,
                     "--json")
    made = json.JSONDecoder().raw_decode(said)[0]
    assert code == 0 and [(o["template"], o["date"], o["customer"], o["lines"]) for o in made["created"]] == [
        ("T900", "2026-05-05", customer, len(_ddt_goods(url, DDT)))], made


def test_numbers_that_name_no_ddt_to_void_are_refused_exit_2(desk):
    toolkit, url = desk
    for typed, code in (("DDT-2026-00099", "ddt-void-unknown"), ("SERVIZI-2026-00001", "ddt-void-services"),
                        ("abc", "ddt-void-unknown")):
        said = void(toolkit, typed)
        assert (said[0], [p["code"] for p in said[1]["problems"]]) == (2, [code]), typed
    assert rows(url, schema.voided_deliveries) == 0


def test_a_ddt_typed_a_day_late_is_voided_and_shipped_again_on_the_day_before(desk):
    """As docs/commands.md says (`toolkit ship`): a voided DDT holds no date back, so the DDT of 10/04 typed for the
    9th is set right by voiding it and shipping on the 9th, which takes the next number."""
    toolkit, _ = desk
    assert void(toolkit, DDT)[0] == 0
    code, said = toolkit("ship", "--date", "2026-04-09", "--orders", ORDER)
    assert code == 0 and [(n["ddt"], n["orders"]) for n in said["shipped"]] == [("DDT-2026-00003", [ORDER])]


def test_month_end_after_a_void_invoices_the_new_ddt_and_not_the_voided_one(desk, tmp_path):
    toolkit, _ = desk
    assert void(toolkit, DDT)[0] == 0
    code, preview = toolkit("invoice", "--month", "2026-04", "--date", "2026-05-04", "--preview")
    assert not [i for i in preview["invoices"] if i["customer"] == "C010"], "nothing of C010 shipped"
    assert toolkit("ship", "--date", "2026-04-11", "--orders", ORDER)[0] == 0
    code, run = toolkit("invoice", "--month", "2026-04", "--date", "2026-05-04", "--out", str(tmp_path / "out"))
    assert code == 0, run
    [invoice] = [i for i in run["invoices"] if i["customer"] == "C010"]
    assert [d["number"] for d in invoice["ddts"]] == ["DDT-2026-00003"]
    assert not any(d["number"] == DDT for i in run["invoices"] for d in i["ddts"])


def figures(url: str, master) -> dict[str, Any]:
    """What the ledger says of stock, reservations, orders and credit, by numbers, not ids."""
    ledger = open_ledger(url)
    o, ol, r, sb = schema.orders.c, schema.order_lines.c, schema.reserved.c, schema.shipped_by_day.c
    with reading(ledger) as conn:
        number = {row.id: f"{row.series}-{row.year}-{row.number}" for row in conn.execute(
            select(o.id, o.series, o.year, o.number))}
        found = {
            "stock": available_stock(conn, master),
            "orders": sorted((number[row.id], row.status, row.unshipped_euros, row.unshipped_micros)
                             for row in conn.execute(select(o.id, o.status, o.unshipped_euros, o.unshipped_micros))),
            "lines": sorted((number[row.order_id], row.line_no, row.shipped)
                            for row in conn.execute(select(ol.order_id, ol.line_no, ol.shipped))),
            "reserved": sorted((row.item, number[row.order_id], row.quantity)
                               for row in conn.execute(select(r.item, r.order_id, r.quantity))),
            "shipped_by_day": sorted(conn.execute(select(sb.item, sb.delivery_date, sb.quantity)).all()),
            "exposure": exposures(conn, sorted({c.code for c in master.customers})),
            "uninvoiced": conn.execute(select(func.sum(schema.deliveries.c.uninvoiced_euros),
                                              func.sum(schema.deliveries.c.uninvoiced_micros))).one(),
        }
    ledger.engine.dispose()
    return found


def test_the_figures_after_a_void_are_those_of_a_ledger_where_it_never_shipped(desk, sample_workbook, sample_master,
                                                                               tmp_path, capsys):
    toolkit, url = desk
    never = f"sqlite:///{tmp_path / 'never.sqlite'}"
    assert cli(capsys, "orders", "create", sample_workbook, "--date", "2026-04-09", "--ledger", never)[0] == 0
    shipped = figures(url, sample_master)
    assert void(toolkit, DDT, "--reason", WHY)[0] == 0
    voided, expected = figures(url, sample_master), figures(never, sample_master)
    assert shipped["stock"] != expected["stock"] and shipped["reserved"] != expected["reserved"], "the scene moves them"
    for key in expected:
        assert voided[key] == expected[key], key


def test_a_voided_ddt_never_printed_is_neither_warned_nor_printed_as_unprinted(desk, tmp_path):
    toolkit, url = desk
    before = never_printed(url)
    assert DDT in [u.number for u in before.first]
    assert void(toolkit, DDT)[0] == 0
    after = never_printed(url)
    assert DDT not in [u.number for u in after.first] and after.total == before.total - 1
    code, said = toolkit("print ddt", "--unprinted", "--out", str(tmp_path / "u.xlsx"), json_out=False)
    assert code == 0 and openpyxl.load_workbook(tmp_path / "u.xlsx").sheetnames == ["DDT-2026-00001"]


def test_a_version_34_ledger_migrates_and_voids(tmp_path, sample_master):
    url = older_ledger(tmp_path, sample_master, 34, tables=["voided_lines", "voided_deliveries"], shipped=True)
    ledger = open_ledger(url)
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    from toolkit.services.ddt_void import void_ddt

    done = void_ddt(sample_master, ledger, "DDT-2026-00002", None)
    assert done.voided and not done.problems
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.voided_deliveries)).scalar_one() == 1
        kept = conn.execute(select(func.sum(schema.voided_lines.c.quantity))).scalar_one()
    ledger.engine.dispose()
    assert kept > Decimal(0)


def test_a_returns_ddt_is_refused_exit_2(desk):
    toolkit, url = desk
    assert toolkit("orders create", "--date", "2026-04-22", "--no-catch-up", "--only", "T029")[0] == 0
    code, listed = toolkit("orders list")
    returned = next(o["number"] for o in listed["orders"] if o["document_type"] == "return")
    code, shipped = toolkit("ship", "--date", "2026-04-22", "--orders", returned)
    [ddt] = [n["ddt"] for n in shipped["shipped"]]
    code, said = void(toolkit, ddt)
    assert (code, [p["code"] for p in said["problems"]]) == (2, ["ddt-void-return"])
    assert rows(url, schema.voided_deliveries) == 0


def test_a_ddt_whose_cash_on_delivery_was_collected_is_refused(ledger, tmp_path):
    """C002 pays cash on delivery and is invoiced *Immediato* (`test_cash_on_delivery`): its
    DDT is charged by the invoice made with the order. Once the driver's cash is recorded on
    that invoice, the DDT is not voided."""
    from test_cash_on_delivery import FIRST, cash_customer_master, shipped_ddts

    from toolkit.core.payments import PaymentEntry
    from toolkit.ledger.invoices import load_invoices
    from toolkit.services.ddt_void import void_ddt
    from toolkit.services.payments import record

    master = cash_customer_master(invoiced_at_order=True)
    number = shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")["C002"].title
    with reading(ledger) as conn:
        [invoice] = [x for x in load_invoices(conn) if x.customer == "C002"]
    assert not record(ledger, [PaymentEntry(invoice.number, FIRST, invoice.total)]).problems
    refused = void_ddt(master, ledger, number, None)
    assert (refused.voided, [p.code for p in refused.problems]) == (False, ["ddt-void-cash-collected"])
    assert invoice.number in refused.problems[0].render("it")
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.voided_deliveries)).scalar_one() == 0


def test_the_void_button_asks_first_then_voids_the_ddt_named_on_the_panel(tmp_path):
    """*Annulla DDT*: No does nothing; Yes voids the DDT in *DDT da annullare* for the reason
    beside it; pressed again, the box says it is voided already; an unknown number is told at
    its cell."""
    from test_excel_desk_buttons import fake, fill, ledger_of, press

    from toolkit.excel import void_delivery_note

    book = fake(tmp_path)
    press(book, "preview_orders")
    press(book, "create_orders")
    press(book, "ship")
    ledger = ledger_of(tmp_path)
    with reading(ledger) as conn:
        number = conn.execute(select(schema.deliveries.c.number)).scalars().first()
    ddt = f"DDT-2026-{number:05d}"
    fill(book, NumeroDDT=ddt, MotivoAnnulloDDT="Vettore sbagliato")
    book.answers = ["no"]
    before = len(book.alerts)
    void_delivery_note(book)
    [question] = book.alerts[before:]
    assert question == (f"Annullo il DDT {ddt}, perché: «Vettore sbagliato»? Resta nel registro con il suo numero, "
                        "segnato ANNULLATO, e la sua merce torna da spedire con un nuovo DDT. Non si può tornare "
                        "indietro. Confermi?", "Annulla DDT", "yes_no")
    assert rows_of(ledger, schema.voided_deliveries) == 0

    book.answers = ["yes"]
    _, shown = press(book, "void_delivery_note")
    assert shown[0].startswith(f"DDT {ddt} annullato: resta nel registro") and shown[2] == "info"
    with reading(ledger) as conn:
        assert conn.execute(select(schema.voided_deliveries.c.reason)).scalars().all() == ["Vettore sbagliato"]

    book.answers = ["yes"]
    _, shown = press(book, "void_delivery_note")
    assert shown[0].startswith(f"Il DDT {ddt} è già annullato (") and shown[0].endswith("nulla è cambiato.")

    fill(book, NumeroDDT="DDT-2026-00099")
    book.answers = ["yes"]
    _, shown = press(book, "void_delivery_note")
    assert "Pannello!B20" in shown[0] and "DDT-2026-00099 non esiste" in shown[0] and shown[2] == "critical"
    assert rows_of(ledger, schema.voided_deliveries) == 1


def rows_of(ledger, table) -> int:
    with reading(ledger) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.mark.parametrize(("at", "lang", "shown"), [
    (datetime(2026, 5, 4, 22, 30), "it", "ANNULLATO il 05/05/2026 da mario: Vettore sbagliato"),
    (datetime(2026, 5, 4, 21, 30), "it", "ANNULLATO il 04/05/2026 da mario: Vettore sbagliato"),
    (datetime(2026, 1, 4, 23, 30), "en", "VOIDED on 05/01/2026 by mario: Vettore sbagliato"),
])
def test_the_day_a_ddt_was_voided_is_romes(at, lang, shown):
    """The ledger keeps the moment in UTC; the printed DDT says the day as the desk lived it."""
    from toolkit.core.ddt_void import Voided

    assert Voided("Vettore sbagliato", at, "mario").shown(lang) == shown


def test_the_note_of_a_ddt_voided_already_gives_the_reason_as_the_printed_ddt_does_in_either_language():
    """The reason as the desk typed it, after a colon, as the reprint prints it: the English note
    carried it in Italian quotation marks («…»)."""
    from toolkit.core.ddt_void import DdtState, Voided, already
    from toolkit.core.shipping import Reason

    voided = Voided(WHY, datetime(2026, 5, 4, 22, 30), "mario")
    note = already(DdtState(DDT, "DDT", Reason.SALE, voided, (), (), (), ()))
    assert note is not None
    assert note.message("en") == f"DDT {DDT} is voided already (05/05/2026, mario: {WHY}): nothing changed."
    assert note.message("it") == f"Il DDT {DDT} è già annullato (05/05/2026, mario: {WHY}): nulla è cambiato."
    bare = already(DdtState(DDT, "DDT", Reason.SALE, Voided(None, voided.at, "mario"), (), (), (), ()))
    assert bare is not None and bare.message("en") == f"DDT {DDT} is voided already (05/05/2026, mario): nothing changed."


def test_a_void_wakes_the_orders_held_for_stock_and_only_those(sample_workbook, ledger_url, rome_today, capsys):
    """`ship --all` of 10 April keeps OC-2026-00006 on hold for A040 and OC-2026-00001 for its
    prepayment. Voiding a DDT brings goods back, so the next day plans the stock hold again
    (its own warning, held since no day before) and leaves the payment hold as it was."""
    rome_today(date(2026, 4, 11))

    def toolkit(verb: str, *args: str, json_out: bool = True) -> tuple[int, Any]:
        code, said = cli(capsys, *verb.split(), sample_workbook, *args, "--ledger", ledger_url, "--json")
        return code, json.JSONDecoder().raw_decode(said)[0]

    assert toolkit("orders create", "--date", "2026-04-09")[0] == 0
    code, first = toolkit("ship", "--date", "2026-04-10", "--all")
    assert {h["order"]: h["reason"] for h in first["held"]}["OC-2026-00006"] == "ship-order-held"
    [ddt] = [n["ddt"] for n in first["shipped"] if n["orders"] == ["OC-2026-00005"]]
    assert void(toolkit, ddt)[0] == 0
    code, next_day = toolkit("ship", "--date", "2026-04-11", "--all")
    since = {h["order"]: h["since"] for h in next_day["held"]}
    assert (since["OC-2026-00006"], since["OC-2026-00001"]) == (None, "2026-04-10")
    assert "OC-2026-00005" in [o for n in next_day["shipped"] for o in n["orders"]], "it ships again"


def test_the_services_recorded_with_a_voided_ddt_are_voided_with_it_and_month_end_invoices_neither(ledger, tmp_path):
    """C001's mixed order ships A001 on DDT-2026-00001 and records its service A002 as
    SERVIZI-2026-00001 (`test_services_no_ddt`); C002's services-only order is SERVIZI-2026-00002.
    The truck did not leave: the services that went with its goods were not rendered, so month
    end invoiced them alone while the goods waited. Voided with the DDT, they are recorded again
    by the next ship; C002's services, of no order the DDT carried, stay rendered."""
    from test_services_no_ddt import APRIL, THURSDAY, service_master

    from toolkit.core.invoicing import Request
    from toolkit.services import invoicing
    from toolkit.services.ddt_void import void_ddt
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    master = service_master()
    create(master, ledger, THURSDAY, with_catch_up=False, lang="it")
    shipped = ship(master, ledger, THURSDAY, all_open=True, lang="it")
    assert [n.number for n in shipped.rendered] == ["SERVIZI-2026-00001", "SERVIZI-2026-00002"]

    done = void_ddt(master, ledger, "DDT-2026-00001", WHY)
    assert (done.voided, done.services, done.orders) == (True, ("SERVIZI-2026-00001",), ("OC-2026-00001",))
    assert "Annullati con esso i servizi resi registrati con la sua merce: SERVIZI-2026-00001" in done.summary("it")
    d, vd = schema.deliveries.c, schema.voided_deliveries.c
    with reading(ledger) as conn:
        voided = conn.execute(select(d.series, d.number, vd.reason).join(schema.voided_deliveries,
                                                                         vd.delivery_id == d.id)).all()
    assert sorted(tuple(r) for r in voided) == [("DDT", 1, WHY), ("SERVIZI", 1, WHY)]
    e = schema.events.c
    with reading(ledger) as conn:
        logged = conn.execute(select(e.document, e.number).where(e.action == "ddt-voided", e.document != "order")).all()
    assert sorted(tuple(r) for r in logged) == [("delivery", "DDT-2026-00001"), ("services", "SERVIZI-2026-00001")]
    preview = invoicing.run(ledger, master, Request(APRIL, date(2026, 4, 30)), preview=True, lang="it")
    assert [(x.customer, [ref.number for ref in x.deliveries]) for x in preview.invoices] == [
        ("C002", ["SERVIZI-2026-00002"])]

    again = ship(master, ledger, date(2026, 4, 10), all_open=True, lang="it")
    assert [(n.number, [ln.item for ln in n.lines]) for n in (*again.ddts, *again.rendered)] == [
        ("DDT-2026-00002", ["A001"]), ("SERVIZI-2026-00003", ["A002"])]


def test_a_services_record_shared_with_another_order_stays_rendered_and_never_blocks_the_void(ledger):
    """C001's services-only order T005 ships the same Thursday as its mixed T001, and one record,
    SERVIZI-2026-00001, carries both orders' services. Voiding DDT-2026-00001 (T001's goods)
    voided it whole, so T005's services, which did not travel with the truck, were recorded
    again another day; once T005 was closed the void was refused at «Il DDT SERVIZI-…», calling
    the record a DDT and asking for a new order. The record stays rendered and is named."""
    import minimal
    from test_services_no_ddt import THURSDAY, service_sheets

    from toolkit.core.orders import OrderStatus
    from toolkit.intake.validation import check
    from toolkit.services.ddt_void import void_ddt
    from toolkit.services.order_status import change_status
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    sheets = service_sheets()
    t001 = next(row for row in sheets["Modelli ordine"] if row[0] == "T001")
    sheets["Modelli ordine"].append(["T005", *t001[1:]])
    sheets["Righe modello"].append(["T005", "A002", 5, None, None])
    master = check(minimal.workbook(sheets)).master
    create(master, ledger, THURSDAY, with_catch_up=False, lang="it")
    shipped = ship(master, ledger, THURSDAY, all_open=True, lang="it")
    [shared] = [n for n in shipped.rendered if n.customer == "C001"]
    assert (shared.number, len({line.order_id for line in shared.lines})) == ("SERVIZI-2026-00001", 2)
    assert change_status(ledger, "OC-2026-00004", OrderStatus.CLOSED).problems == []

    done = void_ddt(master, ledger, "DDT-2026-00001", WHY)
    assert (done.voided, done.problems, done.services, done.services_kept) == (True, [], (), ("SERVIZI-2026-00001",))
    assert "Restano resi SERVIZI-2026-00001: registrano anche servizi di altri ordini" in done.summary("it")
    assert "Still rendered, SERVIZI-2026-00001: they record services of other orders too" in done.summary("en")
    d, vd = schema.deliveries.c, schema.voided_deliveries.c
    with reading(ledger) as conn:
        voided = conn.execute(select(d.series, d.number).join(schema.voided_deliveries, vd.delivery_id == d.id)).all()
    assert [tuple(r) for r in voided] == [("DDT", 1)]


def test_a_ddt_of_two_orders_closed_since_warns_of_each_with_its_own_goods(ledger):
    """C001's T001 and a second template of its ship on one DDT the same Thursday, and both
    orders are closed since. Each is warned of on its own, with its own goods on the DDT: a warning
    of both once read «L'ordine OC-2026-00001, OC-2026-00003 era chiuso»."""
    import minimal
    from test_services_no_ddt import THURSDAY, service_sheets

    from toolkit.core.orders import OrderStatus
    from toolkit.intake.validation import check
    from toolkit.services.ddt_void import void_ddt
    from toolkit.services.order_status import change_status
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    sheets = service_sheets()
    t001 = next(row for row in sheets["Modelli ordine"] if row[0] == "T001")
    sheets["Modelli ordine"].append(["T005", *t001[1:]])
    sheets["Righe modello"].append(["T005", "A001", 2, None, None])
    master = check(minimal.workbook(sheets)).master
    create(master, ledger, THURSDAY, with_catch_up=False, lang="it")
    [note] = ship(master, ledger, THURSDAY, all_open=True, lang="it").ddts
    with reading(ledger) as conn:
        numbers = dict(conn.execute(select(schema.orders.c.id, schema.orders.c.number)).all())
    orders = sorted(f"OC-2026-{numbers[i]:05d}" for i in {line.order_id for line in note.lines})
    assert len(orders) == 2
    for order in orders:
        assert change_status(ledger, order, OrderStatus.CLOSED).problems == []
    done = void_ddt(master, ledger, note.number, WHY)
    assert (done.reopened, done.kept_closed) == ((), tuple(orders))
    warned = [p for p in done.problems if p.code == "ddt-void-order-kept-closed"]
    goods = {order: ", ".join(f"{line.item} {wording.quantity(line.quantity, 'it')} {line.unit}"
                              for line in note.lines if line.order_number == order) for order in orders}
    assert [p.message("it").split(" torna in magazzino")[0] for p in warned] == [
        f"L'ordine {order} è chiuso e resta chiuso: la sua merce sul DDT {note.number} annullato ({goods[order]})"
        for order in orders]


def test_a_closed_orders_goods_back_from_a_voided_ddt_are_nothing_to_ship_on_the_panel_the_list_and_orders_list(
        desk, tmp_path):
    """The void above keeps OC-2026-00009 closed, its goods back in stock and shipped by no
    `ship`: the panel's «Qtà da spedire», its lines' sheet, `orders list` and the complete list
    said its whole quantity was to ship, as if the van should still take it."""
    toolkit, url = desk
    assert toolkit("orders status", ORDER, "--to", "chiuso")[0] == 0
    assert void(toolkit, DDT, "--reason", WHY)[0] == 0
    assert toolkit("panel", "--all", "--out", str(tmp_path / "pannello.xlsx"), json_out=False)[0] == 0
    book = openpyxl.load_workbook(tmp_path / "pannello.xlsx")
    panel, lines = book.worksheets[0], book.worksheets[1]
    heads, line_heads = [c.value for c in panel[1]], [c.value for c in lines[1]]
    [row] = [r for r in panel.iter_rows(min_row=2, values_only=True) if r[0] == ORDER]
    assert (row[heads.index("Stato")], row[heads.index("Qtà ordinata")] > 0, row[heads.index("Qtà da spedire")]) == (
        "Chiuso", True, 0)
    ordered = [r for r in lines.iter_rows(min_row=2, values_only=True) if r[0] == ORDER]
    assert ordered and [(r[line_heads.index("Qtà spedita")], r[line_heads.index("Qtà da spedire")])
                        for r in ordered] == [(0, 0)] * len(ordered)
    code, listed = toolkit("orders list")
    [order] = [o for o in listed["orders"] if o["number"] == ORDER]
    assert (order["status"], Decimal(str(order["quantity"])) > 0, Decimal(str(order["to_ship"]))) == (
        "closed", True, Decimal(0))
    assert toolkit("distribution", "--date", "2026-04-09", "--complete", "--out",
                   str(tmp_path / "completa.xlsx"), json_out=False)[0] == 0
    sheet = openpyxl.load_workbook(tmp_path / "completa.xlsx").worksheets[0]
    head_row = next(r for r in sheet.iter_rows(values_only=True) if "Da spedire" in r or "Qtà da spedire" in r)
    column = head_row.index("Da spedire" if "Da spedire" in head_row else "Qtà da spedire")
    number = next(i for i, h in enumerate(head_row) if h in ("Ordine", "Numero"))
    on_list = [r[column] for r in sheet.iter_rows(values_only=True) if r[number] == ORDER]
    assert on_list and set(on_list) == {0}
