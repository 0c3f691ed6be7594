"""The problems a button says in its own words (`toolkit.excel.said`): the same facts as the
command line's message, the fix a button's user can do, and an option only as a command."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string

import pytest
import typer.main

import toolkit
from toolkit.basics.problems import LANGUAGES, all_problem_types, problem_type
from toolkit.cli import app
from toolkit.excel import said

for found in pkgutil.walk_packages(toolkit.__path__, "toolkit."):
    if found.name != "toolkit.__main__":  # which runs the command line
        importlib.import_module(found.name)  # the registry of problems fills as their modules are imported
app._register()

CLI_WORDS = {"it": "dalla riga di comando, toolkit ", "en": "from the command line, toolkit "}
COMMAND_LINE = re.compile(r"--[a-z]|\btoolkit (?:{})\b".format(
    "|".join(sorted(typer.main.get_command(app.app).commands))))  # type: ignore[attr-defined]
"""An option, or a `toolkit` verb: what a desk at the panel cannot type."""

COMMAND_LINE_ONLY = {
    "discount-statement-not-kept": "discounts settle --reprint: no button prints a settled statement again",
    "ledger-created": "a SQLite ledger named by --ledger or TOOLKIT_LEDGER_URL: a button's is the workbook's own, "
                      "or Registro's PostgreSQL one, never a file named",
    "ddt-issued-ahead": "ship --future: no button issues a DDT dated after today",
    "invoice-run-draft-next": "the command line's month-end run: the button writes the run's id into Emissione "
                              "fatture, beside «Rendi definitiva emissione»",
    "invoice-run-final-next": "the command line's invoice finalize: the button's next is «Fatture elettroniche»",
    "issued-to-print": "ship, invoice credit and debit without --out: every button that issues documents prints them",
    "invoice-orders-shipped-after-date": "invoice --orders: no button invoices named orders",
    "confirm-date-in-future": "orders confirm --date: the button confirms today",
    "ddt-accounting-date-refused": "ship --accounting-date: no button sets an accounting date",
    "demo-foreign-ledger": "toolkit demo",
    "einvoice-rejected-not-exported": "einvoice --rejected: the button writes the month as it stands",
    "einvoice-rejected-ambiguous": "einvoice --rejected: the button writes the month as it stands",
    "form-date-far-ahead": "toolkit convert",
    "invoice-date-in-future": "invoice --date: a button dates the run as Impostazioni say",
    "invoice-release-not-held": "invoice --release",
    "invoice-run-files-unknown": "invoice undo without --out: Annulla emissione names the run's folder",
    "invoice-unknown-order": "invoice --orders",
    "ledger-beside-another": "a button is told ledger-beside-another-button",
    "ledger-move-moved-already": "toolkit ledger move: no button moves the ledger",
    "ledger-move-nothing-to-move": "toolkit ledger move: no button moves the ledger",
    "ledger-move-target-not-empty": "toolkit ledger move: no button moves the ledger",
    "ledger-move-target-of-another-program": "toolkit ledger move: no button moves the ledger",
    "ledger-move-target-not-named": "toolkit ledger move: no button moves the ledger",
    "ledger-move-target-not-the-workbooks": "toolkit ledger move: no button moves the ledger",
    "ledger-move-target-not-postgresql": "toolkit ledger move: no button moves the ledger",
    "ledger-move-target-bad-port": "toolkit ledger move: no button moves the ledger",
    "orders-nothing-new-to-print": "orders create --out, told by the command",
    "issued-unprinted-documents": "orders create without --out: the button prints what it creates",
    "issued-unprinted-ddt": "orders create without --out: the button prints what it creates",
    "issued-unprinted-invoice": "orders create without --out: the button prints what it creates",
    "issued-unprinted-invoices": "orders create without --out: the button prints what it creates",
    "ledger-hold-forgotten": "ledger check --repair: no button checks the ledger",
    "ledger-hold-items-wrong": "ledger check --repair: no button checks the ledger",
    "ledger-hold-wrong": "ledger check --repair: no button checks the ledger",
    "ledger-invoice-vat-differs": "ledger check --repair: no button checks the ledger",
    "ledger-line-shipped-wrong": "ledger check --repair: no button checks the ledger",
    "ledger-reserved-wrong": "ledger check --repair: no button checks the ledger",
    "ledger-shipped-by-day-wrong": "ledger check --repair: no button checks the ledger",
    "ledger-uninvoiced-wrong": "ledger check --repair: no button checks the ledger",
    "ledger-unshipped-wrong": "ledger check --repair: no button checks the ledger",
    "payment-ambiguous": "payments void: no button voids a payment",
    "payment-void-refunded-credit-note": "payments void: no button voids a payment",
    "print-run-only-for-invoices": "print --run",
    "unknown-carrier": "ship --carrier",
    "unknown-template-selection": "orders create --only/--exclude: the button creates the flagged rows",
    "workbook-missing-sub": "toolkit workbook build",
}
"""The problems whose words name the command line and that no button can meet, each with why:
every other one a button says in its own words (`said.BY_BUTTON`)."""


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(said.BY_BUTTON))
def test_a_button_says_the_same_facts_as_the_service(code):
    """Every parameter of the service's message, in both languages: a wording here that lost
    one would hide a number, a customer or a date from the desk."""
    kind = problem_type(code)
    for lang in LANGUAGES:
        assert fields(said.BY_BUTTON[code][lang]) == fields(kind.templates[lang]), (code, lang)


@pytest.mark.parametrize("code", sorted(said.BY_BUTTON))
def test_a_button_names_an_option_only_in_a_command_line_command(code):
    for lang in LANGUAGES:
        text = said.BY_BUTTON[code][lang]
        for option in COMMAND_LINE.finditer(text):
            assert CLI_WORDS[lang] in text[:option.end()], (code, lang, option[0])


def test_every_problem_that_names_the_command_line_is_said_by_the_buttons_or_out_of_their_reach():
    """A problem defined tomorrow with `--x` or `toolkit verb` in its words fails here until it
    has a button's wording or is listed, with why, as one no button meets."""
    naming = {k.code for k in all_problem_types() if any(map(COMMAND_LINE.search, k.templates.values()))}
    assert naming - set(said.BY_BUTTON) - set(COMMAND_LINE_ONLY) == set()
    assert set(COMMAND_LINE_ONLY) <= naming - set(said.BY_BUTTON)


def test_a_button_renders_the_services_words_for_any_other_problem_and_its_own_where_it_has_them():
    from toolkit.basics.cells import Location

    other = next(k for k in all_problem_types() if k.code not in said.BY_BUTTON and not fields(k.templates["it"]))
    assert said.render(other(None), "it") == other(None).render("it")
    held = problem_type("credit-limit-exceeded")(Location("Clienti", "J2"), customer="C001", total=1, outstanding=0,
                                                 uninvoiced=0, unshipped=1, limit=0)
    assert said.render(held, "en").startswith("Clienti!J2: Customer C001: exposure 1 ")
    assert said.render(held, "en").endswith("To ship anyway press “Spedisci anche oltre il fido”.")
    assert held.message("en").endswith("To ship anyway use --force.")


def test_a_box_lists_ten_problems_then_counts_the_rest_it_would_have_dropped():
    kind = problem_type("credit-limit-exceeded")
    problems = [kind(None, customer=f"C{n:03}", total=1, outstanding=0, uninvoiced=0, unshipped=1, limit=0)
                for n in range(12)]
    shown = said.lines(problems, "it")
    assert len(shown) == 11 and shown[9].startswith("Cliente C009: ") and shown[10] == "… e ancora 2."
    assert said.lines(problems, "en", most=5)[5:] == ["… and 7 more."]
    assert said.lines(problems[:10], "it")[-1].startswith("Cliente C009: ")


def test_too_many_rows_tells_each_button_what_it_reads():
    """The wording told every button to shorten the period in «Dal» and «Al», which only
    *Report* reads: *Calendario* and the lists read «Data ordini», and the control panel reads
    no cell. Each is named with what narrows it, or that no cell does."""
    it, en = said.BY_BUTTON["too-many-rows"]["it"], said.BY_BUTTON["too-many-rows"]["en"]
    assert "Per «Report» scegli un periodo più corto in «Dal» e «Al»" in it
    assert "For “Report” choose a shorter period in “Dal” and “Al”" in en
    assert "«Calendario» ha una riga per modello nei 31 giorni da «Data ordini»" in it
    assert "“Calendario” has a row per template over the 31 days from “Data ordini”" in en
    assert "dalla riga di comando, toolkit panel con --from e --to" in it
    assert "from the command line, toolkit panel with --from and --to" in en


def test_a_button_meeting_a_moved_ledger_says_both_ways_to_the_team_ledger():
    """After `toolkit ledger move` a desk reaches the team ledger by TOOLKIT_LEDGER_URL or by
    the Registro cell (docs/excel.md): the box names both, and no `--ledger`."""
    from toolkit.ledger.db import LEDGER_MOVED

    moved = LEDGER_MOVED(None, ledger="a.xlsm.ledger.sqlite", moved="a.xlsm.ledger-moved.sqlite")
    it, en = said.render(moved, "it"), said.render(moved, "en")
    assert "TOOLKIT_LEDGER_URL" in it and "nella cella Registro del foglio Impostazioni" in it and "--ledger" not in it
    assert "in the Registro cell of the Impostazioni sheet" in en


def test_annulla_emissione_after_final_documents_says_the_run_can_only_be_made_final():
    """A run followed by final documents was told to undo the later runs first, which no one
    can: the button says, as the command does, that it can only be made final and its invoices
    corrected by credit notes, naming the first final document and how many."""
    from toolkit.basics.wording import Agreed, Counted

    refused = problem_type("invoice-run-followed-by-final")(
        None, run_id="20261130-0a1b2c3d", series="FT", year=2026, workbook="w.xlsm",
        first=Agreed(3, ("FT-2026-00007", "il primo FT-2026-00007"), ("FT-2026-00007", "the first FT-2026-00007")),
        count=Counted(3, ("documento definitivo", "documenti definitivi"), ("final document", "final documents")),
        are=Agreed(3, ("c'è", "ci sono"), ("there is", "there are")), undone=Agreed(3, ("annulla", "annullano"), ("is", "are")))
    it, en = said.render(refused, "it"), said.render(refused, "en")
    assert "ci sono già 3 documenti definitivi (il primo FT-2026-00007), che non si annullano" in it
    assert "annulla prima" not in it
    assert "«Rendi definitiva emissione»" in it and "«Nota di credito»" in it
    assert "“Rendi definitiva emissione”" in en and "undo the later runs" not in en




def test_a_catch_up_of_200_templates_names_ten_at_the_panel_and_all_on_the_command_line():
    """A January catch-up of a large desk's December days refused: the command names every
    template for --exclude, the panel's box the first ten and how many more, where it named all
    200 and ran past the 1,024 characters a box shows; one template is *il modello fatturato*,
    where the refusal said *i modelli fatturati* of one."""
    from datetime import date

    from toolkit.basics.wording import Codes
    from toolkit.services.invoicing import DraftToUndo, excluded

    def refused(*codes):
        return problem_type("order-invoice-out-of-sequence")(
            None, day=date(2026, 12, 23), template="T0001", customer="C001", number="FT-2026-00015",
            latest_number="FT-2026-00014", latest_day=date(2026, 12, 31), series="FT", year=2026,
            draft=DraftToUndo(None), **excluded(Codes(codes)))

    codes = tuple(f"T{n:04d}" for n in range(1, 201))
    assert f"--exclude {','.join(codes)} i modelli fatturati alla creazione" in refused(*codes).message("it")
    at_panel = said.render(refused(*codes), "it")
    assert ("in «Anteprima ordini» togli la «x» per i modelli fatturati alla creazione con ordini prima del "
            "31/12/2026: T0001, T0002, T0003, T0004, T0005, T0006, T0007, T0008, T0009, T0010 e altri 190.") in at_panel
    assert len(at_panel) < 1024, at_panel
    assert "for the templates invoiced when created with orders before 31/12/2026: T0001, T0002" in said.render(
        refused(*codes), "en") and "and 190 more." in said.render(refused(*codes), "en")
    one = refused("T0001")
    assert "oppure lascia fuori con --exclude T0001 il modello fatturato alla creazione con ordini" in one.message("it")
    assert "or leave out with --exclude T0001 the template invoiced when created" in one.message("en")
    assert "togli la «x» per il modello fatturato alla creazione con ordini prima del 31/12/2026: T0001." in \
        said.render(one, "it")
