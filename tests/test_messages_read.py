"""Messages as an Italian desk reads them: the sheet's words and numbers, never Python's forms.

A cell holds 3 and the reader gets 3.0 back from it; an empty cell is None to the program; a
schedule is `every-n-weeks` to the code. A message shows none of these: each of its values goes
through `toolkit.basics.wording.shown`, in the message's language.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

import minimal
import pytest
from conftest import with_stock_sheet

from toolkit.basics import vocab
from toolkit.basics.problems import Problem
from toolkit.core.shipping import ORDER_HELD, Shortfall
from toolkit.intake.validation import check

CODES = sorted({m.value for enum in vars(vocab).values() if isinstance(enum, type) and issubclass(enum, vocab.StrEnum)
                and enum is not vocab.StrEnum for m in enum if "-" in m.value})
"""The vocabularies' program codes that are no word of either language (`every-n-weeks`)."""


def broken(*edits: tuple[str, str, object]) -> list[Problem]:
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Regole prezzo"] = [["Codice", "Cliente", "Articolo", "Tipo", "Sconto %"],
                               ["R1", "C001", "A001", "Sconto", None]]
    sheets["Eccezioni"] = [["Modello", "Data", "Azione", "Nuova data"], ["T001", date(2026, 3, 5), "Sposta", None]]
    for edit in edits:
        minimal.set_cell(sheets, *edit)
    return check(minimal.workbook(sheets)).problems


def read_well(text: str, codes: list[str] = CODES) -> None:
    assert "None" not in text and "Decimal(" not in text and not re.search(r"\b(True|False)\b", text), text
    assert not re.search(r"\d\.0\b", text), text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), text
    assert not [c for c in codes if re.search(rf"[«“]{re.escape(c)}[»”]", text)], text


SAMPLED = [
    # (edits, cell, the Italian text, the English text)
    ((("Articoli", "D2", 122.0),), "D2", "«122» non è una percentuale", "“122” is not a percentage"),
    ((("Modelli ordine", "H3", 2.5),), "H3", "«2,5» non è un numero intero", "“2.5” is not a whole number"),
    ((("Righe modello", "C2", -3.0),), "C2", "La quantità -3 deve essere", "Quantity -3 must be"),
    ((("Prezzi", "F2", 19.0),), "F2", "limite 19 è sopra il prezzo standard 18,5",
     "Limit price 19 is above standard price 18.5"),
    ((("Modelli ordine", "E2", "Ogni N settimane"),), "G2", "La pianificazione «Ogni N settimane» richiede",
     "Schedule “Every N weeks” needs"),
    ((), "E2", "La regola R1 è di tipo «Sconto» e richiede «Sconto %»", "Rule R1 is of kind “Discount” and needs"),
    ((), "D2", "L'eccezione «Sposta» richiede anche «Nuova data»", "Exception “Move” also needs “New date”"),
]


@pytest.mark.parametrize("edits,cell,it,en", SAMPLED, ids=[s[2] for s in SAMPLED])
def test_a_broken_cell_is_told_in_the_desks_words(edits, cell, it, en):
    problems = [p for p in broken(*edits) if p.cell == cell]
    assert problems, broken(*edits)
    assert it in problems[0].message("it")
    assert en in problems[0].message("en")
    for p in problems:
        read_well(p.message("it"))
        read_well(p.message("en"))


def test_every_message_of_a_badly_broken_workbook_reads_well():
    problems = broken(("Articoli", "D2", 122.0), ("Modelli ordine", "E2", "Ogni N settimane"),
                      ("Righe modello", "C2", 0.0), ("Clienti", "J2", -100.0), ("Modelli ordine", "L2", "28/02/2026"),
                      ("Modelli ordine", "H3", None), ("Prezzi", "D2", -2.0))
    assert len(problems) >= 7
    for p in problems:
        read_well(p.message("it"))
        read_well(p.message("en"))


def test_a_complete_order_short_of_stock_names_its_items_with_the_readers_decimals():
    held = ORDER_HELD(None, number="OC-2026-00001", items=(Shortfall("A001", D("7.500"), D("10.000")),
                                                           Shortfall("A002", D("0.000"), D("2.250"))))
    assert "giacenza insufficiente per A001 (7,5/10), A002 (0/2,25)" in held.message("it")
    assert "not enough stock of A001 (7.5/10), A002 (0/2.25)" in held.message("en")


def command_line(args: list[str], capsys) -> tuple[int, str]:
    from toolkit.cli import app, output

    app._register()
    output.reset()
    code = app.run(args)
    return code, capsys.readouterr().err


USAGE_MISTAKES = [
    (["check", "--nope"], "Error: No such option: --nope", "Errore: Opzione sconosciuta: --nope."),
    (["ship", "anagrafiche.xlsx"], "Error: Missing option '--date'.", "Errore: Manca l'opzione --date, obbligatoria"),
    (["ship"], "Error: Missing argument 'workbook'.", "Errore: Manca l'argomento workbook, obbligatorio"),
    (["ship", "anagrafiche.xlsx", "--date", "2026-13-01"], "Error: Invalid value for --date:",
     "Errore: Valore non valido per --date: «2026-13-01»: scrivi la data come 2026-04-09 o 09/04/2026\n"),
    (["ship", "anagrafiche.xlsx", "--date", "2026-04-01", "--wait", "abc"], "Error: Invalid value for '--wait'",
     "Errore: Valore non valido per --wait: serve un numero\n"),
    (["ship", "anagrafiche.xlsx", "--date"], "Error: Option '--date' requires an argument.",
     "Errore: L'opzione --date vuole un valore."),
    (["frobnicate"], "Error: No such command 'frobnicate'.", "Errore: Comando sconosciuto: «frobnicate»."),
    (["check", "anagrafiche.xlsx", "extra"], "Error: Got unexpected extra argument(s) (extra)",
     "Errore: Argomenti in più, non previsti: extra."),
]


@pytest.mark.parametrize("args,english,italian", USAGE_MISTAKES, ids=[" ".join(m[0]) for m in USAGE_MISTAKES])
def test_a_mistake_in_the_command_line_is_told_in_italian_beside_clicks_english(args, english, italian, capsys,
                                                                                 sample_workbook):
    code, err = command_line([str(sample_workbook) if a == "anagrafiche.xlsx" else a for a in args], capsys)
    assert code == 2
    assert english in err and italian in err
    assert err.index(italian) < err.index(english)


@pytest.mark.parametrize("verb,period", [(["report"], ["--from", "2026-04-01", "--to", "2026-04-30"]),
                                         (["print"], ["--date", "2026-04-09"])])
def test_a_kind_left_out_before_the_workbook_is_told_as_the_kind_missing(verb, period, capsys, sample_workbook,
                                                                         tmp_path):
    """`toolkit report anagrafiche.xlsx --from …` read the workbook as the report's kind and said
    the workbook was missing («Manca l'argomento workbook»), which the desk had just typed."""
    code, err = command_line([*verb, str(sample_workbook), *period, "--out", str(tmp_path / "r.xlsx")], capsys)
    assert code == 2
    assert err.startswith(f"Errore: Manca il tipo prima della cartella di lavoro: «{sample_workbook}» è stato "
                          f"letto come tipo. Scrivi prima il tipo, poi la cartella (toolkit {verb[0]} TIPO "), err
    assert "Error: The kind is missing before the workbook" in err
    assert "Manca l'argomento workbook" not in err and "Missing argument" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("verb,kind,period", [("report", "vendite", ["--from", "2026-04-01", "--to", "2026-04-30"]),
                                              ("print", "ddt", ["--date", "2026-04-09"])])
def test_the_workbook_typed_before_the_kind_is_told_to_go_after_it(verb, kind, period, capsys, sample_workbook,
                                                                   tmp_path):
    """Every other verb takes the workbook first, so a new desk typed `toolkit print anagrafiche.xlsx
    ddt …` and was told only «Valore non valido per KIND: «anagrafiche.xlsx»: ordini, ddt, fatture»,
    its workbook refused as a kind with no word that the two were the wrong way round."""
    code, err = command_line([verb, str(sample_workbook), kind, *period, "--out", str(tmp_path / "r.xlsx")], capsys)
    assert code == 2
    assert (f"Errore: Valore non valido per KIND: «{sample_workbook}» è la cartella di lavoro, scritta al posto del "
            f"tipo: scrivi prima il tipo, poi la cartella (toolkit {verb} TIPO {sample_workbook} …)") in err, err
    assert f"the workbook, written where the kind goes: write the kind first, then the workbook (toolkit {verb} KIND" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["report", "anagrafiche.xlsx", "vendite", "--from", "2026-04-01"],
                                  ["report", "anagrafiche.xlsx", "sales", "--to", "2026-04-30"],
                                  ["print", "anagrafiche.xlsx", "ddt", "--date", "2026-04-09"],
                                  ["print", "--lang", "en", "anagrafiche.xlsx", "invoices"]])
def test_the_workbook_before_the_kind_is_told_before_an_option_left_out(args, capsys, sample_workbook):
    """A desk's first try leaves an option out as often as it swaps the two: `toolkit report
    anagrafiche.xlsx vendite --from 2026-04-01` was told only *Manca l'opzione --to*, and once
    --to was added, that the workbook and the kind were the wrong way round: two tries for one
    slip. The order is told first, as the slip the desk made earliest on the line."""
    code, err = command_line([str(sample_workbook) if a == "anagrafiche.xlsx" else a for a in args], capsys)
    assert code == 2
    assert err.startswith(f"Errore: Valore non valido per KIND: «{sample_workbook}» è la cartella di lavoro, "
                          f"scritta al posto del tipo: scrivi prima il tipo, poi la cartella (toolkit {args[0]} TIPO "
                          f"{sample_workbook} …)\n"), err
    assert "Missing option" not in err


REVERSED = [["commissions", "anagrafiche.xlsx", "--out", "{dir}"],
            ["report", "sales", "anagrafiche.xlsx", "--out", "{dir}/r.xlsx"],
            ["orders", "list", "anagrafiche.xlsx"], ["calendar", "anagrafiche.xlsx"]]


@pytest.mark.parametrize("args", REVERSED, ids=[" ".join(a[:2]) for a in REVERSED])
def test_a_period_run_backwards_is_one_usage_slip_for_every_verb(args, capsys, sample_workbook, tmp_path):
    """The audit's finding 10: `commissions` exited 1 with a sentence, `report` and `orders list`
    exited 2 with a bare `--to < --from`."""
    given = [str(sample_workbook) if a == "anagrafiche.xlsx" else a.replace("{dir}", str(tmp_path)) for a in args]
    code, err = command_line([*given, "--from", "2026-04-10", "--to", "2026-04-01"], capsys)
    assert code == 2
    assert err.startswith("Errore: Valore non valido per --to: --to 01/04/2026 viene prima di --from 10/04/2026: "
                          "la data finale va dopo quella iniziale, scambiale\n")
    assert list(tmp_path.iterdir()) == []


def test_a_usage_mistake_in_json_is_worded_in_the_language_asked(capsys):
    import json

    from toolkit.cli import app, output

    for lang, words in (("it", "Opzione sconosciuta: --nope."), ("en", "No such option: --nope")):
        app._register()
        output.reset()
        assert app.run(["check", "--lang", lang, "--nope", "--json"]) == 2
        [problem] = json.loads(capsys.readouterr().out)["problems"]
        assert (problem["code"], problem["message"]) == ("usage-error", words)
