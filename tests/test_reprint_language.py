"""Every document reprints in the language it was issued in (ledger schema 46): an auditor
reprinting April's invoices after the desk switched *Impostazioni › Lingua* to English gets the
*FATTURA* the customer received, not an *INVOICE* nobody was handed. `--lang` typed on the
command line prints every document in the language asked for; the command's own messages speak
the run's language; documents stored before schema 46 kept none and print in the run's, as all
did before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from older_ledgers import back_to
from sqlalchemy import inspect, select
from test_printing import cli, desk  # noqa: F401  (desk is a fixture)

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import migrate, reading

TITLES = {"it": ("ORDINE CLIENTE", "DOCUMENTO DI TRASPORTO", "FATTURA", "NOTA DI CREDITO", "NOTA DI DEBITO"),
          "en": ("SALES ORDER", "DELIVERY NOTE", "INVOICE", "DEFERRED INVOICE", "CREDIT NOTE", "DEBIT NOTE")}
"""The words a printed document's title begins with, by language."""


def lingua(workbook: Path, lang: str) -> None:
    """The desk switches *Impostazioni › Lingua*."""
    book = openpyxl.load_workbook(workbook)
    for row in book["Impostazioni"].iter_rows():
        if row[0].value == "Lingua":
            row[1].value = lang
    book.save(workbook)


def spoken(path: Path) -> dict[str, str]:
    """By sheet (a document's number), the language it is printed in: its title (the first cell
    of column A that is a document's word, or begins with one) and its page header (*… n. X del
    …* or *… no. X dated …*) agree on it."""
    found = {}
    for sheet in openpyxl.load_workbook(path):
        cells = [str(row[0]) for row in sheet.iter_rows(max_col=1, values_only=True) if row[0]]
        titled = {lang for lang, words in TITLES.items() for cell in cells
                  if any(cell == word or cell.startswith(f"{word} ") for word in words)}
        header = sheet.oddHeader.left.text or ""
        headed = {lang for lang, words in (("it", (" n. ", " del ")), ("en", (" no. ", " dated "))) if all(
            word in header for word in words)}
        assert len(titled) == 1 and titled == headed, (sheet.title, titled, headed, cells[:8], header)
        found[sheet.title] = titled.pop()
    return found


def april_in_italian(capsys, workbook: Path, url: str) -> None:
    """9 April's orders created (their DDT and invoices issued at once), shipped on the 10th and
    April invoiced final, all with *Lingua* Italian; then the desk switches to English."""
    for args in (("orders", "create", workbook, "--date", "2026-04-09"),
                 ("ship", workbook, "--date", "2026-04-10", "--all"),
                 ("invoice", workbook, "--month", "2026-04", "--final", "--out", workbook.parent / "fatture")):
        code, said = cli(capsys, *args, "--ledger", url)
        assert code == 0, said
    lingua(workbook, "en")


def test_an_invoice_issued_in_italian_reprints_in_italian_after_lingua_switched_to_english(capsys, tmp_path, desk):  # noqa: F811
    """April's invoices (at once and at month end), a credit note and a debit note on them, all
    issued in Italian, reprinted after *Lingua* says English: each says *FATTURA*, *NOTA DI
    CREDITO*, *NOTA DI DEBITO*, as the customer received it; the command speaks English."""
    from test_printing import numbers

    workbook, url = desk
    april_in_italian(capsys, workbook, url)
    lingua(workbook, "it")
    for verb, *args in (("credit", "--invoice", "FT-2026-00001"),
                        ("debit", "--invoice", "FT-2026-00002", "--amount", "10", "--rate", "22")):
        code, said = cli(capsys, "invoice", verb, workbook, *args, "--reason", "Prezzo rivisto", "--ledger", url)
        assert code == 0, said
    lingua(workbook, "en")
    out = tmp_path / "fatture.xlsx"
    issued = numbers(url, schema.invoices)
    code, said = cli(capsys, "print", "invoices", workbook, "--numbers", ",".join(issued), "--out", out,
                     "--ledger", url)
    assert code == 0, said
    languages = spoken(out)
    assert sorted(languages) == sorted(issued) and set(languages.values()) == {"it"}, languages
    titles = {v for sheet in openpyxl.load_workbook(out) for row in sheet.iter_rows(max_col=1, values_only=True)
              for v in row if isinstance(v, str) and " n. " in v}
    assert {t.split(" n. ")[0] for t in titles} >= {"FATTURA", "FATTURA DIFFERITA", "NOTA DI CREDITO",
                                                    "NOTA DI DEBITO"}, titles
    assert f"Printed {len(issued)} documents." in said, "the run's messages speak its language"


def test_ddts_and_orders_issued_in_italian_reprint_in_italian(capsys, tmp_path, desk):  # noqa: F811
    workbook, url = desk
    april_in_italian(capsys, workbook, url)
    for kind, chosen in (("ddt", ("--date", "2026-04-10")), ("orders", ("--date", "2026-04-09"))):
        out = tmp_path / f"{kind}.xlsx"
        code, said = cli(capsys, "print", kind, workbook, *chosen, "--out", out, "--ledger", url)
        assert code == 0, said
        assert set(spoken(out).values()) == {"it"}, (kind, spoken(out))


def test_lang_typed_on_the_command_line_prints_every_document_in_it(capsys, tmp_path, desk):  # noqa: F811
    """A user who asks for English gets English, whatever each document was issued in."""
    workbook, url = desk
    april_in_italian(capsys, workbook, url)
    for kind, chosen in (("invoices", ("--date", "2026-04-01", "--to", "2026-04-30")),
                         ("ddt", ("--date", "2026-04-10")), ("orders", ("--date", "2026-04-09"))):
        out = tmp_path / f"{kind}.xlsx"
        code, said = cli(capsys, "print", kind, workbook, *chosen, "--out", out, "--ledger", url, "--lang", "en")
        assert code == 0, said
        assert set(spoken(out).values()) == {"en"}, (kind, spoken(out))


def test_one_print_of_documents_of_two_languages_prints_each_in_its_own(capsys, tmp_path, desk):  # noqa: F811
    """9 April's orders issued in Italian, those of the 10th to the 13th in English: one file,
    each sheet in its own; `--lang` typed, every sheet in the language asked for."""
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    lingua(workbook, "en")
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-13", "--ledger", url)[0] == 0
    with reading(open_ledger(url)) as conn:
        o = schema.orders.c
        by_day = {(day > date(2026, 4, 9), lang) for day, lang in conn.execute(select(o.order_date, o.lang))}
    assert by_day == {(False, "it"), (True, "en")}
    out = tmp_path / "ordini.xlsx"
    lingua(workbook, "it")
    code, said = cli(capsys, "print", "orders", workbook, "--date", "2026-04-09", "--to", "2026-04-13", "--out", out,
                     "--ledger", url)
    assert code == 0, said
    languages = spoken(out)
    with reading(open_ledger(url)) as conn:
        kept = {f"{s}-{y}-{n:05d}": lang for s, y, n, lang in conn.execute(select(o.series, o.year, o.number, o.lang))}
    assert languages == kept and set(languages.values()) == {"it", "en"}
    for asked in ("it", "en"):
        code, said = cli(capsys, "print", "orders", workbook, "--date", "2026-04-09", "--to", "2026-04-13", "--out",
                         out, "--ledger", url, "--lang", asked)
        assert code == 0, said
        assert set(spoken(out).values()) == {asked}


def test_documents_of_a_schema_45_ledger_reprint_in_the_runs_language(capsys, tmp_path, desk):  # noqa: F811
    """A ledger of schema 45 gains the column empty: its documents, which kept no language, print
    in the run's (*Lingua*, here English), as they did before."""
    workbook, url = desk
    april_in_italian(capsys, workbook, url)
    ledger = open_ledger(url)
    back_to(ledger, 45, {**{table: ["lang"] for table in ("orders", "deliveries", "invoices")}, "einvoice_files": ["written_at"]})
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        assert all("lang" in {c["name"] for c in inspect(conn).get_columns(t)} for t in ("orders", "deliveries", "invoices"))
        assert {lang for t in (schema.orders, schema.deliveries, schema.invoices)
                for (lang,) in conn.execute(select(t.c.lang))} == {None}
    ledger.engine.dispose()
    for kind, chosen in (("invoices", ("--date", "2026-04-01", "--to", "2026-04-30")),
                         ("ddt", ("--date", "2026-04-10")), ("orders", ("--date", "2026-04-09"))):
        out = tmp_path / f"{kind}.xlsx"
        code, said = cli(capsys, "print", kind, workbook, *chosen, "--out", out, "--ledger", url)
        assert code == 0, said
        assert set(spoken(out).values()) == {"en"}, (kind, spoken(out))


def test_a_document_held_for_its_day_keeps_the_language_of_the_run_that_issued_it(capsys, tmp_path, desk, rome_today):  # noqa: F811
    """Tomorrow's POS and on-credit orders created today in Italian: their DDTs and invoices wait
    for their day, and `ship` of that day, run in English, issues and prints them in English;
    *Lingua* back to Italian, they reprint as they were printed."""
    workbook, url = desk
    rome_today(date(2026, 10, 1))
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-02", "--ledger", url)[0] == 0
    rome_today(date(2026, 10, 2))
    lingua(workbook, "en")
    first = tmp_path / "ddt.xlsx"
    code, said = cli(capsys, "ship", workbook, "--date", "2026-10-02", "--all", "--out", first, "--ledger", url)
    assert code == 0, said
    lingua(workbook, "it")
    with reading(open_ledger(url)) as conn:
        d, o = schema.deliveries.c, schema.orders.c
        held = {lang for (lang,) in conn.execute(select(d.lang).where(d.delivery_date == date(2026, 10, 2)))}
        ordered = {lang for (lang,) in conn.execute(select(o.lang).where(o.order_date == date(2026, 10, 2)))}
    assert (held, ordered) == ({"en"}, {"it"})
    again = tmp_path / "ristampa.xlsx"
    assert cli(capsys, "print", "ddt", workbook, "--date", "2026-10-02", "--out", again, "--ledger", url)[0] == 0
    assert spoken(again) == spoken(first) and set(spoken(again).values()) == {"en"}


def test_print_shows_the_checks_warnings(capsys, tmp_path, desk):  # noqa: F811
    """A mistyped setting is a warning every command shows at its cell; `print` showed none."""
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    book = openpyxl.load_workbook(workbook)
    book["Impostazioni"].append(["Ufficio RAE", "MI"])
    book.save(workbook)
    code, said = cli(capsys, "print", "orders", workbook, "--date", "2026-04-09", "--out", tmp_path / "o.xlsx",
                     "--ledger", url)
    assert code == 0, said
    assert "Impostazioni!A" in said and "«Ufficio RAE» non è un'impostazione del toolkit" in said


def test_a_returns_ddt_reprints_in_the_language_it_was_issued_in(ledger, tmp_path):
    """`test_credit_returns`' C002 sends a kilo of coffee back on 20 May: its return's DDT, issued
    in Italian, reprints in Italian from a run in English, its reason *Reso*, not *Return*."""
    from test_credit_returns import RETURNED, SOLD, master

    from toolkit.services.orders import create
    from toolkit.services.printing import Selection, print_documents
    from toolkit.services.shipping import ship

    books = master(1)
    for day in (SOLD, RETURNED):
        create(books, ledger, day, with_catch_up=False, lang="it")
        assert ship(books, ledger, day, all_open=True, lang="it").notes
    out = tmp_path / "reso.xlsx"
    printed = print_documents(books, ledger, "ddt", Selection(first=RETURNED, last=RETURNED), out, "en")
    [number] = printed.numbers
    assert spoken(out) == {number: "it"}
    cells = {v for row in openpyxl.load_workbook(out)[number].iter_rows(values_only=True) for v in row}
    assert "Reso" in cells and "Return" not in cells


def test_the_english_demo_issues_its_month_end_invoices_in_english(ledger_url, tmp_path):
    """`toolkit demo --lang en` invoiced April's month end without its language, so the run's
    default stored those invoices as Italian and the month's printable copies the demo writes
    said *FATTURA DIFFERITA* in an English demo: every document it issues keeps English, and
    the copies speak it."""
    from toolkit.services.demo import month_copies, run_demo

    out = tmp_path / "demo"
    run_demo(out, "en", ledger_url=ledger_url)
    ledger = open_ledger(ledger_url)
    with reading(ledger) as conn:
        kept = {(table.name, lang) for table in (schema.orders, schema.deliveries, schema.invoices)
                for lang in conn.execute(select(table.c.lang).distinct()).scalars()}
    ledger.engine.dispose()
    assert kept == {("orders", "en"), ("deliveries", "en"), ("invoices", "en")}
    copies = spoken(month_copies(out, "en"))
    assert len(copies) > 10 and set(copies.values()) == {"en"}, copies
