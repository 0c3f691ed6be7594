"""What most verbs start with: a checked master workbook and its ledger, and the language.

The session itself is `toolkit.services.session`; here the language of the messages is
settled (the option, else the workbook's, else Italian) before a problem is printed, and the
arguments every verb shares are parsed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from difflib import get_close_matches
from pathlib import Path

import typer

from toolkit.basics.codes import matching
from toolkit.basics.dates import FIRST_DAY, LAST_DAY, ImpossibleDate, NotADate, in_range, parse_month, to_date
from toolkit.basics.problems import Problem, UnusableInput, define
from toolkit.cli import output
from toolkit.cli.output import DEFAULT_WAIT
from toolkit.core.invoicing import Period
from toolkit.core.shipping import STOCK_NOT_CHECKED
from toolkit.model.headings import SheetHeading
from toolkit.model.records import Carrier, Customer, Item, MasterData, PriceList, Template
from toolkit.services import check
from toolkit.services import session as sessions
from toolkit.services.session import Session


def open_master(workbook: Path, lang: str | None, ledger_url: str | None = None, wait: float = DEFAULT_WAIT,
                reprint: bool = False) -> Session:
    """Check the workbook, settle the language, and start a session (its ledger not opened yet)."""
    output.set_workbook(workbook)
    checked = check.check_file(workbook)
    output.set_lang(lang, check.workbook_language(checked, reprint))
    session = (sessions.start_reprint if reprint else sessions.start)(checked, workbook, ledger_url)
    return replace(session, wait=wait, notify=output.notice, action=_command())


def open_session(workbook: Path, ledger_url: str | None, lang: str | None, wait: float = DEFAULT_WAIT,
                 reprint: bool = False) -> Session:
    """A session with its ledger open: an unreachable ledger stops the verb before anything else.
    A `reprint` of issued documents, which issues and changes nothing, goes on with a workbook
    whose errors are in parts it may not read (`sessions.start_reprint`)."""
    session = open_master(workbook, lang, ledger_url, wait, reprint)
    session.ledger  # noqa: B018 - opened now, on purpose
    if (told := session.network_warning()) is not None:
        output.notice(told)
    return session


def with_check(session: Session, problems: Iterable[Problem]) -> list[Problem]:
    """The check's warnings, then a verb's own problems, as every verb tells them (a mistyped
    setting at its cell: `ship`, the lists, the panel told none); one the verb told itself is
    told once. A missing *Giacenze* is left to `ship`, which tells it when it ships
    (`toolkit.core.shipping.missing_stock`), as the buttons' boxes leave it
    (`toolkit.excel.press.SHIPPING_ONLY`): a desk keeping no stock would read it under every list."""
    own = list(problems)
    told = {p.code for p in own}  # a day's shipping tells thousands: compared only where a code is shared
    return [*(w for w in session.warnings if w.code != STOCK_NOT_CHECKED.code and (w.code not in told or w not in own)),
            *own]


def _command() -> str:
    """The verb being run (`toolkit invoice finalize`), for a colleague waiting for the ledger."""
    words = []
    for arg in sys.argv[1:3]:
        if not arg.isalpha():
            break
        words.append(arg)
    return " ".join(["toolkit", *words])


def parse_day(text: str, option: str = "--date") -> date:
    try:
        return within_range(to_date(text), text, option)
    except ImpossibleDate as wrong:
        raise typer.BadParameter(f"«{text}»: il mese {wrong.month_shown} ha {wrong.days} giorni / "
                                 f"month {wrong.month_shown} has {wrong.days} days", param_hint=option) from None
    except NotADate:
        raise typer.BadParameter(f"«{text}»: scrivi la data come 2026-04-09 o 09/04/2026 / "
                                 f"write the date as 2026-04-09 or 09/04/2026", param_hint=option) from None


def parse_month_option(text: str) -> Period:
    """`--month 2026-04` as its first and last day."""
    try:
        first, last = parse_month(text)
    except NotADate:
        raise typer.BadParameter(f"«{text}»: scrivi il mese come 2026-04 / write the month as 2026-04",
                                 param_hint="--month") from None
    return Period(within_range(first, text, "--month"), last)


def within_range(day: date, text: str, option: str) -> date:
    """`day`, refused as a usage mistake outside `FIRST_DAY`..`LAST_DAY` (`dates.in_range`)."""
    if not in_range(day):
        raise typer.BadParameter(f"«{text}»: solo date dal {FIRST_DAY.year} al {LAST_DAY.year} / "
                                 f"only dates from {FIRST_DAY.year} to {LAST_DAY.year}", param_hint=option)
    return day


def parse_period(date_from: str | None, date_to: str | None) -> tuple[date | None, date | None]:
    """`--from` and `--to`, either of which may be left out; refused when they run backwards."""
    first = parse_day(date_from, "--from") if date_from else None
    last = parse_day(date_to, "--to") if date_to else None
    if first and last:
        in_order(first, last)
    return first, last


def in_order(first: date, last: date, start: str = "--from", end: str = "--to") -> None:
    """A period whose end comes before its start is a slip in the command line (exit 2), said in
    one sentence for every verb: `--to < --from` alone left the user to guess which date to fix."""
    if last < first:
        raise typer.BadParameter(
            f"{end} {last:%d/%m/%Y} viene prima di {start} {first:%d/%m/%Y}: la data finale va dopo quella "
            f"iniziale, scambiale / {end} {last:%d/%m/%Y} comes before {start} {first:%d/%m/%Y}: the end goes after "
            f"the start, swap them", param_hint=end)


def codes(text: str | None) -> set[str] | None:
    if not text:
        return None
    return {c.strip() for c in text.split(",") if c.strip()}


UNKNOWN_CODES = define(
    "option-unknown-code", "error",
    it="{option}: nel foglio {sheet_it} non trovo {codes}. {hint_it}",
    en="{option}: {codes} not found on the {sheet_en} sheet. {hint_en}")
NEAREST = 3
"""Codes of the master suggested for each one not found (difflib's closest)."""


def customer_codes(master: MasterData, text: str | None, option: str = "--customer",
                   on_record: Callable[[], Iterable[str]] | None = None) -> set[str] | None:
    """The customers a filter names (`codes`), each one on the Customers sheet, or among those
    `on_record` gives (asked only for a code the sheet lacks): a report or a payments' status
    may name a customer taken off the sheet whose documents the ledger holds."""
    known = [c.code for c in master.customers]
    if on_record is not None and (codes(text) or set()) - set(known):
        known += on_record()
    return known_codes(text, option, Customer.sheet, known)


def customer_code(master: MasterData, text: str | None, option: str = "--customer",
                  on_record: Callable[[], Iterable[str]] | None = None) -> str | None:
    """The one customer an option names, as the Customers sheet writes it (`customer_codes`)."""
    found = customer_codes(master, text, option, on_record)
    return next(iter(found)) if found and len(found) == 1 else text


def one_code(master: MasterData, text: str | None, option: str,
             record: type[Customer | Item | Carrier | Template | PriceList]) -> str | None:
    """The one code an option names, as `record`'s sheet writes it (`master_codes`): `c010`
    for C010. Text naming several codes stays as typed, as before."""
    found = master_codes(master, text, option, record)
    return next(iter(found)) if found and len(found) == 1 else text


def item_codes(master: MasterData, text: str | None, option: str = "--item") -> set[str] | None:
    """The items a filter names (`codes`), each one on the Items sheet."""
    return master_codes(master, text, option, Item)


def master_codes(master: MasterData, text: str | None, option: str,
                 record: type[Customer | Item | Carrier | Template | PriceList]) -> set[str] | None:
    """The codes an option names (a customer, carrier, template, price list…), each one on
    `record`'s sheet: every option naming master data refuses an unknown code alike, exit 2
    with the closest codes, before anything is done (`known_codes`)."""
    return known_codes(text, option, record.sheet, (r.code for r in getattr(master, record.sheet.key)))


def known_codes(text: str | None, option: str, sheet: SheetHeading, known: Iterable[str]) -> set[str] | None:
    """`codes(text)` as the sheet writes them, a code typed in another case taken for the one
    it names (`c010` for C010, `toolkit.basics.codes.matching`); refused (exit 2) when one is
    not a code of `sheet`: a filter naming a customer that does not exist (a typo, C01 for
    C001) gave an empty report or list and exit 0, which reads as "nothing happened". The
    closest codes are suggested. A code that only case tells apart from two of the sheet's
    is refused naming both."""
    chosen = codes(text)
    if not chosen:
        return chosen
    existing = set(known)
    found = {typed: matching(typed, existing) for typed in sorted(chosen)}
    unknown = [typed for typed, named in found.items() if not named]
    if unknown:
        raise UnusableInput(UNKNOWN_CODES(None, option=option, codes=unknown, sheet_it=sheet.it, sheet_en=sheet.en,
                                          **_hints(unknown, existing)))
    for typed, named in found.items():
        if len(named) > 1:
            raise UnusableInput(AMBIGUOUS_CODE(None, option=option, typed=typed, codes=", ".join(named),
                                               sheet_it=sheet.it, sheet_en=sheet.en))
    return {named[0] for named in found.values()}


AMBIGUOUS_CODE = define(
    "option-ambiguous-code", "error",
    it="{option}: «{typed}» può essere più di un codice del foglio {sheet_it}: {codes}. Scrivilo come nel foglio.",
    en="{option}: “{typed}” may be more than one code of the {sheet_en} sheet: {codes}. Type it as the sheet does.")
FEW = 12
"""A sheet with no more codes than these (carriers, price lists) names them all when none is close."""


def _hints(unknown: Iterable[str], existing: set[str]) -> dict[str, str]:
    """The closest codes, or every one of a short sheet: a carrier typed V9 is close to none of
    V01, V02, yet the sheet's few codes say at once which was meant."""
    near = list(dict.fromkeys(c for code in unknown for c in get_close_matches(code, existing, NEAREST)))
    if near:
        return {"hint_it": f"Forse: {', '.join(near)}?", "hint_en": f"Did you mean {', '.join(near)}?"}
    if existing and len(existing) <= FEW:
        every = ", ".join(sorted(existing))
        return {"hint_it": f"Codici nel foglio: {every}.", "hint_en": f"Codes on the sheet: {every}."}
    return {"hint_it": "Controlla il codice.", "hint_en": "Check the code."}
