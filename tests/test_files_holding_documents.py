"""A file of printed documents that an output would replace is named by what it holds, kind by
kind, as the to-print lines name documents (`test_to_print_lines`): a file of two invoices was
said to hold *fatture e note di credito*, and so was one of a lone debit note, whose number is in
the invoices' series. Refused when new documents would go into it (`output-holds-documents`),
kept when a reprint leaves some of them out (`print-kept-file`), in Italian and in English."""

from __future__ import annotations

import pytest
from test_interrupted import invoiced_and_shipped
from test_printing import cli, numbers

from toolkit.ledger import schema

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
              "into it would take it out of the file"}[lang]) == 1, said
    said = _refused(capsys, workbook, url, invoice, two, lang)
    assert {"it": f"contiene già documenti del registro, 2 fatture ({first}, {invoice}): scriverci i nuovi le toglierebbe",
            "en": f"already holds documents of the ledger, 2 invoices ({first}, {invoice}): writing the new ones into it "
                  "would take them out"}[lang] in said, said
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

    code, said = cli(capsys, "print", "invoices", workbook, "--numbers", first, "--out", mixed, "--ledger", url,
                     "--lang", lang)
    assert code == 0, said
    assert {"it": f"Il file {mixed} contiene anche {three}, che questa stampa non comprende: non lo sostituisco, così "
                  f"restano nel loro file. Stampati in {tmp_path / 'miste-2.xlsx'}.",
            "en": f"The file {mixed} also holds {three}, which this printing leaves out: the file is not replaced, so "
                  f"they stay in their file. Printed to {tmp_path / 'miste-2.xlsx'}."}[lang] in _flat(said), said

    code, said = cli(capsys, "print", "invoices", workbook, "--numbers", invoice, "--out", pair, "--ledger", url,
                     "--lang", lang)
    assert code == 0, said
    assert {"it": f"Il file {pair} contiene anche 1 nota di credito ({note}), che questa stampa non comprende: non lo "
                  "sostituisco, così resta nel suo file.",
            "en": f"The file {pair} also holds 1 credit note ({note}), which this printing leaves out: the file is not "
                  "replaced, so it stays in its file."}[lang] in _flat(said), said
