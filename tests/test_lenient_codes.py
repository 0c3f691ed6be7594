"""Order numbers and customer codes typed as an invoice number may be: in any case, short
(`oc-2026-3`, `3/2026`, `OC 00003/2026`), taken where they name one thing; a short form that
may be two is refused naming both (the outside audit's finding on codes)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from toolkit.basics.files import made_for
from toolkit.cli import app, output
from toolkit.core.orders import OrderStatus
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders
from toolkit.services.order_status import change_status
from toolkit.services.orders import create

MAY_15 = "2026-05-15"


def toolkit(capsys, *args, json_out: bool = True) -> tuple[int, dict | str]:
    app._register()
    output.reset()
    capsys.readouterr()
    code = app.run([*map(str, args), *(["--json"] if json_out else [])])
    out = capsys.readouterr().out
    return code, json.loads(out) if json_out else out


@pytest.fixture
def desk(tmp_path, sample_workbook, capsys) -> tuple[Path, dict[str, dict]]:
    """The sample with May 15's orders created: the workbook and its orders by number."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    assert toolkit(capsys, "orders", "create", workbook, "--date", MAY_15, "--no-catch-up")[0] == 0
    listed = toolkit(capsys, "orders", "list", workbook)[1]
    return workbook, {o["number"]: o for o in listed["orders"]}


def standard_order(orders: dict[str, dict]) -> str:
    return next(n for n, o in orders.items() if o["document_type"] == "standard" and o["status"] == "in-progress")


def short_forms(number: str) -> list[str]:
    """`OC-2026-00003` as a user may type it: lower case and no zeros, number/year, series
    and number/year with the zeros."""
    series, year, seq = number.split("-")
    return [f"{series.lower()}-{year}-{int(seq)}", f"{int(seq)}/{year}", f"{series.lower()} {seq}/{year}"]


@pytest.mark.parametrize("form", range(3))
def test_a_short_order_number_ships_the_order_it_names(desk, capsys, form):
    workbook, orders = desk
    number = standard_order(orders)
    typed = short_forms(number)[form]
    code, shipped = toolkit(capsys, "ship", workbook, "--date", MAY_15, "--orders", typed)
    assert code == 0, shipped["problems"]
    assert [s["orders"] for s in shipped["shipped"]] == [[number]]


@pytest.mark.parametrize("form", range(3))
def test_a_short_order_number_changes_the_status_of_the_order_it_names(desk, capsys, form):
    workbook, orders = desk
    number = standard_order(orders)
    typed = short_forms(number)[form]
    code, said = toolkit(capsys, "orders", "status", workbook, typed, "--to", "chiuso", json_out=False)
    assert code == 0 and said.strip() == f"Ordine {number}: ora «Chiuso»."
    listed = toolkit(capsys, "orders", "list", workbook)[1]["orders"]
    assert {o["number"]: o["status"] for o in listed}[number] == "closed"


@pytest.mark.parametrize("form", range(3))
def test_a_short_quotation_number_is_confirmed(desk, capsys, form):
    workbook, orders = desk
    [quotation] = [n for n, o in orders.items() if o["document_type"] == "quotation"]
    code, confirmed = toolkit(capsys, "orders", "confirm", workbook, short_forms(quotation)[form], "--date", MAY_15)
    assert (code, confirmed["quotation"]) == (0, quotation), confirmed["problems"]
    assert confirmed["order"] not in orders


def test_an_unknown_short_number_still_says_it_is_not_in_the_ledger(desk, capsys):
    workbook, _ = desk
    code, said = toolkit(capsys, "orders", "status", workbook, "999/2026", "--to", "chiuso")
    assert code == 2, "a typing slip, as docs/commands.md says (Files, numbers and dates)"
    assert [p["message"] for p in said["problems"]] == [
        "L'ordine 999/2026 non esiste nel registro: controlla il numero (gli ordini registrati: toolkit orders list)."]
    code, shipped = toolkit(capsys, "ship", workbook, "--date", MAY_15, "--orders", "oc-2026-999")
    assert code == 2 and [p["code"] for p in shipped["problems"]] == ["unknown-order"]
    code, invoiced = toolkit(capsys, "invoice", workbook, "--orders", "999/2026", "--date", MAY_15,
                             "--out", workbook.parent / "fatture")
    assert code == 2 and [p["code"] for p in invoiced["problems"]] == ["invoice-unknown-order"]


def test_a_number_two_series_hold_is_refused_naming_both(sample_master, ledger):
    create(sample_master, ledger, date(2026, 5, 15), with_catch_up=False, lang="it")
    settings = replace(sample_master.settings, order_series="OV")
    renamed = sample_master.model_copy(update={"settings": settings})
    create(renamed, ledger, date(2026, 5, 18), with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        numbers = {o.number for o in load_orders(conn)}
    assert {"OC-2026-00001", "OV-2026-00001"} <= numbers
    refused = change_status(ledger, "1/2026", OrderStatus.CLOSED)
    assert [p.code for p in refused.problems] == ["ambiguous-order-number"]
    assert output.exit_code(refused.problems) == 2, "a typing slip, as print refuses it"
    assert refused.problems[0].message("it") == ("«1/2026» può essere più di un ordine: OC-2026-00001, "
                                                 "OV-2026-00001. Scrivi il numero per intero (es. OC-2026-00001).")
    for typed, number in (("ov 1/2026", "OV-2026-00001"), ("oc-2026-1", "OC-2026-00001")):
        assert change_status(ledger, typed, OrderStatus.CLOSED).order == number
    with reading(ledger) as conn:
        closed = {o.number for o in load_orders(conn) if o.status is OrderStatus.CLOSED}
    assert {"OC-2026-00001", "OV-2026-00001"} <= closed


def customer_of(orders: dict[str, dict]) -> str:
    return orders[standard_order(orders)]["customer"]


def test_a_customer_code_in_lower_case_filters_the_orders(desk, capsys):
    workbook, orders = desk
    customer = customer_of(orders)
    code, listed = toolkit(capsys, "orders", "list", workbook, "--customer", customer.lower())
    assert code == 0, listed["problems"]
    assert {o["customer"] for o in listed["orders"]} == {customer}
    assert {o["number"] for o in listed["orders"]} == {n for n, o in orders.items() if o["customer"] == customer}


def test_a_customer_code_in_lower_case_opens_a_request_for_that_customer(desk, capsys):
    workbook, orders = desk
    customer = customer_of(orders)
    code, made = toolkit(capsys, "requests", "add", workbook, "--customer", customer.lower(), "--kind", "reclamo",
                         "--text", "Consegna in ritardo")
    assert code == 0, made["problems"]
    code, listed = toolkit(capsys, "requests", "list", workbook, "--customer", f" {customer.lower()}")
    assert code == 0 and [r["customer"] for r in listed["requests"]] == [customer]


def test_an_unknown_customer_code_is_still_refused_with_the_closest(desk, capsys):
    workbook, _ = desk
    code, said = toolkit(capsys, "orders", "list", workbook, "--customer", "zz999")
    assert code == 2
    assert said["problems"][0]["code"] == "option-unknown-code"
    assert "--customer: nel foglio Clienti non trovo zz999." in said["problems"][0]["message"]


def test_a_code_only_case_tells_from_two_is_refused_naming_both():
    from toolkit.basics.problems import UnusableInput
    from toolkit.cli.session import known_codes
    from toolkit.model.records import Customer

    assert known_codes("c010", "--customer", Customer.sheet, ["C010", "C011"]) == {"C010"}
    with pytest.raises(UnusableInput) as refused:
        known_codes("c010", "--customer", Customer.sheet, ["C010", "c010 "])
    assert refused.value.problem.message("it") == (
        "--customer: «c010» può essere più di un codice del foglio Clienti: C010, c010 . Scrivilo come nel foglio.")


def test_out_never_replaces_a_payments_workbook_with_another_commands_output(desk, capsys, tmp_path):
    """`--out` naming the payments workbook a user saved: refused, its bytes unchanged, nothing shipped."""
    workbook, _ = desk
    payments = tmp_path / "incassi.xlsx"
    code, _ = toolkit(capsys, "payments", "status", workbook, "--as-of", MAY_15, "--out", payments)
    assert code == 0 and payments.is_file()
    before, listed = payments.read_bytes(), toolkit(capsys, "orders", "list", workbook)[1]["orders"]
    for command in (("report", "vendite", workbook, "--from", "2026-05-01", "--to", MAY_15),
                    ("calendar", workbook, "--from", MAY_15, "--to", MAY_15),
                    ("ship", workbook, "--date", MAY_15, "--all")):
        code, said = toolkit(capsys, *command, "--out", payments)
        assert code == 2, command
        assert [p["code"] for p in said["problems"]] == ["output-not-ours"]
        kind = {"report": "report", "calendar": "calendario", "ship": "DDT"}[command[0]]
        assert said["problems"][0]["message"] == (
            f"Il file {payments} esiste già e non è un file «{kind}» scritto da toolkit (è un file «incassi»): non lo "
            "sostituisco. Scegli un altro nome per --out, oppure sposta o cancella quel file.")
        assert payments.read_bytes() == before
    assert toolkit(capsys, "orders", "list", workbook)[1]["orders"] == listed, "nothing shipped"


def test_out_never_replaces_a_users_own_workbook(desk, capsys, tmp_path):
    workbook, _ = desk
    own = tmp_path / "mio.xlsx"
    before = users_own(own)
    code, said = toolkit(capsys, "payments", "status", workbook, "--as-of", MAY_15, "--out", own)
    assert code == 2 and own.read_bytes() == before
    assert "non l'ha scritto toolkit" in said["problems"][0]["message"]
    shutil.copy(workbook, own)
    code, said = toolkit(capsys, "payments", "status", workbook, "--as-of", MAY_15, "--out", own)
    assert code == 2 and "(è un file «anagrafiche»)" in said["problems"][0]["message"]


def test_the_same_command_twice_replaces_its_own_file(desk, capsys, tmp_path):
    workbook, _ = desk
    out = tmp_path / "incassi.xlsx"
    for _ in range(2):
        code, done = toolkit(capsys, "payments", "status", workbook, "--as-of", MAY_15, "--out", out)
        assert (code, done["file"]) == (0, str(out))
    assert sorted(p.name for p in tmp_path.glob("incassi*")) == ["incassi.xlsx"]



@pytest.mark.parametrize("form", range(3))
def test_a_short_order_number_in_the_quantities_file_ships_that_order(desk, capsys, tmp_path, form):
    workbook, orders = desk
    number = standard_order(orders)
    quantities = tmp_path / "quantita.csv"
    quantities.write_text(f"Ordine;Riga;Quantità\n{short_forms(number)[form]};1;1\n", encoding="utf-8")
    code, shipped = toolkit(capsys, "ship", workbook, "--date", MAY_15, "--quantities", quantities)
    assert code == 0, shipped["problems"]
    assert [(s["orders"], s["lines"]) for s in shipped["shipped"]] == [([number], 1)]


def two_series(master, ledger) -> None:
    """May 15's orders numbered OC, May 18's OV: `1/2026` is OC-2026-00001 and OV-2026-00001."""
    create(master, ledger, date(2026, 5, 15), with_catch_up=False, lang="it")
    settings = replace(master.settings, order_series="OV")
    create(master.model_copy(update={"settings": settings}), ledger, date(2026, 5, 18), with_catch_up=False, lang="it")


def test_a_quantities_row_two_series_may_mean_is_refused_at_its_cell(sample_master, ledger, tmp_path):
    from toolkit.services.shipping import ship

    two_series(sample_master, ledger)
    quantities = tmp_path / "quantita.csv"
    quantities.write_text("Ordine;Riga;Quantità\n1/2026;1;1\n", encoding="utf-8")
    shipped = ship(sample_master, ledger, date(2026, 5, 18), quantities=quantities, future=True, lang="it")
    assert shipped.notes == ()
    assert [(p.code, p.sheet, p.cell, p.message("it")) for p in shipped.problems] == [(
        "ambiguous-order-number", "quantita.csv", "A2", "«1/2026» può essere più di un ordine: OC-2026-00001, "
        "OV-2026-00001. Scrivi il numero per intero (es. OC-2026-00001).")]


@pytest.mark.parametrize("form", range(3))
def test_print_takes_a_short_number(desk, capsys, tmp_path, form):
    workbook, orders = desk
    number = standard_order(orders)
    code, printed = toolkit(capsys, "print", "orders", workbook, "--numbers", f"{short_forms(number)[form]}",
                            "--out", tmp_path / "ristampa.xlsx")
    assert (code, printed["printed"]) == (0, [number]), printed["problems"]
    assert openpyxl.load_workbook(tmp_path / "ristampa.xlsx").sheetnames == [number]


def test_print_refuses_an_unknown_number_and_a_number_two_series_may_mean(sample_master, ledger, tmp_path):
    from toolkit.services.printing import Selection, print_documents

    two_series(sample_master, ledger)
    out = tmp_path / "ristampa.xlsx"
    printed = print_documents(sample_master, ledger, "orders", Selection(numbers=("1/2026", "999/2026")), out, "it")
    assert [p.message("it") for p in printed.problems] == [
        "Nel registro non c'è il documento 999/2026: controlla il numero.",
        "«1/2026» può essere più di un documento del registro: OC-2026-00001, OV-2026-00001. Scrivi il numero per "
        "intero (es. OC-2026-00001)."]
    assert printed.written is None and not out.exists()
    printed = print_documents(sample_master, ledger, "orders", Selection(numbers=("ov 1/2026", "OC-2026-00001")), out,
                              "it")
    assert printed.numbers == ("OC-2026-00001", "OV-2026-00001") and not printed.problems


def test_a_quotation_confirmed_with_a_return_left_out_is_named_in_full(sample_master, ledger, monkeypatch):
    """A confirmation whose immediate invoice left a return out: the answer names the quotation
    as the ledger numbers it, not as typed."""
    from toolkit.basics.vocab import DocumentType, InvoiceTerms
    from toolkit.core.credit_notes import RETURN_CREDITED
    from toolkit.services import order_confirm

    create(sample_master, ledger, date(2026, 5, 15), with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        [quotation] = [o for o in load_orders(conn) if o.document_type is DocumentType.QUOTATION]
    customers = [replace(c, invoice_terms=InvoiceTerms.IMMEDIATE) if c.code == quotation.customer else c
                 for c in sample_master.customers]
    immediate = sample_master.model_copy(update={"customers": customers})
    refusal = RETURN_CREDITED(None, order="OC-2026-00099", ddt="DDT-2026-00001", asked=2, unit="pz", item="A001",
                              invoices="FT-2026-00001", left=0, notes="NC-2026-00001")
    monkeypatch.setattr(order_confirm, "invoice_orders_in", lambda *_, **__: ([], [refusal], []))
    typed = short_forms(quotation.number)[1]
    confirmed = order_confirm.confirm(immediate, ledger, typed, date(2026, 5, 15), lang="it")
    assert confirmed.quotation == quotation.number and confirmed.order is not None
    assert list(confirmed.problems) == [refusal]


def test_answers_name_a_found_order_in_full_however_typed(desk, capsys):
    """Refused or done, an order the ledger has is named as it numbers it: the typed `7/2026` only
    where no order is found."""
    workbook, orders = desk
    completed = next(n for n, o in orders.items() if o["status"] == "completed")
    typed = short_forms(completed)[1]
    code, said = toolkit(capsys, "orders", "status", workbook, typed, "--to", "annullato")
    assert code == 1 and said["order"] == completed
    code, said = toolkit(capsys, "returns", "no-credit", workbook, "--order", typed, "--reason", "prova")
    assert code == 2 and said["problems"][0]["message"].startswith(f"L'ordine {completed} è di tipo")
    code, said = toolkit(capsys, "returns", "no-credit", workbook, "--order", "999/2026", "--reason", "prova")
    assert code == 2 and said["problems"][0]["message"].startswith("L'ordine 999/2026 non esiste")



FOLDER_VERBS = {
    "invoice export": (("invoice", "export", "{workbook}", "--month", "2026-05"), "fatture-2026-05.xlsx"),
    "commissions": (("commissions", "{workbook}", "--from", "2026-05-01", "--to", "2026-05-31"),
                    "provvigioni-20260501-20260531.xlsx"),
    "discounts settle": (("discounts", "settle", "{workbook}", "--period", "2026-04", "--date", MAY_15),
                         "fatture-sconti-2026-04.xlsx"),
}


@pytest.mark.parametrize("verb", FOLDER_VERBS)
def test_out_folder_never_replaces_a_file_there_that_is_not_its_own(desk, capsys, tmp_path, verb):
    """A verb writing a file of fixed name into `--out DIR` refuses one of that name it did not
    write (the user's own, saved there), as `--out FILE` does, before anything is done; its own
    it replaces (the sample settles no discount in April: nothing to write, nothing replaced)."""
    workbook, _ = desk
    command, name = FOLDER_VERBS[verb]
    command = [str(workbook) if part == "{workbook}" else part for part in command]
    folder = tmp_path / "uscita"
    folder.mkdir()
    own = folder / name
    before = users_own(own)
    app._register()
    capsys.readouterr()
    assert app.run([*command, "--out", str(folder)]) == 2
    assert own.read_bytes() == before
    assert capsys.readouterr().err.strip() == (
        f"toolkit: Il file {own} esiste già e non è un file «{made_by[verb]}» scritto da toolkit (non l'ha scritto "
        "toolkit, o una versione che non lo segnava): non lo sostituisco. Scegli un'altra cartella per --out, "
        "oppure sposta o cancella quel file.")
    own.unlink()
    for _ in range(2 if verb != "discounts settle" else 0):
        assert app.run([*command, "--out", str(folder)]) == 0
        assert made_for(own) == {"invoice export": "register", "commissions": "statement"}[verb]


made_by = {"invoice export": "registro fatture", "commissions": "estratto", "discounts settle": "registro fatture"}


@pytest.mark.parametrize("verb", FOLDER_VERBS)
def test_out_naming_a_file_where_a_verb_writes_a_folder_asks_for_another_folder(desk, capsys, tmp_path, verb):
    """`--out notes`, notes being a file of the user's: refused before anything is done, asking
    for a folder, the file and the ledger untouched."""
    workbook, _ = desk
    command = [str(workbook) if part == "{workbook}" else part for part in FOLDER_VERBS[verb][0]]
    blocker = tmp_path / "appunti"
    blocker.write_text("miei appunti")
    ledger = workbook.with_name(workbook.name + ".ledger.sqlite")
    before, there = ledger.read_bytes(), sorted(tmp_path.rglob("*"))
    app._register()
    capsys.readouterr()
    assert app.run([*command, "--out", str(blocker)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"toolkit: Non posso scrivere {blocker}: {blocker} non è una cartella / {blocker} is not a folder. Scegli "
        "un'altra cartella per --out.")
    assert blocker.read_text() == "miei appunti" and ledger.read_bytes() == before
    assert sorted(tmp_path.rglob("*")) == there


def test_check_report_refusals_name_report_and_ask_for_another_name(sample_workbook, capsys, tmp_path):
    """`check` has no --out: a refused report said «Scegli un'altra cartella per --out» of a
    folder where a file was named, and «altro nome per --out» of the user's own file."""
    own = tmp_path / "controllo.xlsx"
    before = users_own(own)
    code, said = toolkit(capsys, "check", sample_workbook, "--report", own)
    assert code == 2 and own.read_bytes() == before
    assert [p["message"] for p in said["problems"]] == [
        f"Il file {own} esiste già e non è un file «controllo dati» scritto da toolkit (non l'ha scritto toolkit, o "
        "una versione che non lo segnava): non lo sostituisco. Scegli un altro nome per --report, oppure sposta o "
        "cancella quel file."]
    folder = tmp_path / "cartella.xlsx"
    folder.mkdir()
    code, said = toolkit(capsys, "check", sample_workbook, "--report", folder)
    assert code == 2 and not any(folder.iterdir())
    assert [p["message"] for p in said["problems"]] == [
        f"Non posso scrivere {folder}: è una cartella / it is a folder. Scegli un altro nome per --report."]
    code, said = toolkit(capsys, "check", sample_workbook, "--report", sample_workbook)
    assert code == 2 and [p["message"] for p in said["problems"]] == [
        f"Il file da scrivere {sample_workbook} è un file che sto leggendo. Scegli un altro nome per --report."]


def users_own(path: Path) -> bytes:
    """A workbook of the user's own (no kind mark) saved at `path`; its bytes."""
    book = openpyxl.Workbook()
    book.active["A1"] = "miei dati"
    book.save(path)
    return path.read_bytes()


def test_sample_is_marked_and_never_replaces_a_users_own_workbook(tmp_path):
    from toolkit.basics.problems import UnusableInput
    from toolkit.services.sample import write_sample

    for _ in range(2):
        assert made_for(write_sample(tmp_path / "esempio")) == "master"
    before = users_own(tmp_path / "anagrafiche.xlsx")
    with pytest.raises(UnusableInput) as refused:
        write_sample(tmp_path)
    assert refused.value.problem.code == "output-not-ours"
    assert (tmp_path / "anagrafiche.xlsx").read_bytes() == before


def test_sample_refusing_a_users_own_workbook_asks_for_another_folder(tmp_path, capsys):
    """`toolkit sample DIR` has no --out: the refusal said «Scegli un altro nome per --out»."""
    own = tmp_path / "anagrafiche.xlsx"
    before = users_own(own)
    app._register()
    capsys.readouterr()
    assert app.run(["sample", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"toolkit: Il file {own} esiste già e non è un file «anagrafiche» scritto da toolkit (non l'ha scritto "
        "toolkit, o una versione che non lo segnava): non lo sostituisco. Indica un'altra cartella a toolkit sample "
        "DIR, oppure sposta o cancella quel file.")
    assert own.read_bytes() == before


def test_workbook_build_is_marked_and_never_replaces_a_users_own_workbook(tmp_path):
    from toolkit.basics.problems import UnusableInput
    from toolkit.excel.build import build

    for _ in range(2):
        assert made_for(build(tmp_path / "ordini-ricorrenti.xlsm").path) == "master"
    before = users_own(tmp_path / "mio.xlsm")
    with pytest.raises(UnusableInput):
        build(tmp_path / "mio.xlsm")
    assert (tmp_path / "mio.xlsm").read_bytes() == before


@pytest.mark.parametrize("to", ["xlsx", "master"])
def test_convert_outputs_are_marked_and_never_replace_a_users_own_workbook(tmp_path, capsys, to):
    source = tmp_path / "da-convertire"
    source.mkdir()
    (source / "listino.csv").write_text("Codice;Prezzo\nA1;3,5\n", encoding="utf-8")
    out = tmp_path / "convertiti"
    written = out / ("listino.xlsx" if to == "xlsx" else "anagrafiche.xlsx")
    for _ in range(2):
        toolkit(capsys, "convert", source, "--to", to, "--out", out, json_out=False)
        assert made_for(written) == ("converted" if to == "xlsx" else "master")
    assert {made_for(report) for report in out.glob("conversione-*.xlsx")} == {"converted"}
    before = users_own(written)
    code, said = toolkit(capsys, "convert", source, "--to", to, "--out", out)
    assert code == 2 and written.read_bytes() == before
    assert f"Il file {written} esiste già e non è un file «{'conversione' if to == 'xlsx' else 'anagrafiche'}» " \
        "scritto da toolkit (non l'ha scritto toolkit, o una versione che non lo segnava): non lo sostituisco. " \
        "Scegli un'altra cartella per --out, oppure sposta o cancella quel file." in [p["message"] for p in [
            *said["problems"], *(p for f in said.get("files", []) for p in f.get("problems", []))]]


@pytest.fixture
def credited(desk, capsys, tmp_path) -> tuple[Path, int]:
    """The desk's May invoiced, final, and a credit note on its first invoice: the workbook and
    a number both an invoice and a credit note have (FT-2026-0000k, NC-2026-0000k)."""
    workbook, _ = desk
    assert toolkit(capsys, "ship", workbook, "--date", MAY_15, "--all")[0] == 0
    code, done = toolkit(capsys, "invoice", workbook, "--month", "2026-05", "--date", "2026-05-31", "--final",
                         "--out", tmp_path / "fatture")
    assert code == 0, done["problems"]
    code, done = toolkit(capsys, "invoice", "credit", workbook, "--invoice", "FT-2026-00001", "--reason", "prova",
                         "--date", "2026-05-31")
    assert code == 0, done["problems"]
    listed = {i["number"] for i in toolkit(capsys, "payments", "status", workbook)[1]["invoices"]}
    shared = [n for n in range(1, 100) if {f"FT-2026-{n:05d}", f"NC-2026-{n:05d}"} <= listed]
    return workbook, shared[0]


def test_print_refuses_a_number_an_invoice_and_a_credit_note_share(credited, capsys, tmp_path):
    """`print invoices --numbers 1/2026` with FT-2026-00001 and NC-2026-00001: exit 2, naming
    both, nothing written; each typed in full prints."""
    workbook, n = credited
    out = tmp_path / "ristampa.xlsx"
    code, said = toolkit(capsys, "print", "invoices", workbook, "--numbers", f"{n}/2026", "--out", out)
    assert (code, said["exit_code"], [p["code"] for p in said["problems"]]) == (2, 2, ["print-ambiguous-number"])
    assert said["problems"][0]["message"] == (
        f"«{n}/2026» può essere più di un documento del registro: FT-2026-{n:05d}, NC-2026-{n:05d}. Scrivi il numero "
        f"per intero (es. FT-2026-{n:05d}).")
    assert not out.exists()
    code, printed = toolkit(capsys, "print", "invoices", workbook, "--numbers", f"nc {n}/2026,FT-2026-{n}", "--out", out)
    assert (code, printed["printed"]) == (0, [f"FT-2026-{n:05d}", f"NC-2026-{n:05d}"]), printed["problems"]


def test_payments_on_a_number_an_invoice_and_a_credit_note_share(credited, capsys, tmp_path):
    """A payment typed `1/2026` is FT-2026-00001's, a refund (negative) NC-2026-00001's, on
    `record`, `import` and `void` alike: the refund was refused as a wrong sign on the invoice."""
    workbook, n = credited
    invoice, note = f"FT-2026-{n:05d}", f"NC-2026-{n:05d}"
    total = {i["number"]: i["total"] for i in toolkit(capsys, "payments", "status", workbook)[1]["invoices"]}[invoice]
    code, paid = toolkit(capsys, "payments", "record", workbook, "--invoice", f"{n}/2026", "--date", "2026-06-05",
                         "--amount", total)
    assert (code, [r["invoice"] for r in paid["recorded"]]) == (0, [invoice]), paid["problems"]
    sheet = tmp_path / "incassi.csv"
    sheet.write_text(f"Fattura;Data;Importo\n{n}/2026;06/06/2026;-1\n", encoding="utf-8")
    code, imported = toolkit(capsys, "payments", "import", workbook, sheet)
    assert (code, [r["invoice"] for r in imported["recorded"]]) == (0, [note]), imported["problems"]
    code, said = toolkit(capsys, "payments", "void", workbook, "--invoice", f"{n}/2026", "--date", "2026-06-06",
                         "--amount", "-1", json_out=False)
    assert code == 0 and said.strip() == f"Rimborsi annullati: 1 (lo storno resta nel registro): {note}, -1,00 € del 06/06/2026."


def test_a_number_typed_twice_is_refused_once_by_ship_as_by_invoice(sample_master, ledger):
    """The panel's *Spedisci e fattura* passes the numbers as typed in its cell: one typed twice
    (and once with a space) is one order, and one error where it names none, as `invoice
    --orders` says it (`order_status.orders_named`)."""
    from toolkit.services.shipping import ship

    create(sample_master, ledger, date(2026, 5, 15), with_catch_up=False, lang="it")
    shipped = ship(sample_master, ledger, date(2026, 5, 15), numbers=["OC-2026-999", " OC-2026-999"], lang="it")
    assert [(p.code, dict(p.params)["number"]) for p in shipped.problems] == [("unknown-order", "OC-2026-999")]
