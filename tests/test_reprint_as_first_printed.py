"""Every document the ledger records prints again as it was first printed (the guide's rule:
no output is silently missing), checked as a whole, the way XlsxWriter's tests compare with
reference files: each file a first printing wrote is kept, everything is printed again from the
ledger with the documented commands, and the two workbooks are compared part by part after
dropping only what changes by design — `docProps/core.xml`'s times, and the *COPIA* (*COPY*) a
final invoice, credit or debit note printed before adds to its title and page header, whose
cells are compared apart (`copy_differences`).

Two sequences issue every kind: a desk's days run from the command line with `--out` (orders
with their DDTs and invoices issued at once, POS and prepay among them, DDTs, `ship --invoice`,
credit and debit notes, a month end run as a draft then finalized, May's quotation), in Italian
and in English, every name, address and description they printed changed before printing them
again (the seller's and the items' too, *Lingua* turned, items turned services and back);
and the demo month, whose files are printed from the ledger day by day, with its
volume discounts, commissions, e-invoices and accountants' workbook, on SQLite; the desk's
Italian days on PostgreSQL too. The production and distribution lists are not here: the ledger
keeps no record of what they printed (they are plans of what is to come, worked out at each
run), and the records of services rendered (*SERVIZI-…*) print nowhere, the first time either.
A DDT's cash to collect is worked out again at each printing by design (`test_ddt_reprint_payment`).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
from test_printing import cli
from test_reprint_language import lingua
from xlsx_reference import COPY_MARKS, copy_differences, differences

from toolkit.writers.accountants import file_names

APRIL = ("--month", "2026-04")


def run(capsys, url: str, lang: str | None, *args) -> str:
    """A command of the desk, on the ledger at `url`, in `lang` when typed (else *Lingua*'s):
    what it said, after exit 0. A reprint is run without it, as `--lang` typed prints every
    document in the language asked for, where each keeps its own."""
    code, said = cli(capsys, *args, "--ledger", url, *(("--lang", lang) if lang else ()))
    assert code == 0, said
    return said


def printed_again(capsys, url: str, lang: str, workbook: Path, first: Path, kind: str, again: Path,
                  *, final: bool) -> int:
    """`first` printed again (`toolkit print KIND --numbers` of the documents it holds, a sheet
    each) into a file of the same name under `again`, compared: the same but for the copy mark
    of final invoices and notes. How many documents it holds."""
    numbers = openpyxl.load_workbook(first, read_only=True).sheetnames
    target = again / first.name
    run(capsys, url, None, "print", kind, workbook, "--numbers", ",".join(numbers), "--out", target)
    assert_as_first(target, first, lang, final=final)
    return len(numbers)


def assert_as_first(again: Path, first: Path, lang: str, *, final: bool) -> None:
    if final:
        assert copy_differences(again, first, COPY_MARKS[lang]) is None, first.name
    assert differences(again, first, unmarked=COPY_MARKS[lang] if final else "") is None, first.name


def same_bytes(again: Path, first: Path) -> None:
    assert again.read_bytes() == first.read_bytes(), first.name


RENAMED = {"Clienti": ("Ragione sociale", "Indirizzo"), "Destinazioni": ("Descrizione", "Indirizzo"),
           "Vettori": ("Ragione sociale",), "Contatti": ("Nome", "Email"),
           "Articoli": ("Descrizione", "Unità di misura", "Servizio")}
"""The columns of the master data a desk's documents printed, each changed before printing
them again: a document keeps the parties and goods it was issued with."""
SELLER = ("Ragione sociale", "Indirizzo", "IBAN")


def master_changed_since(workbook: Path, lang: str) -> None:
    """Every name, address and description the documents printed changes, the seller's too,
    and *Lingua* turns to the other language, as they may in the years an invoice is kept."""
    book = openpyxl.load_workbook(workbook)
    for name, columns in RENAMED.items():
        sheet = book[name]
        heading = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for column in columns:
                cell = row[heading.index(column)]
                if column == "Servizio":
                    cell.value = "no" if cell.value == "sì" else "sì"
                elif cell.value:
                    cell.value = f"{cell.value}x" if column == "Email" else f"{cell.value} (nuovo)"
    for key, value in book["Impostazioni"].iter_rows(min_row=2):
        if key.value in SELLER:
            value.value = "IT33X0542811101000000123457" if key.value == "IBAN" else f"{value.value} (nuovo)"
        elif key.value == "Lingua":
            value.value = "en" if lang == "it" else "it"
    book.save(workbook)


def desk_days(capsys, workbook: Path, url: str, lang: str) -> dict[str, int]:
    """April's first two days, each printed as it is issued, notes on their invoices, April's
    month end as a draft whose copies print marked BOZZA, then finalized, and May 15 (the
    sample's quotation among its orders) shipped with `--invoice`; every file printed again
    and compared. The documents compared, by kind."""
    out, again = workbook.parent / "stampati", workbook.parent / "ristampati"
    out.mkdir()
    again.mkdir()
    for day in ("2026-04-01", "2026-04-02"):
        run(capsys, url, lang, "orders", "create", workbook, "--date", day, "--out", out / f"ordini-{day}.xlsx")
        run(capsys, url, lang, "ship", workbook, "--date", day, "--all", "--out", out / f"ddt-{day}.xlsx")
    run(capsys, url, lang, "invoice", "credit", workbook, "--invoice", "FT-2026-00001", "--reason", "reso",
        "--date", "2026-04-03", "--out", out / "nota-credito.xlsx")
    run(capsys, url, lang, "invoice", "debit", workbook, "--invoice", "FT-2026-00002", "--amount", "10",
        "--reason", "spese", "--date", "2026-04-03", "--out", out / "nota-debito.xlsx")
    said = run(capsys, url, lang, "invoice", workbook, *APRIL, "--date", "2026-04-30", "--copies", "--json",
               "--out", out / "bozza")
    run_id = json.loads(said)["run_id"]
    names = {kind: name for name, kind in file_names(run_id, lang, copies=True).items()}
    draft = out / "bozza" / names["invoices"]
    run(capsys, url, None, "print", "invoices", workbook, "--run", run_id, "--out", again / "bozza.xlsx")
    assert_as_first(again / "bozza.xlsx", draft, lang, final=False)
    run(capsys, url, lang, "invoice", "finalize", workbook, run_id, "--copies", "--out", out / "definitive")
    run(capsys, url, lang, "orders", "create", workbook, "--date", "2026-05-15", "--no-catch-up",
        "--out", out / "ordini-2026-05-15.xlsx")
    run(capsys, url, lang, "ship", workbook, "--date", "2026-05-15", "--all", "--invoice",
        "--out", out / "ddt-2026-05-15.xlsx")

    master_changed_since(workbook, lang)
    quotations = [o["number"] for o in json.loads(run(capsys, url, lang, "orders", "list", workbook, "--json"))
                  ["orders"] if o["document_type"] == "quotation"]
    assert quotations and set(quotations) <= set(openpyxl.load_workbook(out / "ordini-2026-05-15.xlsx").sheetnames)
    days = ("2026-04-01", "2026-04-02", "2026-05-15")
    files = {"orders": [out / f"ordini-{day}.xlsx" for day in days],
             "ddt": [out / f"{name}-{day}{ddt}.xlsx" for day in days for name, ddt in (("ddt", ""), ("ordini", "-ddt"))],
             "invoices": [*(out / f"ordini-{day}-fatture.xlsx" for day in days), out / "ddt-2026-05-15-fatture.xlsx",
                          out / "nota-credito.xlsx", out / "nota-debito.xlsx", out / "definitive" / names["invoices"]]}
    compared = {kind: sum(printed_again(capsys, url, lang, workbook, first, kind, again, final=kind == "invoices")
                          for first in paths) for kind, paths in files.items()}

    run(capsys, url, lang, "invoice", "export", workbook, run_id, "--copies", "--out", again / "export")
    for name, kind in file_names(run_id, lang, copies=True).items():
        first, written = out / "definitive" / name, again / "export" / name
        same_bytes(written, first) if kind is None else assert_as_first(written, first, lang,
                                                                        final=kind == "invoices")
    for month in ("2026-04", "2026-05"):
        run(capsys, url, lang, "einvoice", workbook, "--month", month, "--out", out / "xml")
        run(capsys, url, None, "einvoice", workbook, "--month", month, "--out", again / "xml")
    xml = sorted(out.glob("xml/*.xml"))
    assert [p.name for p in xml] == sorted(p.name for p in again.glob("xml/*.xml"))
    for first in xml:
        same_bytes(again / "xml" / first.name, first)
    return {**compared, "einvoices": len(xml)}


def test_a_desks_documents_print_again_as_first_printed_in_italian(capsys, ledger_url, tmp_path, sample_workbook):
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    compared = desk_days(capsys, workbook, ledger_url, "it")
    assert compared["orders"] > 20 and compared["ddt"] > 10 and compared["invoices"] > 15
    assert compared["einvoices"] == compared["invoices"], "each final invoice and note has its FatturaPA file"


def test_a_desks_documents_print_again_as_first_printed_in_english(capsys, tmp_path, sample_workbook):
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    lingua(workbook, "en")
    compared = desk_days(capsys, workbook, f"sqlite:///{tmp_path / 'ledger.sqlite'}", "en")
    assert compared["orders"] > 20 and compared["ddt"] > 10 and compared["invoices"] > 15


def demo_printed_again(capsys, out: Path, url: str, lang: str) -> dict[str, int]:
    """The demo month (its day files are printed from the ledger as it goes), then everything
    printed again with the commands a desk has, into `ristampa/`, and compared."""
    from toolkit.services.demo import MONTH, month_copies, run_demo

    run_demo(out, lang, ledger_url=url)
    workbook, again = out / "anagrafiche.xlsx", out / "ristampa"
    compared = {"orders": 0, "ddt": 0}
    for folder, kind in (("ordini", "orders"), ("ddt", "ddt")):
        (again / folder).mkdir(parents=True)
        for first in sorted((out / folder).glob("*.xlsx")):
            day = first.stem.removeprefix(f"{folder}-")
            run(capsys, url, None, "print", kind, workbook, "--date", day, "--out", again / folder / first.name)
            assert_as_first(again / folder / first.name, first, lang, final=False)
            compared[kind] += len(openpyxl.load_workbook(first, read_only=True).sheetnames)

    copies = month_copies(out, lang)
    run(capsys, url, None, "print", "invoices", workbook, "--date", f"{MONTH[0]}", "--to", f"{MONTH[1]}",
        "--out", again / copies.name)
    assert_as_first(again / copies.name, copies, lang, final=True)
    compared["invoices"] = len(openpyxl.load_workbook(copies, read_only=True).sheetnames)
    run(capsys, url, lang, "invoice", "export", workbook, *APRIL, "--copies", "--out", again / "fatture")
    for name, kind in file_names("2026-04", lang, copies=True, month=True).items():
        first, written = out / "fatture" / name, again / "fatture" / name
        same_bytes(written, first) if kind is None else assert_as_first(written, first, lang,
                                                                        final=kind == "invoices")

    run(capsys, url, None, "discounts", "settle", workbook, "--period", "2026-04", "--reprint",
        "--out", again / "sconti")
    run(capsys, url, None, "commissions", workbook, "--from", f"{MONTH[0]}", "--to", f"{MONTH[1]}", "--reprint",
        "--out", again / "provvigioni")
    for folder in ("sconti", "provvigioni"):
        firsts = sorted((out / folder).iterdir())
        assert [p.name for p in firsts] == sorted(p.name for p in (again / folder).iterdir())
        for first in firsts:
            written = again / folder / first.name
            same_bytes(written, first) if first.suffix == ".csv" else assert_as_first(written, first, lang,
                                                                                      final=False)
        compared[folder] = sum(1 for p in firsts if p.suffix == ".xlsx")

    run(capsys, url, None, "einvoice", workbook, *APRIL, "--zip", "--resend", "--out", again / "xml")
    [sent] = (out / "fatture-elettroniche").glob("*.zip")
    [resent] = (again / "xml").glob("*.zip")
    assert resent.name == sent.name
    with zipfile.ZipFile(sent) as first, zipfile.ZipFile(resent) as written:
        assert first.namelist() == written.namelist()
        for name in first.namelist():
            assert written.read(name) == first.read(name) == (out / "fatture-elettroniche" / name).read_bytes()
        compared["einvoices"] = len(first.namelist())
    return compared


def test_the_demo_month_prints_again_as_first_printed(capsys, tmp_path):
    compared = demo_printed_again(capsys, tmp_path / "demo", f"sqlite:///{tmp_path / 'ledger.sqlite'}", "it")
    assert compared["orders"] > 150 and compared["ddt"] > 100 and compared["invoices"] > 50
    assert compared["einvoices"] == compared["invoices"] and compared["sconti"] > 3 and compared["provvigioni"] > 3


def test_the_english_demo_month_prints_again_as_first_printed(capsys, tmp_path):
    compared = demo_printed_again(capsys, tmp_path / "demo", f"sqlite:///{tmp_path / 'ledger.sqlite'}", "en")
    assert compared["orders"] > 150 and compared["ddt"] > 100 and compared["invoices"] > 50
