"""Two copies of the workbook on one team ledger, one a version behind, as a desk of two assistants
and a warehouse clerk lives it.

The assistant's copy has a customer the warehouse's copy has not yet. The warehouse's `ship
--all` holds that customer's order (`ship-customer-not-in-workbook`), and its message said the
customer was *no longer* on the sheet and to close or void the order: the clerk was told to void
a colleague's new customer's order, where the copy was the one behind. It now says the
colleague's copy may have it, and once the row is copied in, the next `ship --all` ships it.
That copy's `orders create` names the order its templates do not plan
(`order-no-longer-planned`) as perhaps a colleague's template, not only one taken off.

One assistant changed a template's lines in her copy after the other made that day's order with
his: her run said only *1 già esistente*, and she believed her change was in the order."""

from __future__ import annotations

import json
import shutil
from datetime import date

import openpyxl
from desks import without_customer

from toolkit.cli import app, output

NEW, DAY = "C019", "2026-04-07"


def toolkit(capsys, *args: object) -> tuple[int, dict]:
    """One command line in this process, `--json`: its exit code and its answer."""
    app._register()
    output.reset()
    code = app.run([str(a) for a in (*args, "--json")])
    return code, json.loads(capsys.readouterr().out)


def test_the_warehouse_copy_one_customer_behind_is_told_to_copy_it_in_not_to_void_its_order(
        capsys, tmp_path, sample_workbook, ledger_url):
    assistant, warehouse = tmp_path / "anna" / "anagrafiche.xlsx", tmp_path / "magazzino" / "anagrafiche.xlsx"
    for copy in (assistant, warehouse):
        copy.parent.mkdir()
        shutil.copy(sample_workbook, copy)
    without_customer(warehouse, NEW)
    code, created = toolkit(capsys, "orders", "create", assistant, "--date", DAY, "--ledger", ledger_url)
    assert code == 0, created
    [number] = [o["number"] for o in created["created"] if o["customer"] == NEW]

    code, again = toolkit(capsys, "orders", "create", warehouse, "--date", DAY, "--ledger", ledger_url)
    assert code == 0 and not again["created"], again
    [unplanned] = [p for p in again["problems"] if p["code"] == "order-no-longer-planned"]
    assert number in unplanned["message"]
    assert "oppure non ancora in questa copia della cartella, se l'ha aggiunto un collega" in unplanned["message"]

    code, shipped = toolkit(capsys, "ship", warehouse, "--date", DAY, "--all", "--ledger", ledger_url)
    assert code == 0, shipped
    [told] = [p for p in shipped["problems"] if p["code"] == "ship-customer-not-in-workbook"]
    assert number in told["message"] and "non è più" not in told["message"]
    assert "Se un collega l'ha aggiunto nella sua copia della cartella, copia qui la sua riga" in told["message"]
    assert [number] == [h["order"] for h in shipped["held"] if h["reason"] == told["code"]]

    book = openpyxl.load_workbook(warehouse)
    row = next(r for r in openpyxl.load_workbook(assistant)["Clienti"].iter_rows(values_only=True) if r[0] == NEW)
    book["Clienti"].append(list(row))
    book.save(warehouse)
    code, shipped = toolkit(capsys, "ship", warehouse, "--date", DAY, "--all", "--ledger", ledger_url)
    assert code == 0, shipped
    assert [number] == [o for ddt in shipped["shipped"] if ddt["customer"] == NEW for o in ddt["orders"]]



def _first_line(workbook, template: str) -> tuple[int, object]:
    """The row on *Righe modello* of `template`'s first line, and that line's quantity."""
    sheet = openpyxl.load_workbook(workbook)["Righe modello"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == template)
    return row, sheet.cell(row, 3).value


def test_a_template_changed_after_a_colleague_made_its_order_is_told_at_its_line(
        capsys, tmp_path, sample_workbook, ledger_url):
    """Bruno's copy, one version behind, made the day's orders; Anna had raised T010's first line
    by 100 in hers and created the day too: told only *1 già esistente* for each, she believed
    her change was in the order. It is named now at the line's *Quantità*, with what the order
    holds; a copy that did not change says nothing of it."""
    anna, bruno = tmp_path / "anna" / "anagrafiche.xlsx", tmp_path / "bruno" / "anagrafiche.xlsx"
    for copy in (anna, bruno):
        copy.parent.mkdir()
        shutil.copy(sample_workbook, copy)
    row, quantity = _first_line(anna, "T010")
    book = openpyxl.load_workbook(anna)
    book["Righe modello"].cell(row, 3).value = quantity + 100
    book.save(anna)
    code, created = toolkit(capsys, "orders", "create", bruno, "--date", DAY, "--ledger", ledger_url)
    assert code == 0, created
    [number] = [o["number"] for o in created["created"] if o["template"] == "T010"]

    code, again = toolkit(capsys, "orders", "create", anna, "--date", DAY, "--ledger", ledger_url)
    assert code == 0 and not again["created"], again
    [told] = [p for p in again["problems"] if p["code"] == "order-template-lines-after-order"]
    assert (told["sheet"], told["cell"], told["severity"]) == ("Righe modello", f"C{row}", "warning")
    assert told["message"].startswith(f"L'ordine {number} del 07/04/2026 (modello T010) era già stato creato con ")

    code, again = toolkit(capsys, "orders", "create", bruno, "--date", DAY, "--ledger", ledger_url)
    assert code == 0 and not [p for p in again["problems"] if p["code"] == told["code"]], again


def _customer_now(workbook, code: str, **cells: object) -> None:
    """`code`'s row on *Clienti* of `workbook` with these cells (by heading) changed."""
    book = openpyxl.load_workbook(workbook)
    sheet = book["Clienti"]
    headings = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)
    for heading, value in cells.items():
        sheet.cell(row, headings.index(heading) + 1).value = value
    book.save(workbook)


OTHER = {"Ragione sociale": "Ristorante Diverso S.r.l.", "Partita IVA": "76543210017", "Codice fiscale": None,
         "Indirizzo": "Via Nizza 5", "CAP": "10125", "Città": "Torino", "Provincia": "TO"}


def test_an_order_made_for_another_company_of_the_same_code_is_held_not_shipped_to_it(
        capsys, tmp_path, sample_workbook, ledger_url):
    """Anna's copy and Bruno's each have a customer of one code, two companies: Anna made the
    day's order for hers, and the warehouse, with Bruno's copy, shipped it to his, in Torino,
    without a word. The order keeps the customer it printed; a copy whose customer of that code
    has another partita IVA holds it, naming both companies, at `ship` and at `orders create`."""
    anna, bruno, created = _two_companies_one_code(capsys, tmp_path, sample_workbook, ledger_url)
    [number] = [o["number"] for o in created["created"] if o["customer"] == NEW]

    code, again = toolkit(capsys, "orders", "create", bruno, "--date", DAY, "--ledger", ledger_url)
    assert code == 0 and not again["created"], again
    [told] = [p for p in again["problems"] if p["code"] == "ship-customer-another-company"]
    assert number in told["message"] and "Ristorante Diverso S.r.l., Torino" in told["message"]
    assert "76543210017" in told["message"]

    for chosen in (("--orders", number), ("--all",)):
        code, shipped = toolkit(capsys, "ship", bruno, "--date", DAY, *chosen, "--ledger", ledger_url)
        assert code == 0, shipped
        assert not [ddt for ddt in shipped["shipped"] if number in ddt["orders"]], chosen
        [told] = [p for p in shipped["problems"] if p["code"] == "ship-customer-another-company"]
        assert number in told["message"] and "Ristorante Diverso S.r.l., Torino (76543210017)" in told["message"]
        assert (told["sheet"], told["cell"]) == ("Clienti", f"C{_row_of(bruno, NEW)}")  # its Partita IVA
        assert [number] == [h["order"] for h in shipped["held"] if h["reason"] == told["code"]]

    name, vat = _company_of(anna, NEW)
    _customer_now(bruno, NEW, **{"Ragione sociale": name, "Partita IVA": vat})
    code, shipped = toolkit(capsys, "ship", bruno, "--date", DAY, "--orders", number, "--ledger", ledger_url)
    assert code == 0, shipped
    assert not [p for p in shipped["problems"] if p["code"] == "ship-customer-another-company"]
    [ddt] = [ddt["ddt"] for ddt in shipped["shipped"] if number in ddt["orders"]]
    assert _printed_for(ledger_url, ddt) == ("Albergo", "Torino")  # the same company, moved: its new address


def _row_of(workbook, code: str) -> int:
    """The row of customer `code` on *Clienti*."""
    sheet = openpyxl.load_workbook(workbook)["Clienti"]
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)


def _two_companies_one_code(capsys, tmp_path, sample_workbook, ledger_url) -> tuple[object, object, dict]:
    """Anna's copy and Bruno's, his C019 another company (`OTHER`), and what Anna's `orders
    create` of `DAY` answered."""
    anna, bruno = tmp_path / "anna" / "anagrafiche.xlsx", tmp_path / "bruno" / "anagrafiche.xlsx"
    for copy in (anna, bruno):
        copy.parent.mkdir()
        shutil.copy(sample_workbook, copy)
    _customer_now(bruno, NEW, **OTHER)
    code, created = toolkit(capsys, "orders", "create", anna, "--date", DAY, "--ledger", ledger_url)
    assert code == 0, created
    return anna, bruno, created


def _note(url: str, number: str):
    """DDT `number` as the ledger keeps it."""
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import reading
    from toolkit.ledger.deliveries import load_notes

    ledger = open_ledger(url)
    try:
        with reading(ledger) as conn:
            [note] = [n for n in load_notes(conn) if n.number == number]
    finally:
        ledger.engine.dispose()
    return note


def _printed_for(url: str, number: str) -> tuple[str, str]:
    """The first word of the customer's name and the town DDT `number` printed, as the ledger keeps them."""
    note = _note(url, number)
    assert note.parties is not None and note.parties.buyer is not None
    return note.parties.buyer.name.split()[0], note.parties.buyer.city


def _company_of(workbook, code: str) -> tuple[object, object]:
    """The name and partita IVA of customer `code` on *Clienti*."""
    sheet = openpyxl.load_workbook(workbook)["Clienti"]
    return next((r[1], r[2]) for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == code)


def test_a_ddt_made_out_to_another_company_of_the_same_code_is_not_invoiced_to_it(
        capsys, tmp_path, sample_workbook, ledger_url):
    """The month-end invoice names its customer as the copy that runs it has it: a DDT Anna's
    copy made out to her C019 would be invoiced to Bruno's C019, another company. Its lines are
    left out with a warning naming both, and the others are invoiced."""
    anna, bruno, created = _two_companies_one_code(capsys, tmp_path, sample_workbook, ledger_url)
    code, shipped = toolkit(capsys, "ship", anna, "--date", DAY, "--all", "--ledger", ledger_url)
    assert code == 0, shipped
    [ddt] = [ddt["ddt"] for ddt in shipped["shipped"] if ddt["customer"] == NEW]

    month = ("invoice", "run", "--month", "2026-04", "--date", "2026-04-30", "--out", tmp_path / "out", "--ledger",
             ledger_url)
    code, run = toolkit(capsys, *month[:2], bruno, *month[2:])
    assert code == 0, run
    [told] = [p for p in run["problems"] if p["code"] == "invoice-customer-another-company"]
    assert ddt in told["message"] and "Ristorante Diverso S.r.l., Torino (76543210017)" in told["message"]
    assert (told["sheet"], told["cell"]) == ("Clienti", f"C{_row_of(bruno, NEW)}")
    assert run["invoices"] and not [i for i in run["invoices"] if i["customer"] == NEW]
    code, run = toolkit(capsys, *month[:2], anna, *month[2:])
    assert code == 0, run
    assert [ddt] == [d["number"] for i in run["invoices"] if i["customer"] == NEW for d in i["ddts"]]


def test_a_customer_given_a_new_partita_iva_under_its_code_is_invoiced_its_old_ddts_as_the_readme_says(
        capsys, tmp_path, sample_workbook, ledger_url):
    """A ditta individuale become an S.r.l. keeps its code and takes a new partita IVA: its DDT
    made out before is another company's to this copy, left out of the month-end run. The way out
    docs/shipping.md gives — the old partita IVA back for `invoice run --customer`, then the new one —
    invoices it to the company that had the goods, and later runs say nothing of it."""
    anna = tmp_path / "anna" / "anagrafiche.xlsx"
    anna.parent.mkdir()
    shutil.copy(sample_workbook, anna)
    assert toolkit(capsys, "orders", "create", anna, "--date", DAY, "--ledger", ledger_url)[0] == 0
    code, shipped = toolkit(capsys, "ship", anna, "--date", DAY, "--all", "--ledger", ledger_url)
    [ddt] = [d["ddt"] for d in shipped["shipped"] if d["customer"] == NEW]
    name, vat = _company_of(anna, NEW)
    converted = {"Ragione sociale": "Albergo Il Borgo S.r.l. unipersonale", "Partita IVA": "76543210017"}
    _customer_now(anna, NEW, **converted)
    month = ("invoice", "run", anna, "--month", "2026-04", "--date", "2026-04-30", "--out", tmp_path / "out",
             "--ledger", ledger_url)
    code, run = toolkit(capsys, *month, "--preview")
    assert any(p["code"] == "invoice-customer-another-company" and ddt in p["message"] for p in run["problems"])

    _customer_now(anna, NEW, **{"Ragione sociale": name, "Partita IVA": vat})
    code, run = toolkit(capsys, *month, "--customer", NEW)
    assert code == 0, run
    assert [(NEW, [ddt])] == [(i["customer"], [d["number"] for d in i["ddts"]]) for i in run["invoices"]]
    _customer_now(anna, NEW, **converted)
    code, run = toolkit(capsys, *month, "--preview")
    assert not [p for p in run["problems"] if p["code"] == "invoice-customer-another-company"], run


def _copies(tmp_path, sample_workbook) -> tuple[object, object]:
    """Anna's copy of the sample and Bruno's."""
    anna, bruno = tmp_path / "anna" / "anagrafiche.xlsx", tmp_path / "bruno" / "anagrafiche.xlsx"
    for copy in (anna, bruno):
        copy.parent.mkdir()
        shutil.copy(sample_workbook, copy)
    return anna, bruno


def test_a_quotation_made_for_another_company_of_the_same_code_is_not_confirmed_to_it(
        capsys, tmp_path, sample_workbook, ledger_url):
    """Anna's copy made May's quotation for her customer; Bruno's copy, whose customer of that
    code is another company, confirmed it: the order, and for a customer *Immediato* its
    invoice issued at once, went to his company, with nothing said. It is refused, nothing
    stored, at his customer's *Partita IVA*; aligned, it is confirmed."""
    anna, bruno = _copies(tmp_path, sample_workbook)
    code, created = toolkit(capsys, "orders", "create", anna, "--date", "2026-05-15", "--no-catch-up",
                            "--ledger", ledger_url)
    assert code == 0, created
    code, listed = toolkit(capsys, "orders", "list", anna, "--ledger", ledger_url)
    [(quotation, customer)] = [(o["number"], o["customer"]) for o in listed["orders"]
                               if o["document_type"] == "quotation"]
    name, vat = _company_of(bruno, customer)
    _customer_now(bruno, customer, **OTHER)

    code, refused = toolkit(capsys, "orders", "confirm", bruno, quotation, "--date", "2026-05-15",
                            "--ledger", ledger_url)
    assert code != 0 and not refused.get("order"), refused
    [told] = [p for p in refused["problems"] if p["code"] == "confirm-customer-another-company"]
    assert (told["severity"], told["sheet"], told["cell"]) == ("error", "Clienti", f"C{_row_of(bruno, customer)}")
    assert quotation in told["message"] and "Ristorante Diverso S.r.l., Torino (76543210017)" in told["message"]
    code, again = toolkit(capsys, "orders", "list", bruno, "--ledger", ledger_url)
    assert {o["number"] for o in again["orders"]} == {o["number"] for o in listed["orders"]}

    _customer_now(bruno, customer, **{"Ragione sociale": name, "Partita IVA": vat})
    code, confirmed = toolkit(capsys, "orders", "confirm", bruno, quotation, "--date", "2026-05-15",
                              "--ledger", ledger_url)
    assert code == 0 and confirmed["order"], confirmed


def test_documents_held_for_their_day_of_another_companys_order_keep_waiting(
        capsys, tmp_path, sample_workbook, ledger_url, rome_today):
    """Anna's copy created tomorrow's orders today; T004's customer is invoiced *Immediato*, so
    its invoice waits for its day. On the day Bruno's copy, whose customer of that code is
    another company, created the day: the invoice at the order went to his company. Its
    documents keep waiting, named at his customer's *Partita IVA*; the others are issued."""
    anna, bruno = _copies(tmp_path, sample_workbook)
    rome_today(date(2026, 10, 1))
    code, created = toolkit(capsys, "orders", "create", anna, "--date", "2026-10-02", "--no-catch-up",
                            "--ledger", ledger_url)
    assert code == 0, created
    waiting = {row["template"]: row for row in created["created"] if "documents_on" in row}
    held = waiting.pop("T004")
    _customer_now(bruno, held["customer"], **OTHER)

    rome_today(date(2026, 10, 2))
    code, out = toolkit(capsys, "orders", "create", bruno, "--date", "2026-10-02", "--ledger", ledger_url)
    assert code == 0, out
    assert sorted(out["documents_due"]) == sorted(row["number"] for row in waiting.values()) and waiting
    [told] = [p for p in out["problems"] if p["code"] == "held-documents-customer-another-company"]
    assert (told["sheet"], told["cell"]) == ("Clienti", f"C{_row_of(bruno, held['customer'])}")
    assert held["number"] in told["message"] and "Ristorante Diverso S.r.l., Torino" in told["message"]
    code, listed = toolkit(capsys, "orders", "list", bruno, "--ledger", ledger_url)
    assert next(o["documents_on"] for o in listed["orders"] if o["number"] == held["number"]) == "2026-10-02"

    code, out = toolkit(capsys, "orders", "create", anna, "--date", "2026-10-02", "--ledger", ledger_url)
    assert code == 0 and out["documents_due"] == [held["number"]], out


def _stock(workbook, item: str, quantity: int) -> None:
    """`item`'s quantity on *Giacenze* of `workbook`."""
    book = openpyxl.load_workbook(workbook)
    sheet = book["Giacenze"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == item)
    sheet.cell(row, 2).value = quantity
    book.save(workbook)


def test_a_day_planned_again_without_another_companys_order_keeps_its_goods_for_it(
        capsys, tmp_path, sample_workbook, ledger_url):
    """T009's order (C030, 5 of A040) is first in A040's queue, and the warehouse has 5. Bruno's
    copy, whose C030 is another company, plans the day again (`--replan`) without that order,
    and its reservation still counts: T030's order after it waits, naming it. It is a real
    order of a real company, held in this copy only: Anna's copy, which has its customer, ships
    it its 5 — had Bruno's copy given them to T030's order, hers would have found none."""
    anna, bruno = _copies(tmp_path, sample_workbook)
    for copy in (anna, bruno):
        _stock(copy, "A040", 5)
    _customer_now(bruno, "C030", **{**OTHER, "Codice fiscale": "76543210017"})
    code, created = toolkit(capsys, "orders", "create", anna, "--date", DAY, "--ledger", ledger_url)
    assert code == 0, created
    first, later = (next(o["number"] for o in created["created"] if o["template"] == t) for t in ("T009", "T030"))

    code, shipped = toolkit(capsys, "ship", bruno, "--date", DAY, "--all", "--replan", "--ledger", ledger_url)
    assert code == 0, shipped
    held = {h["order"]: h["reason"] for h in shipped["held"]}
    assert (held[first], held[later]) == ("ship-customer-another-company", "ship-order-held"), held
    [reserved] = [p for p in shipped["problems"] if p["code"] == "stock-reserved" and later in p["message"]]
    assert f"({first}, " in reserved["message"] and "restano 0 per questo ordine" in reserved["message"]

    code, shipped = toolkit(capsys, "ship", anna, "--date", DAY, "--orders", first, "--ledger", ledger_url)
    assert code == 0, shipped
    [ddt] = [ddt["ddt"] for ddt in shipped["shipped"] if first in ddt["orders"]]
    assert ("A040", 5) in _lines_of(ledger_url, ddt)


def _lines_of(url: str, number: str) -> list[tuple[str, int]]:
    """The items and quantities DDT `number` carries, as the ledger keeps them."""
    return [(line.item, line.quantity) for line in _note(url, number).lines]


def test_an_order_invoiced_without_a_ddt_made_for_another_company_is_not_invoiced_to_it(
        capsys, tmp_path, sample_workbook, ledger_url):
    """The month-end run invoices a customer *Immediato*'s order lines that no invoice at the
    order covered, with no DDT to check: Anna's copy made the day's order for her C019, and
    Bruno's copy, whose C019 is another company invoiced *Immediato*, invoiced it to his
    company. Its lines are left out with a warning naming the order and both companies, at his
    customer's *Partita IVA*; Anna's own run invoices nothing of it by the order, as before."""
    anna, bruno, created = _two_companies_one_code(capsys, tmp_path, sample_workbook, ledger_url)
    [number] = [o["number"] for o in created["created"] if o["customer"] == NEW]
    _customer_now(bruno, NEW, **{"Termini di fatturazione": "Immediato"})

    month = ("invoice", "run", "--month", "2026-04", "--date", "2026-04-30", "--out", tmp_path / "out", "--ledger",
             ledger_url)
    code, run = toolkit(capsys, *month[:2], bruno, *month[2:])
    assert code == 0, run
    assert not [i for i in run["invoices"] if i["customer"] == NEW], run["invoices"]
    [told] = [p for p in run["problems"] if p["code"] == "invoice-order-customer-another-company"]
    assert number in told["message"] and "Ristorante Diverso S.r.l., Torino (76543210017)" in told["message"]
    assert (told["severity"], told["sheet"], told["cell"]) == ("warning", "Clienti", f"C{_row_of(bruno, NEW)}")
    assert run["invoices"], run  # the rest invoiced

    name, vat = _company_of(anna, NEW)
    _customer_now(bruno, NEW, **{"Ragione sociale": name, "Partita IVA": vat})
    code, run = toolkit(capsys, *month[:2], bruno, *month[2:], "--customer", NEW)
    assert code == 0, run
    [invoice] = [i for i in run["invoices"] if i["customer"] == NEW]
    assert (invoice["deferred"], invoice["ddts"], invoice["lines"] > 0) == (False, [], True), invoice
    assert not [p for p in run["problems"] if p["code"] == told["code"]], run
