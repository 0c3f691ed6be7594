"""A document issued without `--out` is the desk's choice, not an accident: the command says it
is to print and how, and the next command that prints names it as to print, never only as an
operation perhaps interrupted (the ledger cannot tell the two apart: docs/credit-notes.md)."""

from __future__ import annotations

import openpyxl
from test_interrupted import advised, invoiced_and_shipped
from test_printing import cli

from toolkit.services.printing import NEVER_PRINTED

desk = __import__("test_printing").desk
any_desk = __import__("test_interrupted").any_desk


def test_a_credit_note_without_out_is_to_print_and_the_next_one_says_so(capsys, tmp_path, desk):
    workbook, url = desk
    invoice = invoiced_and_shipped(capsys, workbook, url)
    credit = ["invoice", "credit", workbook, "--invoice", invoice, "--reason", "merce rotta", "--date", "2026-04-20",
              "--ledger", url]
    code, said = cli(capsys, *credit, "--lines", "1:1")
    assert code == 0, said
    out = workbook.with_name("note-non-stampate.xlsx")
    assert (f"Da stampare (emessa senza --out): 1 nota di credito (NC-2026-00001). Stampala con: toolkit print "
            f"invoices {workbook} --unprinted --numbers NC-2026-00001 --out {out}") in said.splitlines()
    code, said = cli(capsys, *credit, "--lines", "2:1", "--out", tmp_path / "nc2.xlsx")
    assert code == 0 and "NC-2026-00002" in said, said
    assert ("Nota di credito o di debito registrata e mai stampata: NC-2026-00001. È da stampare: emessa senza "
            "chiederne il file, oppure da un'operazione fermata prima di scriverlo") in said
    assert "Forse" not in said
    [command] = advised(said)
    assert cli(capsys, *command[1:], "--ledger", url)[0] == 0
    assert openpyxl.load_workbook(command[-1]).sheetnames == ["NC-2026-00001"]


def test_a_credit_note_without_out_in_english(capsys, tmp_path, desk):
    workbook, url = desk
    invoice = invoiced_and_shipped(capsys, workbook, url)
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--lines", "1:1", "--reason",
                     "merce rotta", "--date", "2026-04-20", "--ledger", url, "--lang", "en")
    assert code == 0, said
    assert ("To print (issued without --out): 1 credit note (NC-2026-00001). Print it with: toolkit print "
            f"invoices {workbook} --unprinted --numbers NC-2026-00001") in said


def test_a_repeated_credit_note_after_one_without_out_names_both_readings(capsys, tmp_path, desk):
    workbook, url = desk
    invoice = invoiced_and_shipped(capsys, workbook, url)
    credit = ["invoice", "credit", workbook, "--invoice", invoice, "--lines", "1:1", "--reason", "merce rotta",
              "--date", "2026-04-20", "--ledger", url]
    assert cli(capsys, *credit)[0] == 0
    code, said = cli(capsys, *credit, "--out", tmp_path / "nc.xlsx")
    assert code == 2, said
    assert ("registrata e mai stampata (emessa senza --out, oppure da un comando fermato prima di scriverne il "
            "file)") in said and "interrott" not in said


def test_ddts_shipped_without_out_are_to_print_and_the_next_ship_says_so(capsys, tmp_path, desk):
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)
    assert code == 0, said
    [line] = [line for line in said.splitlines() if line.startswith("Da stampare")]
    assert line.startswith("Da stampare (emessi senza --out): 8 DDT (DDT-2026-")
    [command] = advised(said)
    named = line.split(" DDT (")[1].split("). Stampali")[0].split(", ")
    assert command[-5:] == ["--unprinted", "--numbers", ",".join(named), "--out",
                            str(workbook.with_name("ddt-non-stampati.xlsx"))]
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-10", "--ledger", url)[0] == 0
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-11", "--all", "--out", tmp_path / "ddt.xlsx",
                     "--ledger", url)
    assert code == 0, said
    assert "DDT registrati e mai stampati: DDT-2026-" in said and "Sono da stampare: emessi senza chiederne il file" in said
    assert "Da stampare (emessi" not in said


def test_the_never_printed_warning_names_both_readings_in_both_languages():
    from toolkit.basics.wording import Agreed

    said = NEVER_PRINTED(None, what_it="DDT", what_en="DDTs", numbers="DDT-2026-00001, DDT-2026-00002",
                         are=Agreed(2, ("È", "Sono"), ("It still needs", "They still need")),
                         issued=Agreed(2, ("emesso", "emessi"), ("issued", "issued")),
                         their=Agreed(2, ("suo", "loro"), ("its", "their")), them=Agreed(2, ("lo", "li"), ("it", "them")),
                         how_it="", how_en="")
    assert "emessi senza chiederne il file, oppure da un'operazione fermata prima di scriverlo" in said.message("it")
    assert "issued without asking for their file, or by an operation stopped before writing it" in said.message("en")


def test_the_command_a_ship_names_prints_only_its_own_ddts_not_an_earlier_ship_of_the_day(capsys, any_desk):
    """Two `ship` of one day without `--out`: the second's command prints its DDTs, not the first's
    (printed by the first's own command), as its line names them (SQLite and PostgreSQL)."""
    import json

    workbook, url = any_desk
    from test_printing import cli_apart

    said = cli_apart(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--json", "--ledger", url)[1]
    orders = [o["number"] for o in json.loads(said)["created"]]
    for order in orders:  # the first that ships (others wait for payment or stock)
        if "DDT emessi: 1," in cli(capsys, "ship", workbook, "--date", "2026-04-10", "--orders", order, "--ledger", url)[1]:
            break
    else:
        raise AssertionError("no order of the 9th shipped alone")
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)
    assert code == 0, said
    [line] = [line for line in said.splitlines() if line.startswith("Da stampare")]
    named = line.split(" DDT (")[1].split("). Stampal")[0].split(", ")
    [command] = advised(said)
    assert cli(capsys, *command[1:], "--ledger", url)[0] == 0
    assert openpyxl.load_workbook(command[-1]).sheetnames == named


def test_past_a_hundred_documents_the_to_print_command_chooses_their_days():
    """A day of hundreds of DDTs: a command line of their numbers would run to thousands of
    characters, so past `NUMBERED_AT_MOST` it names their days; the line names the first ten."""
    from datetime import date

    from toolkit.services.printing import issued_documents, print_commands, to_print

    def line(ddts: list[tuple[str, date]], lang: str) -> str:
        return to_print(issued_documents([n for n, _ in ddts], []), print_commands(ddts, [], "anagrafiche.xlsx"), lang)

    few = line([("DDT-2026-00001", date(2026, 4, 10))], "en")
    assert few.endswith("--unprinted --numbers DDT-2026-00001 --out ddt-non-stampati.xlsx"), few
    many = [(f"DDT-2026-{n:05}", date(2026, 4, 10 + n // 200)) for n in range(1, 302)]
    said = line(many, "it")
    assert said.endswith("--unprinted --date 2026-04-10 --to 2026-04-11 --out ddt-non-stampati.xlsx"), said
    assert "301 DDT (DDT-2026-00001, " in said and "DDT-2026-00010 …)" in said and "DDT-2026-00011" not in said
