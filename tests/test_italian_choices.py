"""The desk types Italian: every choice of the command line (a report's kind, `--by`,
`--compare`, `toolkit print`'s kind, `convert --to`, a status, a request's kind, a payment
method) takes its Italian word as well as its English code, in any case; `--help` lists both,
Italian first; a word that is neither is refused before any work, exit 2, naming both lists;
and the JSON keeps the English codes."""

from __future__ import annotations

import json
import shutil

import pytest


@pytest.fixture(scope="module")
def desk(tmp_path_factory, sample_workbook):
    """A copy of the sample with 15 May's orders created (and printed in the ledger)."""
    folder = tmp_path_factory.mktemp("desk")
    workbook = folder / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    assert run(None, "orders", "create", workbook, "--date", "2026-05-15", "--no-catch-up")[0] == 0
    return workbook


def run(capsys, *args):
    """The command line's exit code, stdout and stderr (nothing captured without `capsys`)."""
    from toolkit.cli import app, output

    app._register()
    output.reset()
    code = app.run([*map(str, args)])
    if capsys is None:
        return code, "", ""
    said = capsys.readouterr()
    return code, said.out, said.err


def test_a_choice_is_taken_by_any_of_its_words_and_two_choices_never_share_one():
    from toolkit.basics.vocab import Choice, Choices

    kinds = Choices((Choice("orders", ("ordini",)), Choice("invoices", ("fatture",), ("invoice",))))
    assert [kinds.pick(w) for w in ("ORDINI", "Orders", "fatture", "invoice", "in-voices")] == [
        "orders", "orders", "invoices", "invoices", "invoices"]
    with pytest.raises(ValueError):
        kinds.pick("ddt")
    with pytest.raises(ValueError, match="fatture"):
        Choices((Choice("orders", ("fatture",)), Choice("invoices", ("fatture",))))


def test_the_report_takes_its_kind_grouping_and_comparison_in_italian(desk, tmp_path, capsys):
    """`report vendite --by Cliente,articolo --compare anno-scorso` is the same report as
    `report sales --by customer,item --compare last-year`, and its JSON says it in English."""
    period = ("--from", "2026-05-01", "--to", "2026-05-31", "--json")
    code, out, _ = run(capsys, "report", "VENDITE", desk, *period, "--by", "Cliente,articolo",
                       "--compare", "anno-scorso", "--out", tmp_path / "vendite.xlsx")
    italian = json.loads(out)
    code_en, out, _ = run(capsys, "report", "sales", desk, *period, "--by", "customer,item",
                          "--compare", "last-year", "--out", tmp_path / "sales.xlsx")
    english = json.loads(out)
    assert code == code_en == 0
    assert (italian["kind"], italian["by"]) == ("sales", ["customer", "item"])
    assert italian["compare_from"] == "2025-05-01"
    assert italian["total"] == english["total"] != "0.00"
    assert italian["groups"] == english["groups"] > 1


@pytest.mark.parametrize(("kind", "rest", "option", "wrong", "both"), [
    ("vendut", (), "KIND", "vendut", "vendite, spedizioni, fatturato, clienti-articoli, scadenziario / "
                                     "sales, shipments, invoices, customer-products, aging"),
    ("vendite", ("--by", "cliente,pippo"), "--by", "pippo",
     "cliente, articolo, categoria, agente, zona, mese / customer, item, category, agent, zone, month"),
    ("scadenziario", ("--by", "articolo"), "--by", "articolo", "cliente, agente, zona / customer, agent, zone"),
    ("vendite", ("--compare", "ieri"), "--compare", "ieri", "precedente, anno-scorso / previous, last-year"),
])
def test_a_word_the_report_does_not_take_is_refused_naming_both_lists(desk, tmp_path, capsys, kind, rest, option,
                                                                      wrong, both):
    code, _, err = run(capsys, "report", kind, desk, "--from", "2026-05-01", "--to", "2026-05-31", *rest,
                       "--out", tmp_path / "r.xlsx")
    assert code == 2
    assert f"Invalid value for {option}: «{wrong}»: {both}" in err
    assert f"Errore: Valore non valido per {option}: «{wrong}»: {both.split(' / ')[0]}\n" in err
    assert not (tmp_path / "r.xlsx").exists()


def test_print_takes_its_kind_in_italian(desk, tmp_path, capsys):
    code, out, _ = run(capsys, "print", "Ordini", desk, "--date", "2026-05-15", "--out", tmp_path / "ordini.xlsx",
                       "--json")
    printed = json.loads(out)["printed"]
    assert code == 0 and printed and all(n.startswith("OC-2026-") for n in printed)
    code, out, _ = run(capsys, "print", "orders", desk, "--date", "2026-05-15", "--out", tmp_path / "orders.xlsx",
                       "--json")
    assert code == 0 and json.loads(out)["printed"] == printed

    code, _, err = run(capsys, "print", "distinte", desk, "--date", "2026-05-15", "--out", tmp_path / "x.xlsx")
    assert code == 2 and "«distinte»: ordini, ddt, fatture / orders, ddt, invoices" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_convert_takes_its_target_in_italian(sample_workbook, tmp_path, capsys):
    """`--to anagrafiche` merges into the master workbook; the JSON says `master`."""
    code, out, _ = run(capsys, "convert", sample_workbook, "--to", "Anagrafiche", "--out", tmp_path / "out",
                       "--json")
    assert json.loads(out)["to"] == "master" and code in (0, 1)
    assert (tmp_path / "out" / "anagrafiche.xlsx").is_file()

    code, _, err = run(capsys, "convert", sample_workbook, "--to", "fogli", "--out", tmp_path / "no")
    assert code == 2 and "«fogli»: anagrafiche, ordini, csv, pdf, xlsx / master, orders, csv, pdf, xlsx" in err
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(("verb", "listed"), [
    (("report",), "vendite, spedizioni, fatturato, clienti-articoli, scadenziario / sales, shipments, invoices, "
                  "customer-products, aging"),
    (("report",), "cliente, articolo, categoria, agente, zona, mese / customer, item, category, agent, zone, month"),
    (("report",), "precedente, anno-scorso / previous, last-year"),
    (("print",), "ordini, ddt, fatture / orders, ddt, invoices"),
    (("convert",), "anagrafiche, ordini, csv, pdf, xlsx / master, orders, csv, pdf, xlsx"),
    (("orders", "status"), "Bozza, Non accettato, In corso, Completato, Chiuso, Annullato / draft, not-accepted, "
                           "in-progress, completed, closed, voided"),
    (("requests", "add"), "Reclamo, Richiesta, Informazione, Reso, Garanzia / complaint, request, information, "
                          "return, warranty"),
    (("payments", "record"), "Bonifico bancario, Ri.Ba., Contanti, Carta, Addebito diretto, Assegno, RID, "
                             "Contrassegno / bank-transfer, riba, cash, card, direct-debit, cheque, rid, "
                             "cash-on-delivery"),
])
def test_help_lists_the_italian_words_then_the_english_codes(capsys, monkeypatch, verb, listed):
    monkeypatch.setenv("COLUMNS", "400")
    code, out, _ = run(capsys, *verb, "--help")
    assert code == 0 and listed in " ".join(out.replace("│", " ").split())


def test_the_language_is_taken_by_its_name_too(tmp_path, capsys):
    """`--lang inglese` is `--lang en`: the messages, and the sample's sheets, in English."""
    from python_calamine import CalamineWorkbook

    code, _, err = run(capsys, "orders", "list", tmp_path / "missing.xlsx", "--lang", "Inglese")
    assert code == 2 and "The file" in err
    code, out, _ = run(capsys, "sample", tmp_path, "--lang", "english")
    assert code == 0 and "Customers" in CalamineWorkbook.from_path(out.strip()).sheet_names

    code, _, err = run(capsys, "orders", "list", tmp_path / "missing.xlsx", "--lang", "fr")
    assert code == 2 and "«fr»: italiano, inglese / it, en" in err
