"""A file of printed documents that an output would replace is named by what it holds, kind by
kind, as the to-print lines name documents (`test_to_print_lines`): a file of two invoices was
said to hold *fatture e note di credito*, and so was one of a lone debit note, whose number is in
the invoices' series. Refused when new documents would go into it (`output-holds-documents`),
kept when a reprint leaves some of them out (`print-kept-file`), in Italian and in English."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from test_interrupted import invoiced_and_shipped
from test_printing import cli, numbers

from toolkit.ledger import schema
from toolkit.services.printing import THEM, kind_by_kind

desk = __import__("test_printing").desk


def _issued(capsys, workbook, url, *args) -> str:
    """The document a command issues, as the ledger numbers it."""
    code, said = cli(capsys, *args, "--ledger", url)
    assert code == 0, said
    return numbers(url, schema.invoices)[-1]


def _credit(capsys, workbook, url, invoice, *out, lang="it"):
    return cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--lines", "1:1", "--reason", "merce rotta",
               "--date", "2026-04-20", *out, "--ledger", url, "--lang", lang)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _refused(capsys, workbook, url, invoice, out, lang) -> str:
    """A credit note asked into `out`, refused with nothing stored: what was said, on one line."""
    stored = numbers(url, schema.invoices)
    code, said = _credit(capsys, workbook, url, invoice, "--out", out, lang=lang)
    assert code == 2 and numbers(url, schema.invoices) == stored, said
    return _flat(said)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_file_of_one_invoice_or_two_is_named_by_them_when_new_documents_would_replace_it(capsys, tmp_path, desk,
                                                                                           lang):
    workbook, url = desk
    invoice = invoiced_and_shipped(capsys, workbook, url)
    first = numbers(url, schema.invoices)[0]
    one, two = tmp_path / "una.xlsx", tmp_path / "due.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--numbers", invoice, "--out", one, "--ledger", url)[0] == 0
    assert cli(capsys, "print", "invoices", workbook, "--numbers", f"{first},{invoice}", "--out", two,
               "--ledger", url)[0] == 0

    said = _refused(capsys, workbook, url, invoice, one, lang)
    assert said.count({
        "it": f"Il file {one} contiene già documenti del registro, 1 fattura ({invoice}): scriverci i nuovi la "
              "toglierebbe dal file",
        "en": f"The file {one} already holds documents of the ledger, 1 invoice ({invoice}): writing the new ones "
              "into it would take it out of the file, perhaps before it is printed"}[lang]) == 1, said
    assert {"it": "(quel documento si ristampa con toolkit print invoices --numbers)",
            "en": "(that document prints again with toolkit print invoices --numbers)"}[lang] in said, said
    said = _refused(capsys, workbook, url, invoice, two, lang)
    assert {"it": f"contiene già documenti del registro, 2 fatture ({first}, {invoice}): scriverci i nuovi le toglierebbe",
            "en": f"already holds documents of the ledger, 2 invoices ({first}, {invoice}): writing the new ones into it "
                  "would take them out of the file, perhaps before they are printed"}[lang] in said, said
    assert {"it": "(quei documenti si ristampano con toolkit print invoices --numbers)",
            "en": "(those documents print again with toolkit print invoices --numbers)"}[lang] in said, said
    assert "note di credito" not in said and "credit notes" not in said


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_file_of_several_kinds_is_named_kind_by_kind(capsys, tmp_path, desk, lang):
    """A debit note's number is in the invoices' series: its kind is the ledger's, not its
    number's."""
    workbook, url = desk
    invoice = invoiced_and_shipped(capsys, workbook, url)
    first = numbers(url, schema.invoices)[0]
    note = _issued(capsys, workbook, url, "invoice", "credit", workbook, "--invoice", invoice, "--lines", "1:1",
                   "--reason", "merce rotta", "--date", "2026-04-20")
    debit = _issued(capsys, workbook, url, "invoice", "debit", workbook, "--invoice", invoice, "--amount", "25",
                    "--rate", "10", "--reason", "prezzo errato")
    mixed, pair = tmp_path / "miste.xlsx", tmp_path / "coppia.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--numbers", f"{invoice},{note},{debit}", "--out", mixed,
               "--ledger", url)[0] == 0
    assert cli(capsys, "print", "invoices", workbook, "--numbers", f"{invoice},{note}", "--out", pair,
               "--ledger", url)[0] == 0
    three = {"it": f"1 fattura ({invoice}), 1 nota di credito ({note}) e 1 nota di debito ({debit})",
             "en": f"1 invoice ({invoice}), 1 credit note ({note}) and 1 debit note ({debit})"}[lang]

    said = _refused(capsys, workbook, url, invoice, mixed, lang)
    assert {"it": f"Il file {mixed} contiene già documenti del registro, {three}: scriverci i nuovi le toglierebbe",
            "en": f"The file {mixed} already holds documents of the ledger, {three}: writing the new ones into it "
                  "would take them out"}[lang] in said, said

    one, many = ("resta nel suo file", "it stays in its file"), ("restano nel loro file", "they stay in their file")
    credit = {"it": f"1 nota di credito ({note})", "en": f"1 credit note ({note})"}[lang]
    debited = {"it": f"1 nota di debito ({debit})", "en": f"1 debit note ({debit})"}[lang]
    for chosen, out, held, stay, printed, written in [(first, mixed, three, many, "Stampata", "miste-2.xlsx"),
                                                      (invoice, pair, credit, one, "Stampata", "coppia-2.xlsx"),
                                                      (f"{invoice},{note}", mixed, debited, one, "Stampate", "miste-3.xlsx")]:
        code, said = cli(capsys, "print", "invoices", workbook, "--numbers", chosen, "--out", out, "--ledger", url,
                         "--lang", lang)
        assert code == 0, said
        assert {"it": f"Il file {out} contiene anche {held}, che questa stampa non comprende: non lo sostituisco, così "
                      f"{stay[0]}. {printed} in {tmp_path / written}.",
                "en": f"The file {out} also holds {held}, which this printing leaves out: the file is not replaced, so "
                      f"{stay[1]}. Printed to {tmp_path / written}."}[lang] in _flat(said), said


@pytest.fixture
def any_desk(tmp_path, sample_workbook, ledger_url) -> tuple[Path, str]:
    """The sample master workbook and its ledger, on each backend."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    return workbook, ledger_url


def test_a_tab_naming_more_than_one_document_is_counted_not_dropped(capsys, tmp_path, any_desk):
    """A tab `1` where the ledger has an invoice 1 and a credit note 1 is held (the file is not
    replaced) but has no one kind: it was left out of what the messages name, which then named
    nothing (*contiene già documenti del registro, : …*). It is counted, as a document."""
    workbook, url = any_desk
    invoice = invoiced_and_shipped(capsys, workbook, url)
    assert _credit(capsys, workbook, url, invoice)[0] == 0
    assert {"FT-2026-00001", "NC-2026-00001"} <= set(numbers(url, schema.invoices))
    own = tmp_path / "fatture.xlsx"
    assert cli(capsys, "print", "invoices", workbook, "--numbers", invoice, "--out", own, "--ledger", url)[0] == 0
    book = openpyxl.load_workbook(own)
    book[invoice].title = "1"  # the desk renamed the tab, in the toolkit's file
    book.save(own)

    said = _refused(capsys, workbook, url, invoice, own, "it")
    assert f"Il file {own} contiene già documenti del registro, 1 documento (1): scriverci i nuovi lo toglierebbe" \
        in said, said
    said = _refused(capsys, workbook, url, invoice, own, "en")
    assert f"The file {own} already holds documents of the ledger, 1 document (1): writing the new ones into it " \
           "would take it out" in said, said
    assert openpyxl.load_workbook(own).sheetnames == ["1"]
    code, said = cli(capsys, "print", "invoices", workbook, "--numbers", invoice, "--out", own, "--ledger", url)
    assert code == 0 and f"Il file {own} contiene anche 1 documento (1), che questa stampa non comprende" in _flat(said)


def test_an_invoice_of_a_kind_without_a_noun_is_counted_as_a_document():
    """A ledger row of a kind the messages have no noun for (written by a later version, or by
    hand) is named as a document rather than left out of the count."""
    named = kind_by_kind([], [("FT-1", "invoice"), ("X-1", "proforma")])
    assert named.total == 2
    assert named.shown("it") == "1 fattura (FT-1) e 1 documento (X-1)"
    assert named.agreeing(THEM).shown("it") == "li"
