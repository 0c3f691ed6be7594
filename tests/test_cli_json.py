"""The JSON contract: every verb with --json answers with one object that its schema accepts,
in every outcome — done, data problems, unusable input, a usage mistake, an internal error."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from command_line import in_process as toolkit
from desks import copied_desk
from jsonschema import Draft202012Validator

from toolkit.cli import app, output
from toolkit.cli.schemas import RESULTS, reference, schema

APRIL_9 = "2026-04-09"


def valid(verb: str, document: dict) -> dict:
    validator = Draft202012Validator(schema(verb), format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == [], errors
    return document


@pytest.fixture(scope="module")
def month_so_far(tmp_path_factory, sample_workbook) -> Path:
    """The sample with April 9 ordered and shipped, and a draft run for April."""
    folder = tmp_path_factory.mktemp("desk")
    workbook = folder / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    for args in (["orders", "create", str(workbook), "--date", APRIL_9],
                 ["ship", str(workbook), "--date", APRIL_9, "--all"],
                 ["invoice", "run", str(workbook), "--month", "2026-04", "--date", "2026-04-30",
                  "--out", str(folder / "fatture")]):
        app._register()
        output.reset()
        assert app.run(args) == 0, args
    return folder


@pytest.fixture
def desk(tmp_path, month_so_far, capsys) -> Path:
    capsys.readouterr()
    return copied_desk(month_so_far, tmp_path)


def _draft_run(workbook: Path, capsys) -> str:
    code, listed = toolkit(["invoice", "list", str(workbook)], capsys)
    return next(r["run_id"] for r in listed["runs"] if r["status"] == "draft")


def _immediate_invoice(workbook: Path, capsys) -> str:
    code, made = toolkit(["orders", "create", str(workbook), "--date", APRIL_9], capsys)
    code, invoices = toolkit(["payments", "status", str(workbook), "--as-of", "2026-04-30"], capsys)
    return invoices["invoices"][0]["number"]


def _quotation(workbook: Path, capsys) -> str:
    """May 15's orders, with the sample's quotation among them: its number."""
    toolkit(["orders", "create", str(workbook), "--date", "2026-05-15", "--no-catch-up"], capsys)
    code, listed = toolkit(["orders", "list", str(workbook)], capsys)
    return next(o["number"] for o in listed["orders"] if o["document_type"] == "quotation")


def _shipped_return(workbook: Path, capsys) -> str:
    """The sample's return of April 22 (T029, a customer invoiced at month end), created and shipped after
    April's run, its DDT waiting: its number."""
    toolkit(["orders", "create", str(workbook), "--date", "2026-04-22", "--no-catch-up", "--only", "T029"], capsys)
    code, listed = toolkit(["orders", "list", str(workbook)], capsys)
    number = next(o["number"] for o in listed["orders"] if o["document_type"] == "return" and o["date"] == "2026-04-22")
    assert toolkit(["ship", str(workbook), "--date", "2026-04-22", "--orders", number], capsys)[0] == 0
    return number


def done_args(verb: str, wb: Path, capsys) -> list[str]:
    """A command line of `verb` that does its work on the desk."""
    w = str(wb)
    folder = wb.parent
    if verb == "invoice finalize":
        return ["invoice", "finalize", w, _draft_run(wb, capsys)]
    if verb == "invoice undo":
        return ["invoice", "undo", w, _draft_run(wb, capsys)]
    if verb == "einvoice":
        assert toolkit(["invoice", "finalize", w, _draft_run(wb, capsys)], capsys)[0] == 0
        return ["einvoice", w, "--month", "2026-04", "--out", str(folder / "xml"), "--zip"]
    if verb == "orders confirm":
        return ["orders", "confirm", w, _quotation(wb, capsys), "--date", "2026-05-15"]
    if verb == "orders status":
        return ["orders", "status", w, _quotation(wb, capsys), "--to", "not-accepted"]
    if verb == "payments void":
        invoice = _immediate_invoice(wb, capsys)
        assert toolkit(["payments", "record", w, "--invoice", invoice, "--date", "2026-04-15", "--amount", "10"],
                       capsys)[0] == 0
        return ["payments", "void", w, "--invoice", invoice, "--date", "2026-04-15", "--amount", "10,00"]
    if verb == "invoice credit":
        return ["invoice", "credit", w, "--invoice", _immediate_invoice(wb, capsys), "--date", "2026-04-15",
                "--reason", "Merce mai spedita", "--out", str(folder / "nota.xlsx")]
    if verb == "ddt void":
        assert toolkit(["invoice", "undo", w, _draft_run(wb, capsys)], capsys)[0] == 0
        return ["ddt", "void", w, "DDT-2026-00001", "--reason", "Il camion non è partito"]
    if verb == "invoice debit":
        assert toolkit(["invoice", "finalize", w, _draft_run(wb, capsys)], capsys)[0] == 0
        return ["invoice", "debit", w, "--invoice", _immediate_invoice(wb, capsys), "--amount", "25", "--rate", "22",
                "--reason", "Trasporto non fatturato", "--out", str(folder / "debito.xlsx")]
    if verb == "returns no-credit":
        return ["returns", "no-credit", w, "--order", _shipped_return(wb, capsys), "--reason", "Già rimborsato"]
    if verb == "payments record":
        return ["payments", "record", w, "--invoice", _immediate_invoice(wb, capsys), "--date", "2026-04-15",
                "--amount", "10,00", "--method", "bonifico"]
    if verb in ("requests act", "requests close"):
        code, opened = toolkit(["requests", "add", w, "--customer", "C001", "--kind", "reclamo",
                                "--text", "Consegna in ritardo"], capsys)
        return ["requests", verb.split()[1], w, str(opened["request"]["id"]), "--text", "Chiamato il vettore"]
    if verb == "discounts settle":
        assert toolkit(["invoice", "finalize", w, _draft_run(wb, capsys)], capsys)[0] == 0
        return ["discounts", "settle", w, "--period", "2026-04", "--date", "2026-04-30", "--out", str(folder / "sconti")]
    if verb == "payments import":
        sheet = folder / "incassi.csv"
        sheet.write_text(f"Fattura;Data;Importo\n{_immediate_invoice(wb, capsys)};15/04/2026;10,00\n", encoding="utf-8")
        return ["payments", "import", w, str(sheet)]
    return {
        "check": ["check", w],
        "ledger check": ["ledger", "check", w],
        "calendar": ["calendar", w, "--from", "2026-04-01", "--to", "2026-04-10"],
        "orders preview": ["orders", "preview", w, "--date", "2026-04-10"],
        "orders create": ["orders", "create", w, "--date", "2026-05-04", "--no-catch-up", "--out", str(folder / "ordini.xlsx")],
        "orders list": ["orders", "list", w],
        "ship": ["ship", w, "--date", "2026-05-04", "--all", "--out", str(folder / "ddt.xlsx")],
        "invoice run": ["invoice", "run", w, "--month", "2026-04", "--date", "2026-04-30", "--preview"],
        "invoice list": ["invoice", "list", w],
        "payments status": ["payments", "status", w, "--as-of", "2026-04-30"],
        "print": ["print", "ddt", w, "--date", APRIL_9, "--out", str(folder / "ristampa.xlsx")],
        "report": ["report", "sales", w, "--from", "2026-04-01", "--to", "2026-04-30", "--by", "customer,item",
                   "--compare", "previous", "--out", str(folder / "report.xlsx")],
        "requests add": ["requests", "add", w, "--customer", "C001", "--kind", "complaint", "--text", "Pallet rotto"],
        "requests list": ["requests", "list", w, "--open", "--out", str(folder / "richieste.xlsx")],
        "prices": ["prices", w, "--list", "INGROSSO", "--date", APRIL_9, "--out", str(folder / "listino.xlsx")],
        "commissions": ["commissions", w, "--from", "2026-04-01", "--to", "2026-04-30", "--out", str(folder / "prov")],
        "convert": ["convert", w, "--to", "master", "--out", str(folder / "convertiti")],
    }[verb]


def with_workbook(verb: str, workbook: Path, capsys) -> list[str]:
    """The verb's done command line, on another workbook."""
    args = done_args(verb, workbook, capsys) if verb in ("check", "orders list", "invoice list", "calendar",
                                                                               "convert") else {
        "orders preview": ["orders", "preview", "WB", "--date", APRIL_9],
        "orders create": ["orders", "create", "WB", "--date", APRIL_9],
        "orders confirm": ["orders", "confirm", "WB", "OC-2026-00001"],
        "orders status": ["orders", "status", "WB", "OC-2026-00001", "--to", "closed"],
        "ship": ["ship", "WB", "--date", APRIL_9, "--all"],
        "invoice run": ["invoice", "run", "WB", "--month", "2026-04", "--preview"],
        "invoice finalize": ["invoice", "finalize", "WB", "20260430-00000000"],
        "invoice undo": ["invoice", "undo", "WB", "20260430-00000000"],
        "invoice credit": ["invoice", "credit", "WB", "--invoice", "FT-2026-00001", "--reason", "Reso"],
        "invoice debit": ["invoice", "debit", "WB", "--invoice", "FT-2026-00001", "--amount", "1", "--reason", "x"],
        "payments record": ["payments", "record", "WB", "--invoice", "FT-2026-00001", "--date", APRIL_9,
                            "--amount", "1"],
        "payments import": ["payments", "import", "WB", str(workbook.with_name("incassi.csv"))],
        "payments void": ["payments", "void", "WB", "--invoice", "FT-2026-00001", "--date", APRIL_9, "--amount", "1"],
        "payments status": ["payments", "status", "WB"],
        "returns no-credit": ["returns", "no-credit", "WB", "--order", "OC-2026-00001", "--reason", "Già rimborsato"],
        "ddt void": ["ddt", "void", "WB", "DDT-2026-00001"],
        "ledger check": ["ledger", "check", "WB"],
        "einvoice": ["einvoice", "WB", "--month", "2026-04", "--out", str(workbook.with_name("xml"))],
        "print": ["print", "ddt", "WB", "--date", APRIL_9, "--out", str(workbook.with_name("r.xlsx"))],
        "report": ["report", "aging", "WB", "--from", "2026-04-01", "--to", "2026-04-30",
                   "--out", str(workbook.with_name("aging.xlsx"))],
        "requests add": ["requests", "add", "WB", "--customer", "C001", "--kind", "reclamo", "--text", "x"],
        "requests act": ["requests", "act", "WB", "1", "--text", "x"],
        "requests close": ["requests", "close", "WB", "1"],
        "requests list": ["requests", "list", "WB"],
        "prices": ["prices", "WB", "--list", "BASE", "--date", APRIL_9],
        "discounts settle": ["discounts", "settle", "WB", "--period", "2026-04", "--preview"],
        "commissions": ["commissions", "WB", "--from", "2026-04-01", "--to", "2026-04-30", "--out",
                        str(workbook.with_name("prov"))],
    }[verb]
    return [str(workbook) if a == "WB" else a for a in args]


VERBS = sorted(RESULTS)


@pytest.mark.parametrize("verb", VERBS)
def test_done(verb, desk, capsys):
    code, document = toolkit(done_args(verb, desk, capsys), capsys)
    valid(verb, document)
    assert (code, document["exit_code"], document["ok"]) == (0, 0, True), document["problems"]
    assert set(RESULTS[verb]) <= set(document)


@pytest.fixture
def broken(tmp_path, sample_workbook) -> Path:
    """The sample with a customer's name cleared: an error the data check reports."""
    book = openpyxl.load_workbook(sample_workbook)
    book["Clienti"]["B2"] = None
    path = tmp_path / "anagrafiche.xlsx"
    book.save(path)
    return path


REPRINTS = {"print", "einvoice", "ledger check"}
"""Verbs that print again what the ledger records (or check it): an error in a part they do not
read (here, with no document, any but *Impostazioni*) is a warning (`services.reprint_reads`)."""


@pytest.mark.parametrize("verb", VERBS)
def test_data_problems(verb, broken, capsys):
    code, document = toolkit(with_workbook(verb, broken, capsys), capsys)
    valid(verb, document)
    severity = "warning" if verb in REPRINTS else "error"
    assert (code, document["exit_code"], document["ok"]) == ((0, 0, True) if verb in REPRINTS else (1, 1, False))
    assert any({"sheet": "Clienti", "cell": "B2", "severity": severity}.items() <= p.items()
               for p in document["problems"]), document["problems"]
    assert not (broken.parent / "anagrafiche.xlsx.ledger.sqlite").exists()


@pytest.mark.parametrize("verb", VERBS)
def test_unusable_input(verb, tmp_path, capsys):
    fake = tmp_path / "anagrafiche.xlsx"
    fake.write_text("not a spreadsheet", encoding="utf-8")
    code, document = toolkit(with_workbook(verb, fake, capsys), capsys)
    valid(verb, document)
    assert (code, document["exit_code"], document["ok"]) == (2, 2, False)
    assert [p["severity"] for p in document["problems"]] == ["error"]


@pytest.mark.parametrize("verb", VERBS)
def test_usage_mistake(verb, capsys):
    code, document = toolkit([*verb.split(), "--no-such-option"], capsys)
    valid(verb, document)
    assert (code, document["exit_code"]) == (2, 2)
    assert document["problems"][0]["code"] == "usage-error"


@pytest.mark.parametrize("verb", VERBS)
def test_internal_error(verb, desk, capsys, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from toolkit.services import check

    def broken_database(*args, **kwargs):
        raise OperationalError("SELECT secret FROM customers WHERE id = ?", (42,), Exception("disk I/O error"))

    args = done_args(verb, desk, capsys)
    monkeypatch.setattr(check, "check_file", broken_database)
    code, document = toolkit(args, capsys)
    valid(verb, document)
    assert (code, document["exit_code"]) == (3, 3)
    [problem] = document["problems"]
    assert problem["code"] == "internal-error"
    assert "disk I/O error" in problem["message"]
    assert "SELECT" not in problem["message"] and "42" not in problem["message"]


def test_the_language_asked_for_reaches_file_errors(tmp_path, capsys):
    code, document = toolkit(["orders", "list", str(tmp_path / "missing.xlsx"), "--lang", "en"], capsys)
    assert code == 2
    assert document["problems"][0]["message"].startswith("The file")


def test_only_italian_and_english(tmp_path, capsys):
    code, document = toolkit(["orders", "list", str(tmp_path / "x.xlsx"), "--lang", "fr"], capsys)
    assert code == 2 and document["problems"][0]["code"] == "usage-error"
    assert "«fr»: italiano, inglese" in document["problems"][0]["message"]


def test_run_numbers_are_a_list_of_ranges(desk, capsys):
    code, document = toolkit(["invoice", "list", str(desk)], capsys)
    draft = next(r for r in document["runs"] if r["status"] == "draft")
    first, last = draft["numbers"][0]["first"], draft["numbers"][0]["last"]
    assert first.startswith("FT-2026-") and last.startswith("FT-2026-") and first <= last
    assert int(last[-5:]) - int(first[-5:]) + 1 == draft["invoices"]


def test_the_reference_in_the_docs_is_the_schemas():
    docs = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert reference() in docs
