"""What an outside audit of the Italian desk found in the toolkit's words: quantities with a
decimal point, counts that do not agree with their noun, placeholders the user cannot know,
the operating system's English inside an Italian sentence. Each test holds the exact text."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from toolkit.core.due_quantity import shown as due_shown
from toolkit.core.shipping import shown as quantity_shown
from toolkit.ledger.credit_notes import StillBilled
from toolkit.services.credit_notes import STILL_BILLED


def test_a_quantity_in_an_italian_message_has_the_decimal_comma():
    """`A019 1.999 cf` reads one thousand nine hundred ninety-nine in Italian."""
    refused = STILL_BILLED(None, order="OC-2026-00007", asked_in="--lines 1,2",
                           lines=(StillBilled("OC-2026-00007", "A019", D("1.999"), "cf"),
                                  StillBilled("OC-2026-00007", "A020", D("2500.500"), "kg")))
    assert "(A019 1,999 cf, A020 2.500,5 kg)" in refused.message("it")
    assert "(A019 1.999 cf, A020 2,500.5 kg)" in refused.message("en")
    assert (quantity_shown(D("1.999"), "it"), quantity_shown(D("1.999"), "en")) == ("1,999", "1.999")
    assert due_shown(D("12.500"), "kg", "it") == "12,5 kg"


def test_a_count_agrees_with_its_noun():
    """"1 ordine creati", "1 documenti": the audit's cases, in both languages."""
    from toolkit.cli.invoicing import finalized_said, undone_said
    from toolkit.core.orders import issued_on_their_day

    assert issued_on_their_day(1, "it") == " Emessi i documenti attesi di 1 ordine creato in anticipo."
    assert issued_on_their_day(3, "it") == " Emessi i documenti attesi di 3 ordini creati in anticipo."
    assert undone_said(1, "it") == "Annullato 1 documento; la numerazione riprende dal primo."
    assert undone_said(4, "it") == "Annullati 4 documenti; la numerazione riprende dal primo."
    assert undone_said(1, "en") == "Undid 1 document; numbering resumes from the first."
    assert (finalized_said(1, "it"), finalized_said(2, "it")) == ("1 documento ora definitivo.",
                                                                  "2 documenti ora definitivi.")
    assert (finalized_said(1, "en"), finalized_said(2, "en")) == ("1 document is now final.",
                                                                  "2 documents are now final.")
    from toolkit.basics.wording import Counted
    from toolkit.services.einvoice import DRAFT_RUN

    draft = DRAFT_RUN(None, run_id="R1", documents=Counted(1, ("documento", "documenti"), ("document", "documents")))
    assert draft.message("it").startswith("L'emissione R1 è in bozza (1 documento):")
    assert draft.message("en").startswith("Run R1 is a draft (1 document):")


def test_no_message_names_a_placeholder_the_user_cannot_know():
    """`CARTELLA` was in the hints the desk copies; an example workbook name stands there now."""
    import toolkit.core.credit_notes
    import toolkit.core.invoicing
    import toolkit.core.no_credit  # noqa: F401  (their problems are defined on import)
    from toolkit.basics.problems import all_problem_types
    from toolkit.services.printing import command

    for kind in all_problem_types():
        assert not any(word in kind.templates[lang] for lang in ("it", "en") for word in ("CARTELLA", "WORKBOOK")), \
            kind.code
    assert command("ddt", None, ["DDT-2026-00001"], Path("ddt.xlsx")) == \
        "toolkit print ddt anagrafiche.xlsx --numbers DDT-2026-00001 --out ddt.xlsx"


def test_an_agents_share_in_a_report_has_the_decimal_comma(minimal_master):
    """A report by agent grouped a shared customer under «Laura Colombo 62.5 %»."""
    from factories import source

    from toolkit.model.records import CustomerAgent
    from toolkit.services.reports import agent_names

    master = minimal_master.model_copy(update={"customer_agents": (
        CustomerAgent(customer="C001", agent="Laura Colombo", share=D("62.5"), source=source("customer_agents", 2)),
        CustomerAgent(customer="C001", agent="Marco Bianchi", share=D("37.50"), source=source("customer_agents", 3)))})
    assert agent_names(master)["C001"] == "Laura Colombo 62,5 %, Marco Bianchi 37,5 %"
    assert agent_names(master, "en")["C001"] == "Laura Colombo 62.5 %, Marco Bianchi 37.5 %"


def test_the_panels_example_of_an_amount_cannot_be_read_as_a_thousand():
    """«es. 1.234,56» beside an amount: the desk copying the example typed a thousands dot that
    a pasted value or an English Excel reads otherwise. The button's message and the cell's own
    check in the built workbook both say 1234,56."""
    import openpyxl

    from toolkit.excel.build import WORKBOOK
    from toolkit.excel.inputs import FIELDS, amount

    field = next(f for f in FIELDS if f.kind == "amount")
    problems: list = []
    assert amount(field, "tanto", problems) is None
    assert problems[0].message("it") == ("«tanto» non è un importo: scrivi un importo in euro e centesimi diverso "
                                         "da zero, es. 1234,56.")
    sheet = openpyxl.load_workbook(WORKBOOK, keep_vba=False)["Pannello"]
    [rule] = [dv for dv in sheet.data_validations.dataValidation if field.cell in str(dv.sqref)]
    assert (rule.errorTitle, rule.error) == ("Importo non valido", "Scrivi un importo in euro, es. 1234,56.")


def test_the_seconds_a_writer_waits_have_the_decimal_comma():
    """`--wait 2.5` said «aspetto fino a 2.5 secondi»."""
    import pytest

    from toolkit.basics.problems import UnusableInput
    from toolkit.ledger.lock import Holder, Patience, Waiting

    told: list = []
    holder = Holder("anna", "toolkit invoice")
    waiting = Waiting(Patience(2.5, told.append))
    waiting.deadline += 5
    waiting.taken(lambda: holder)
    assert told[0].message("it") == "Il registro è occupato da anna (toolkit invoice): aspetto fino a 2,5 secondi…"
    assert told[0].message("en") == "The ledger is busy with anna (toolkit invoice): waiting up to 2.5 seconds…"
    waiting.deadline = 0
    with pytest.raises(UnusableInput) as refused:
        waiting.taken(lambda: holder)
    assert refused.value.problem.message("it").startswith(
        "Il registro è ancora occupato da anna (toolkit invoice) dopo 2,5 secondi: non ho scritto nulla.")
    assert Waiting(Patience(30.0, told.append)).taken(lambda: holder) is None and told[-1].message("it").endswith(
        "aspetto fino a 30 secondi…")


def test_a_lock_holder_the_toolkit_cannot_name_is_worded_in_the_reader_s_language():
    """No holder file, or another program's connection: the Italian message said «another user
    (unknown)»."""
    from toolkit.ledger.lock import UNKNOWN, Holder, Patience, Waiting

    for holder, it, en in ((UNKNOWN, "un altro utente (sconosciuto)", "another user (unknown)"),
                           (Holder.from_tag("psql", None), "un altro utente (psql)", "another user (psql)")):
        told: list = []
        waiting = Waiting(Patience(2.5, told.append))
        waiting.deadline += 5
        waiting.taken(lambda: holder)  # noqa: B023 - called at once
        assert told[0].message("it") == f"Il registro è occupato da {it}: aspetto fino a 2,5 secondi…"
        assert told[0].message("en") == f"The ledger is busy with {en}: waiting up to 2.5 seconds…"


def test_a_price_list_on_the_terminal_and_on_paper_reads_in_italian(sample_workbook, tmp_path, capsys):
    """`toolkit prices` printed `A001 16.65 15.00 12.75` under `BASE 2026A -10 % (0.05)`, and the
    printed list said «Derivata da BASE 2026A -10 % (0.05)»: now euro with the decimal comma,
    the step 0,05, Italian headings (English with --lang en)."""
    import openpyxl

    from toolkit.cli import app, output

    def run(*args: str) -> list[str]:
        app._register()
        output.reset()
        assert app.run(["prices", str(sample_workbook), "--list", "INGROSSO", "--date", "2026-04-09", *args]) == 0
        return [line.split("  ") for line in capsys.readouterr().out.splitlines() if line.strip()]

    def cells(line: list[str]) -> list[str]:
        return [c.strip() for c in line if c.strip()]

    title, head, _, first, *_ = run("--out", str(tmp_path / "listino.xlsx"))
    assert cells(title) == ["INGROSSO 2026A = BASE 2026A -10 % (0,05)"]
    assert cells(head) == ["Articolo", "Prezzo di listino", "Prezzo standard", "Prezzo limite"]
    assert cells(first) == ["A001", "16,65 €", "15,00 €", "12,75 €"]
    rows = list(openpyxl.load_workbook(tmp_path / "listino.xlsx").active.iter_rows(values_only=True))
    assert next(r[1] for r in rows if r[0] == "Derivata da") == "BASE 2026A -10 % (0,05)"
    title, head, _, first, *_ = run("--lang", "en")
    assert cells(title) == ["INGROSSO 2026A = BASE 2026A -10 % (0.05)"]
    assert cells(first) == ["A001", "€16.65", "€15.00", "€12.75"]


def test_one_draft_left_out_of_commissions_or_discounts_agrees_with_its_verb():
    """«1 fattura del periodo sono in bozza e non contano»: the verb and the pronoun agree."""
    from toolkit.core.invoicing import drafts_left_out
    from toolkit.services.commissions import DRAFTS_LEFT_OUT as COMMISSIONS
    from toolkit.services.discounts import DRAFTS_LEFT_OUT as DISCOUNTS

    one, two = drafts_left_out(["FT-2026-00007"]), drafts_left_out(["FT-2026-00007", "FT-2026-00008"])
    assert COMMISSIONS(None, **one).message("it") == (
        "1 fattura del periodo è in bozza e non conta (FT-2026-00007): rendila definitiva (toolkit invoice finalize).")
    assert COMMISSIONS(None, **one).message("en") == (
        "1 invoice of the period is a draft and does not count (FT-2026-00007): finalize it (toolkit invoice "
        "finalize).")
    assert COMMISSIONS(None, **two).message("it") == (
        "2 fatture del periodo sono in bozza e non contano (FT-2026-00007, FT-2026-00008): rendile definitive "
        "(toolkit invoice finalize).")
    assert DISCOUNTS(None, period="2026-Q2", **one).message("it") == (
        "1 fattura del periodo 2026-Q2 è in bozza e non conta (FT-2026-00007): rendila definitiva (toolkit invoice "
        "finalize) prima di liquidare.")
    assert DISCOUNTS(None, period="2026-Q2", **two).message("en").startswith(
        "2 invoices of period 2026-Q2 are drafts and do not count (FT-2026-00007, FT-2026-00008): finalize them ")


QUOTES = {"it": ("«", "»"), "en": ("“", "”")}
"""How each language opens and closes a quotation: a text quoted inside one takes other marks
(Italian “…” inside «…», English ‘…’ inside “…”), never the same ones again."""


def _quoted_twice(text: str, lang: str) -> bool:
    """Whether `text` opens a quotation inside another of the same marks («… «…» …»)."""
    opened, closed = QUOTES[lang]
    depth = 0
    for char in text:
        if char == opened:
            depth += 1
            if depth > 1:
                return True
        elif char == closed:
            depth = max(depth - 1, 0)
    return False


def test_no_message_quotes_a_quotation_in_the_same_marks():
    """The command line counts the warnings of a kind it leaves out under the kind's title,
    quoted, and so does the demo's summary: «avviso: … e 12 avvisi «Modello fatturato all'ordine
    per un cliente «Non fatturare»»», a customer's terms quoted inside a quoted title, as no
    Italian text is written. Every title said so, every message and every button's wording of
    it quote inside with the other marks."""
    import importlib
    import pkgutil

    import toolkit
    from toolkit.basics.problems import all_problem_types
    from toolkit.excel.said import BY_BUTTON

    for found in pkgutil.walk_packages(toolkit.__path__, "toolkit."):
        if found.name != "toolkit.__main__":  # which runs the command line
            importlib.import_module(found.name)
    twice = [(kind.code, lang, text) for kind in all_problem_types() for lang in QUOTES
             for text in (kind.templates[lang], BY_BUTTON.get(kind.code, {}).get(lang, ""),
                          *([f"{QUOTES[lang][0]}{kind.titles[lang]}{QUOTES[lang][1]}"] if kind.titles else []))
             if _quoted_twice(text, lang)]
    assert twice == []


def test_another_companys_warnings_tell_both_readings_of_a_partita_iva_changed():
    """`ship-customer-another-company` and `invoice-customer-another-company` told only to align
    the copies: a customer that really changed its partita IVA (a merger, a new company) in this
    copy was sent to undo it. Each now names both readings and what to do in each."""
    from toolkit.core.shipping import ANOTHER_COMPANY
    from toolkit.services.invoicing import INVOICE_ANOTHER_COMPANY

    names = dict(customer="C031", printed="Pasticceria Nuova S.r.l., Milano", printed_id="04567890126",
                 now="Ristorante Diverso S.r.l., Torino", now_id="76543210017")
    shipped, invoiced = ANOTHER_COMPANY(None, number="OC-2026-00086", **names), \
        INVOICE_ANOTHER_COMPANY(None, ddt="DDT-2026-00012", **names)
    assert shipped.message("it") == (
        "Ordine OC-2026-00086: è stato fatto per il cliente C031 Pasticceria Nuova S.r.l., Milano (partita IVA o codice "
        "fiscale 04567890126), ma in questa cartella di lavoro C031 è Ristorante Diverso S.r.l., Torino (76543210017): "
        "un'altra ditta, quindi l'ordine non è stato spedito né fatturato. Se la copia di un collega usa C031 per un "
        "altro cliente, allineate le copie (ogni cliente con il suo codice in tutte) e spedisci di nuovo. Se invece il "
        "cliente ha cambiato davvero partita IVA (una fusione, una nuova società) e questa copia ha già la nuova, "
        "l'ordine è della ditta di prima: rimetti qui la sua partita IVA e ragione sociale finché l'ordine non è "
        "spedito e fatturato, poi riscrivi le nuove (e copiale nelle copie dei colleghi); oppure annulla l'ordine e "
        "creane uno per la nuova ditta.")
    assert shipped.message("en").endswith(
        "another company, so the order was neither shipped nor invoiced. If a colleague's copy uses C031 for another "
        "customer, align the copies (each customer with its own code in all of them) and ship again. If instead the "
        "customer really changed its VAT number (a merger, a new company) and this copy has the new one already, the "
        "order is the former company's: put its VAT number and name back here until the order has shipped and been "
        "invoiced, then write the new ones again (and copy them into your colleagues' copies); or void the order and "
        "make one for the new company.")
    assert invoiced.message("it").endswith(
        "un'altra ditta, quindi le sue righe non sono state fatturate. Se la copia di un collega usa C031 per un altro "
        "cliente, allineate le copie (ogni cliente con il suo codice in tutte) ed emetti di nuovo. Se invece il cliente "
        "ha cambiato davvero partita IVA (una fusione, una nuova società) e questa copia ha già la nuova, il DDT è "
        "della ditta di prima, che ha avuto la merce: rimetti qui la sua partita IVA e ragione sociale, emetti le sue "
        "fatture con --customer C031, poi riscrivi le nuove.")
    assert invoiced.message("en").endswith(
        "another company, so its lines were not invoiced. If a colleague's copy uses C031 for another customer, align "
        "the copies (each customer with its own code in all of them) and run again. If instead the customer really "
        "changed its VAT number (a merger, a new company) and this copy has the new one already, the DDT is the former "
        "company's, which had the goods: put its VAT number and name back here, run with --customer C031, then write "
        "the new ones again.")
