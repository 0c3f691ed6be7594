"""A customer taken off the master workbook before month end, its DDTs still to invoice: the
month-end run invoices every other customer, leaves it out with an error that names it (code,
name as its DDTs printed it, the DDTs waiting) and the fix, and exits 1 as a partial run does;
once its row is back, a run for the same month invoices it, dated the same month end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from desks import copied_desk, without_customer
from sqlalchemy import update
from test_cli_json import valid

from toolkit.cli import app, output
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import writing

GONE, GONE_NAME = "C019", "Albergo Il Borgo S.r.l."
MONTH = ["--month", "2026-04", "--date", "2026-04-30"]


def toolkit(capsys, *args: object) -> tuple[int, str]:
    """One command line in this process: its exit code and what it printed."""
    app._register()
    output.reset()
    code = app.run([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def answer(capsys, *args: object) -> tuple[int, dict]:
    code, said = toolkit(capsys, *args, "--json")
    return code, json.loads(said)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, sample_workbook) -> Path:
    """The sample with three days ordered and shipped, nothing invoiced at month end yet."""
    folder = tmp_path_factory.mktemp("shipped")
    shutil.copy(sample_workbook, folder / "anagrafiche.xlsx")
    for day in ("2026-04-07", "2026-04-08", "2026-04-09"):
        for verb in (["orders", "create"], ["ship"]):
            app._register()
            output.reset()
            extra = ["--all"] if verb == ["ship"] else []
            assert app.run([*verb, str(folder / "anagrafiche.xlsx"), "--date", day, *extra]) == 0, (verb, day)
    return folder


@pytest.fixture
def desk(tmp_path, shipped, capsys) -> Path:
    capsys.readouterr()
    return copied_desk(shipped, tmp_path)


@pytest.fixture
def whole(desk, capsys) -> list[dict]:
    """What the month-end run would issue with every customer on the sheet (a preview)."""
    code, previewed = answer(capsys, "invoice", desk, *MONTH, "--preview")
    assert code == 0 and any(x["customer"] == GONE for x in previewed["invoices"])
    return previewed["invoices"]


@pytest.fixture
def removed(desk, whole) -> Path:
    """The desk with the customer taken off its master workbook; the intact one kept beside."""
    shutil.copy(desk, desk.with_name("intatto.xlsx"))
    without_customer(desk, GONE)
    return desk


def shown(invoices: list[dict]) -> list[tuple[str, str, str]]:
    return sorted((x["customer"], x["kind"], x["total"]) for x in invoices)


def test_the_run_invoices_everyone_else_and_names_the_customer_left_out(capsys, removed, whole):
    code, ran = answer(capsys, "invoice", removed, *MONTH, "--out", removed.parent / "fatture")
    assert (code, valid("invoice run", ran)["ok"], ran["exit_code"]) == (1, False, 1)
    others = [x for x in whole if x["customer"] != GONE]
    assert ran["run_id"] is not None and len(ran["invoices"]) == len(others) > 5
    assert shown(ran["invoices"]) == shown(others)
    assert sum(float(x["total"]) for x in ran["invoices"]) == pytest.approx(sum(float(x["total"]) for x in others))
    ddts = sorted({(d["number"], d["date"]) for x in whole if x["customer"] == GONE for d in x["ddts"]})
    (left,) = ran["left_out"]
    assert (left["customer"], left["name"], [(d["number"], d["date"]) for d in left["ddts"]]) == (
        GONE, GONE_NAME, ddts)
    (problem,) = [p for p in ran["problems"] if p["severity"] == "error"]
    assert problem["code"] == "invoice-unknown-customer"
    assert problem["message"].startswith(f"Il cliente {GONE} ({GONE_NAME}) non è più nel foglio Clienti ma ha DDT "
                                         f"da fatturare ({', '.join(n for n, _ in ddts)}): resta fuori")
    assert "Rimetti la sua riga in Clienti finché i suoi DDT non sono fatturati" in problem["message"]
    code, listed = answer(capsys, "invoice", "list", removed)
    assert [r["invoices"] for r in listed["runs"] if r["run_id"] == ran["run_id"]] == [len(others)]


def test_the_terminal_says_who_was_left_out_and_exits_1(capsys, removed):
    code, said = toolkit(capsys, "invoice", removed, *MONTH, "--out", removed.parent / "fatture", "--lang", "en")
    assert code == 1
    assert f"Customer {GONE} ({GONE_NAME}) is no longer on the Customers sheet but has DDTs to invoice" in said
    assert "Put its row back on the Customers sheet until its DDTs are invoiced" in said
    assert f"Left out of this run, being no longer on the Customers sheet: {GONE}." in said
    assert "Issued " in said


def test_a_run_after_the_row_is_back_invoices_the_customer_at_the_same_month_end(capsys, removed, whole):
    code, first = answer(capsys, "invoice", removed, *MONTH, "--out", removed.parent / "fatture")
    assert code == 1
    shutil.copy(removed.with_name("intatto.xlsx"), removed)
    code, again = answer(capsys, "invoice", removed, *MONTH, "--out", removed.parent / "fatture-2")
    assert (code, again["problems"] and [p for p in again["problems"] if p["severity"] == "error"]) == (0, [])
    assert shown(again["invoices"]) == shown([x for x in whole if x["customer"] == GONE])
    assert {x["date"] for x in again["invoices"]} == {"2026-04-30"} and again["left_out"] == []
    assert min(x["number"] for x in again["invoices"]) > max(x["number"] for x in first["invoices"]
                                                              if x["kind"] == "invoice")
    code, third = answer(capsys, "invoice", removed, *MONTH, "--out", removed.parent / "fatture-3")
    assert (code, third["invoices"], third["run_id"]) == (0, [], None)


def test_the_preview_names_the_customer_too(capsys, removed):
    code, previewed = answer(capsys, "invoice", removed, *MONTH, "--preview")
    assert code == 1 and previewed["run_id"] is None and previewed["invoices"]
    assert [x["customer"] for x in previewed["left_out"]] == [GONE]


def test_ddts_stored_before_their_parties_were_kept_name_the_customer_by_code(capsys, removed):
    ledger = open_ledger(None, removed)
    with writing(ledger) as conn:
        conn.execute(update(schema.deliveries).values(parties_id=None))
    ledger.engine.dispose()
    code, ran = answer(capsys, "invoice", removed, *MONTH, "--out", removed.parent / "fatture")
    assert code == 1 and ran["left_out"][0]["name"] is None
    assert any(p["message"].startswith(f"Il cliente {GONE} non è più nel foglio Clienti") for p in ran["problems"])


def test_orders_stored_before_their_parties_were_kept_print_again_with_the_removed_customer_named_by_its_code(
        capsys, removed):
    import openpyxl

    ledger = open_ledger(None, removed)
    with writing(ledger) as conn:
        conn.execute(update(schema.orders).values(parties_id=None))
    ledger.engine.dispose()
    out = removed.parent / "ordini.xlsx"
    code, said = toolkit(capsys, "print", "ordini", removed, "--date", "2026-04-07", "--out", out)
    assert code == 0, said
    book = openpyxl.load_workbook(out)
    gone = [ws.title for ws in book.worksheets
            if any(GONE in row for row in ws.iter_rows(min_col=1, max_col=1, values_only=True))]
    assert gone and len(book.worksheets) > len(gone)


def test_orders_list_finds_the_orders_of_a_customer_taken_off_the_sheet(capsys, removed):
    """The desk is told to close or void the orders of a customer taken off *Clienti*
    (`ship-customer-not-in-workbook`): `--customer` finds them by the code the ledger holds, as
    a report and the payments' status do; a code on neither is refused still."""
    code, listed = answer(capsys, "orders", "list", removed, "--customer", GONE.lower())
    assert code == 0 and listed["orders"], listed
    assert {o["customer"] for o in listed["orders"]} == {GONE}
    code, said = toolkit(capsys, "orders", "list", removed, "--customer", "C999")
    assert code == 2 and "--customer: nel foglio Clienti non trovo C999" in said


def test_a_draft_whose_customer_left_the_sheet_is_made_final_with_a_warning_naming_it(capsys, desk):
    """C019 taken off Clienti after April's draft run: `invoice finalize` made its invoice final
    with the data it was drafted with, and said nothing; now it names the draft and the customer,
    at the row where the customer goes back, below the last one (it named the sheet alone)."""
    code, ran = answer(capsys, "invoice", desk, *MONTH, "--out", desk.parent / "fatture")
    assert code == 0, ran
    [number] = [x["number"] for x in ran["invoices"] if x["customer"] == GONE]
    without_customer(desk, GONE)
    import openpyxl

    below = openpyxl.load_workbook(desk)["Clienti"].max_row + 1
    code, made = answer(capsys, "invoice", "finalize", desk, ran["run_id"])
    assert code == 0, made
    [told] = [p for p in made["problems"] if p["code"] == "finalize-customer-not-in-workbook"]
    assert (told["sheet"], told["cell"], told["severity"]) == ("Clienti", f"A{below}", "warning")
    assert told["message"].startswith(f"Il cliente {GONE} ({GONE_NAME}) non è più nel foglio Clienti: 1 bozza "
                                      f"dell'emissione {ran['run_id']} ({number}) è stata resa definitiva")


def test_a_customer_put_back_under_another_code_is_named_by_it_in_the_run_s_message(capsys, removed):
    """C019 put back on Clienti as C119, its partita IVA the same: the run left C019's DDTs out
    telling the desk to put C019's row back, while the sheet plainly had the customer."""
    import openpyxl

    rows = openpyxl.load_workbook(removed.with_name("intatto.xlsx"))["Clienti"].iter_rows(values_only=True)
    row = next(r for r in rows if r[0] == GONE)
    book = openpyxl.load_workbook(removed)
    book["Clienti"].append(["C119", *row[1:]])
    book.save(removed)
    vat = row[2]
    code, ran = answer(capsys, "invoice", removed, *MONTH, "--out", removed.parent / "fatture")
    assert code == 1, ran
    (problem,) = [p for p in ran["problems"] if p["code"] == "invoice-unknown-customer"]
    assert (f"resta fuori da questa fatturazione, gli altri clienti no. La sua partita IVA {vat} ora è nel foglio "
            f"come cliente C119: i DDT restano di {GONE}, e C119 non li fattura.") in problem["message"]


@pytest.mark.parametrize(("tax_code", "rows", "named"), [
    (None, [], "C001"),
    (None, [["C003", "Bar Centrale S.n.c.", "01234560157", None, "Via Roma 1", "Moncalieri"]], None),
    (None, [["C003", "Bar Centrale Due S.r.l.", "01234560157", "10000000157", "Via Roma 1", "Moncalieri"]], "C003"),
    ("10000010156", [], None),
])
def test_a_partita_iva_on_the_sheet_names_the_customer_only_when_one_row_alone_can_be_it(tax_code, rows, named):
    """C009's DDTs printed partita IVA 01234560157 and codice fiscale 10000000157, and C001 has
    that partita IVA. Alone, C001 is named. Beside a second row of it (the company's other
    destination) either may be the wrong one, and the first was named; beside a row stating
    C009's codice fiscale, that row is the one. C001 stating another codice fiscale is another
    company of a Gruppo IVA, which shares the partita IVA: it was named all the same."""
    import minimal

    from toolkit.core.invoicing import recoded_as
    from toolkit.intake.validation import check
    from toolkit.model.parties import Buyer

    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Clienti", "D2", tax_code)
    sheets["Clienti"] += [[*row, "BASE", "Bonifico", "30FM", None] for row in rows]
    master = check(minimal.workbook(sheets)).master
    former = Buyer(code="C009", name="Bar Centrale S.n.c.", vat_number="01234560157", tax_code="10000000157",
                   address="Corso Italia 4", city="Torino")
    found = recoded_as(master, {"C009": former})
    assert {code: x.code for code, x in found.items()} == ({"C009": named} if named else {})


def test_a_private_customer_put_back_under_another_code_is_named_by_its_codice_fiscale():
    """Mario Rossi has no partita IVA: his codice fiscale matched C002 and the message called
    it his partita IVA."""
    import minimal

    from toolkit.core.invoicing import recoded_as
    from toolkit.intake.validation import check
    from toolkit.model.parties import Buyer

    master = check(minimal.workbook()).master
    former = Buyer(code="C009", name="Mario Rossi", tax_code="RSSMRA80A01H501U", address="Via Po 1", city="Roma")
    [(code, found)] = recoded_as(master, {"C009": former}).items()
    assert (code, found.code) == ("C009", "C002")
    assert found.shown("it").startswith(" Il suo codice fiscale RSSMRA80A01H501U ora è nel foglio come cliente C002")
