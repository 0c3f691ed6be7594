"""`toolkit ledger check`: is this ledger sound? Damage no command trips over, listed.

A command names a damaged ledger when it fails on it (`toolkit.ledger.db._damage_told`, a counter
behind its series, a value of the wrong kind). What fails nowhere goes unnamed: a kept figure
edited by hand or left wrong by a bug (`toolkit.ledger.kept_drift`; a wrong line's shipped told
once, with the reservation and value summed from it), a hold unlike its order
(`toolkit.ledger.holds_drift`), an invoice whose totals or VAT per rate no longer equal its lines
(`toolkit.ledger.document_totals`), a number missing from a series or an invoice numbered out of
date order (`toolkit.ledger.numbering_holes`). Before the month end, or after a backup is
restored, the accountant asks, and gets the list, each finding with its code, table, row, what
the ledger holds and what its documents say. Nothing is written, but a ledger of an older
toolkit is upgraded when opened, as by any command: the check says so first (`UPGRADED`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from toolkit.basics.problems import Problem, ProblemType, UnusableInput, define
from toolkit.core.vat import rate_text
from toolkit.ledger import (
    Ledger,
    counters_behind,
    document_totals,
    holds_drift,
    kept_drift,
    kept_repair,
    numbering_holes,
)
from toolkit.ledger.db import damage_found, document_number, log_event, reading, writing
from toolkit.ledger.schema import SCHEMA_VERSION
from toolkit.model.records import Settings, numbers_before
from toolkit.services.reprint_reads import gone_on_despite

SHOWN = 20
"""The rows of each kept figure named one by one; the rest counted (`MORE`)."""

AFTER_KEPT = (
    "Nessun comando se ne accorge: spedizioni, prenotazioni e fido leggono il valore tenuto. Ricalcolalo dai "
    "documenti con toolkit ledger check --repair (tocca solo le cifre tenute, mai un documento).",
    "No command notices it: shipping, the reservations and the credit check read the kept value. Work it out "
    "again from the documents with toolkit ledger check --repair (it touches only the kept figures, never a "
    "document).")
AFTER_HOLD = (
    "Nessun comando se ne accorge: una giornata di spedizione sveglia le sospensioni da questi valori. "
    "Toglila con toolkit ledger check --repair: il prossimo toolkit ship --all pianifica di nuovo l'ordine, e lo "
    "sospende di nuovo, giusto, se va ancora sospeso.",
    "No command notices it: a shipping day wakes the holds by these values. Take the hold away with toolkit "
    "ledger check --repair: the next toolkit ship --all plans the order again, and holds it again, rightly, if it "
    "is still to be held.")


def _kept(code: str, figure_it: str, figure_en: str, source_it: str, source_en: str,
          after: tuple[str, str] = AFTER_KEPT, followed: bool = False) -> ProblemType:
    """A kept figure's finding; `followed`: the figures summed from it are named in it (`{follows_it}`)."""
    tail = ("{follows_it}", "{follows_en}") if followed else ("", "")
    return define(
        code, "error", title=(figure_it, figure_en),
        it=f"Nel registro {{ledger}} la tabella {{table}}, alla riga {{row}}, tiene {figure_it} {{kept}}, ma "
           f"{source_it} dicono {{documents}}.{tail[0]} {after[0]}",
        en=f"In the ledger {{ledger}} the table {{table}}, at the row {{row}}, keeps {figure_en} {{kept}}, but "
           f"{source_en} say {{documents}}.{tail[1]} {after[1]}")


KEPT = {
    "reserved": _kept("ledger-reserved-wrong", "come prenotato", "as reserved",
                      "le righe d'ordine ancora da spedire", "the order lines still to ship"),
    "shipped_by_day": _kept("ledger-shipped-by-day-wrong", "come spedito quel giorno", "as shipped that day",
                            "le righe dei DDT", "the DDT lines"),
    "order_lines.shipped": _kept("ledger-line-shipped-wrong", "come spedito della riga", "as the line's shipped",
                                 "le righe dei DDT", "the DDT lines", followed=True),
    "unshipped": _kept("ledger-unshipped-wrong", "come valore ancora da spedire", "as the value still to ship",
                       "le righe dell'ordine", "the order's lines"),
    "uninvoiced": _kept("ledger-uninvoiced-wrong", "come valore non ancora fatturato", "as the value not yet invoiced",
                        "le righe del DDT", "the DDT's lines"),
    "holds": _kept("ledger-hold-wrong", "come cliente e data della sospensione", "as the hold's customer and date",
                   "cliente e data dell'ordine", "the order's customer and date", AFTER_HOLD),
    "hold_items": _kept("ledger-hold-items-wrong", "come articolo mancante", "as an item it is short of",
                        "gli articoli della sospensione", "the hold's items", AFTER_HOLD),
}
"""A finding's problem for each kept figure of `kept_drift.FIGURES` and `holds_drift`."""

FOLLOWS = {"reserved": ("la prenotazione", "the reservation of"),
           "unshipped": ("il valore ancora da spedire dell'ordine", "the value still to ship of the order")}
"""The figures a wrong line's shipped takes along (`kept_drift.LINE_FOLLOWERS`), as its finding names them."""
FOLLOWED = (" Da questa cifra si sommano anche {follows}, che perciò non corrispondono più: è un solo problema, "
            "e ricalcolare la riga le rimette in pari.",
            " From this figure are summed {follows} too, which therefore no longer agree: it is one problem, and "
            "working the line out again puts them right.")

MORE = define(
    "ledger-check-more", "error", title=("altre righe diverse", "more rows differing"),
    it="… e altre {more} righe della tabella {table} diverse dai documenti (`{code}`): in tutto {count}.",
    en="… and {more} more rows of the table {table} differing from the documents (`{code}`): {count} in all.")
TOTAL_WRONG = define(
    "ledger-invoice-total-wrong", "error", title=("totali diversi dalle righe", "totals unlike the lines"),
    it="Nel registro {ledger} il documento {row} (tabella invoices) tiene come {figure_it} {kept}, ma {source_it} "
       "danno {documents}: lo SDI rifiuterebbe il suo file, e registro IVA e scadenzario lo leggono così. "
       "Ripristina il registro da una copia di sicurezza, o fai correggere il documento a chi cura il toolkit.",
    en="In the ledger {ledger} the document {row} (table invoices) keeps as its {figure_en} {kept}, but "
       "{source_en} give {documents}: SDI would refuse its file, and the VAT register and the payments' status "
       "read it so. Restore the ledger from a backup, or have whoever looks after the toolkit correct it.")
VAT_DIFFERS = define(
    "ledger-invoice-vat-differs", "error", title=("IVA diversa dalle righe", "VAT unlike the lines"),
    it="Nel registro {ledger} il documento {number} (tabella invoices) tiene come IVA{rate_it} {kept}, ma "
       "{source_it} {documents}: lo SDI rifiuterebbe il suo file (00421, 00423), e registro IVA e scadenzario lo "
       "leggono così. Un documento emesso non si riscrive: --repair non lo tocca. Ripristina il registro da una "
       "copia di sicurezza, o chiedi al commercialista come correggere.",
    en="In the ledger {ledger} the document {number} (table invoices) keeps as its VAT{rate_en} {kept}, but "
       "{source_en} {documents}: SDI would refuse its file (00421, 00423), and the VAT register and the payments' "
       "status read it so. An issued document is never rewritten: --repair leaves it. Restore the ledger from a "
       "backup, or ask the accountant how to correct it.")
NUMBER_MISSING = define(
    "ledger-number-missing", "error", title=("numeri mancanti", "numbers missing"),
    it="Nel registro {ledger} mancano {row} (tabella {table}): dopo {kept} il numero seguente è {after}. Un "
       "numero non deve mancare nella serie di un anno: un documento cancellato a mano, o una tabella rimessa da "
       "una copia vecchia. Ripristina il registro da una copia di sicurezza che li ha.{begun_it}",
    en="In the ledger {ledger} {row} are missing (table {table}): after {kept} the next number is {after}. No "
       "number may be missing from a series of a year: a document deleted by hand, or a table put back from an "
       "older copy. Restore the ledger from a backup that has them.{begun_en}")
OUT_OF_DATE_ORDER = define(
    "ledger-number-out-of-date-order", "error", title=("numeri fuori ordine di data", "numbers out of date order"),
    it="Nel registro {ledger} il documento {row} è del {kept}, prima del {before} del {documents}: la legge vuole "
       "i numeri di una serie e di un anno in ordine di data. Una data modificata a mano? Ripristina il registro da "
       "una copia di sicurezza, o chiedi al commercialista come correggere.",
    en="In the ledger {ledger} the document {row} is dated {kept}, before {before} of {documents}: the law wants "
       "the numbers of a series and year in date order. A date edited by hand? Restore the ledger from a backup, "
       "or ask the accountant how to correct it.")

REPAIRED = define(
    "ledger-figure-repaired", "warning", title=("cifre tenute ricalcolate", "kept figures worked out again"),
    it="Nel registro {ledger} la tabella {table}, alla riga {row}, teneva {kept}: ora tiene {documents}, la somma "
       "dei suoi documenti (`{code}`).",
    en="In the ledger {ledger} the table {table}, at the row {row}, kept {kept}: it now keeps {documents}, its "
       "documents' sum (`{code}`).")
HOLD_FORGOTTEN = define(
    "ledger-hold-forgotten", "warning", title=("sospensioni tolte", "holds taken away"),
    it="Nel registro {ledger} la tabella {table}, alla riga {row}, teneva {kept} invece di {documents}: la "
       "sospensione del suo ordine è stata tolta, come quando si sveglia, e il prossimo toolkit ship --all "
       "pianifica di nuovo l'ordine (`{code}`).",
    en="In the ledger {ledger} the table {table}, at the row {row}, kept {kept} instead of {documents}: its "
       "order's hold was taken away, as when it wakes, and the next toolkit ship --all plans the order again "
       "(`{code}`).")
REPAIRED_MORE = define(
    "ledger-figures-repaired-more", "warning", title=("altre cifre ricalcolate", "more figures worked out again"),
    it="… e altre {more} righe della tabella {table} ricalcolate dai documenti (`{code}`): in tutto {count}.",
    en="… and {more} more rows of the table {table} worked out again from the documents (`{code}`): {count} in all.")
REPAIR_REFUSED = define(
    "ledger-repair-refused", "error",
    it="Nel registro {ledger} nessuna cifra è stata ricalcolata: ha righe senza il loro documento o valori "
       "illeggibili (elencati qui sotto), da cui le somme verrebbero sbagliate. Ripristina prima il registro da una "
       "copia di sicurezza.",
    en="No figure of the ledger {ledger} was worked out again: it has rows without their document or values that "
       "cannot be read (listed below), from which the sums would come out wrong. Restore the ledger from a backup "
       "first.")

BEGUN = (" Se invece la serie è iniziata con un altro programma, scrivi nel foglio Impostazioni, in «Numeri prima "
         "del toolkit», {last}: il controllo non li cercherà più.",
         " If the series was begun with another program instead, write {last} in the sheet Impostazioni (Settings), "
         "in «Numeri prima del toolkit» (Numbers before the toolkit): the check will no longer look for them.")
"""Said of numbers missing below a series's first: a series begun elsewhere that no desk told the
toolkit of, or whose record is older than the ledger's (`numbering_holes.begun_elsewhere`)."""

UPGRADED = define(
    "ledger-upgraded-before-check", "warning", title=("registro aggiornato", "ledger upgraded"),
    it="Registro aggiornato dalla versione {found} alla {version} prima del controllo: il file {ledger} è stato "
       "cambiato, come da ogni comando di questo toolkit, e un toolkit più vecchio non lo apre più. Il controllo "
       "legge il registro aggiornato. Per controllare una copia di sicurezza senza cambiarla, controllane una copia.",
    en="The ledger was upgraded from schema {found} to {version} before the check: the file {ledger} was changed, "
       "as any command of this toolkit changes it, and an older toolkit no longer opens it. The check reads the "
       "upgraded ledger. To check a backup without changing it, check a copy of it.")

TOTALS = {"taxable": ("imponibile", "taxable amount", "le sue righe", "its lines"),
          "total": ("totale", "total", "imponibile e IVA", "taxable amount and VAT")}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong, as data: its problem's code, the table and row, what the ledger holds
    there and what its documents say."""

    code: str
    table: str
    row: str
    ledger: str
    documents: str
    follows: tuple[Finding, ...] = ()
    """The rows of other figures this one makes differ (a wrong line's shipped: its order's
    reservation and value still to ship), counted in it, not apart."""


@dataclass(frozen=True)
class LedgerChecked:
    ledger: str
    findings: list[Finding]
    problems: list[Problem]
    """The findings' problems, in the order of `findings`."""
    warnings: list[Problem] = field(default_factory=list)
    """The workbook's errors the check went on despite, as warnings: it reads only *Impostazioni*."""
    upgraded_from: int | None = None
    """The schema version the ledger was at before this command opened it and upgraded it."""

    @property
    def upgraded(self) -> list[Problem]:
        """That opening the ledger upgraded it (`UPGRADED`), to tell first: a check of a backup
        changed the backup."""
        if self.upgraded_from is None:
            return []
        return [UPGRADED(None, ledger=self.ledger, found=self.upgraded_from, version=SCHEMA_VERSION)]

    @property
    def sound(self) -> bool:
        return not self.problems

    def summary(self, lang: str) -> str:
        if self.sound:
            return (f"Il registro {self.ledger} è in ordine: cifre tenute, totali e numerazioni corrispondono ai "
                    "documenti." if lang == "it" else
                    f"The ledger {self.ledger} is sound: its kept figures, totals and numbering agree with its "
                    "documents.")
        count = len(self.findings)
        return (f"Il registro {self.ledger} ha {count} problemi, elencati qui sopra." if lang == "it" else
                f"The ledger {self.ledger} has {count} findings, listed above.")


def check_ledger(ledger: Ledger, settings: Settings, set_aside: Sequence[Problem] = ()) -> LedgerChecked:
    """Every finding of the ledger, reading only: the damage a failing read would name first,
    then what no read fails on. A kept figure the damage makes unreadable stops the second part,
    the damage told. `set_aside`: the workbook's errors its session set aside
    (`session.start_reprint`), told as warnings unless in *Impostazioni*, which it reads."""
    shown = ledger.file or ledger.url
    upgraded = ledger.upgraded_from
    warnings = gone_on_despite(set_aside, ())
    if not ledger.exists:
        return LedgerChecked(str(shown), [], [], warnings, upgraded)
    damage = damage_found(ledger)
    found: list[tuple[Finding, Problem]] = [(_damage(p), p) for p in damage]
    try:
        with reading(ledger) as conn:
            found += [_behind(b, shown) for b in counters_behind.counters_behind(conn)]
            drifts, counts = kept_drift.drifts(conn, SHOWN)
            found += [_drift(x, shown) for x in drifts]
            found += [_more(figure, count) for figure, count in counts.items() if count > SHOWN]
            found += [_drift(x, shown) for x in holds_drift.unlike(conn)]
            found += [_unequal(x, shown) for x in document_totals.unequal(conn)]
            found += [_vat(x, shown) for x in document_totals.vat_unlike(conn)]
            found += [_hole(x, shown) for x in numbering_holes.holes(conn, numbers_before(settings))]
            found += [_out_of_order(x, shown) for x in numbering_holes.out_of_order(conn)]
    except UnusableInput:
        if not damage:
            raise
    return LedgerChecked(str(shown), [f for f, _ in found], [p for _, p in found], warnings, upgraded)


@dataclass(frozen=True)
class LedgerRepaired:
    """What `repair_ledger` summed again (`repaired`, each row's value before and after, the
    rows past `SHOWN` counted, and `told`, their problems as warnings, or why nothing was), then
    the check of the ledger it left: the findings no sum can put right."""

    repaired: list[Finding]
    told: list[Problem]
    checked: LedgerChecked


def repair_ledger(ledger: Ledger, settings: Settings, set_aside: Sequence[Problem] = ()) -> LedgerRepaired:
    """The kept figures found wrong summed again from the documents (`kept_repair`), and the holds
    found unlike their orders forgotten as a command forgets one (`holds_drift.forget_unlike`:
    the next `ship --all` plans their orders again), in one transaction under the write lock,
    logged as one event; then the ledger checked again. A
    ledger with rows without their document or values unreadable (`damage_found`) is left as
    it is: the sums would be made of them."""
    shown = ledger.file or ledger.url
    if ledger.exists and damage_found(ledger):
        return LedgerRepaired([], [REPAIR_REFUSED(None, ledger=shown)], check_ledger(ledger, settings, set_aside))
    found: list[tuple[Finding, Problem]] = []
    if ledger.exists:
        with writing(ledger) as conn:
            drifts, counts = kept_repair.repair(conn, SHOWN)
            forgotten = holds_drift.forget_unlike(conn)
            logged = {**counts, **({"holds": len(forgotten)} if forgotten else {})}
            if logged:
                log_event(conn, "repaired", "ledger", None, None,
                          "; ".join(f"{figure}: {count}" for figure, count in logged.items()))
        found += [_repaired(x, shown) for x in drifts]
        found += [_more(figure, count, REPAIRED_MORE) for figure, count in counts.items() if count > SHOWN]
        found += [_repaired(x, shown, HOLD_FORGOTTEN) for x in forgotten]
    return LedgerRepaired([f for f, _ in found], [p for _, p in found], check_ledger(ledger, settings, set_aside))


def _repaired(drift: kept_drift.Drift, shown: Any, told: ProblemType = REPAIRED) -> tuple[Finding, Problem]:
    """A row `repair_ledger` wrote: a kept figure summed again (`REPAIRED`), or a hold forgotten."""
    problem = told(None, ledger=shown, table=drift.table, row=drift.row, kept=drift.kept,
                       documents=drift.documents, code=KEPT[drift.figure].code)
    return _found(problem, drift.table, drift.row, drift.kept, drift.documents)


def _found(problem: Problem, table: str, row: str, kept: Any, documents: Any) -> tuple[Finding, Problem]:
    return Finding(problem.code, table, row, _text(kept), _text(documents)), problem


def _text(value: Any) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _damage(problem: Problem) -> Finding:
    """A finding of the damage `damage_found` names, from its problem's own words."""
    said = dict(problem.params)
    return Finding(problem.code, str(said.get("table", "")), str(said.get("row", "")), str(said.get("value", "")),
                   str(said.get("parent") or said.get("wanted_en") or ""))


def _behind(behind: counters_behind.Behind, shown: Any) -> tuple[Finding, Problem]:
    problem = counters_behind.told(behind, shown)
    return _found(problem, "counters", f"series {behind.series}, year {behind.year}", behind.counter, behind.highest)


def _drift(drift: kept_drift.Drift, shown: Any) -> tuple[Finding, Problem]:
    said = ({"follows_it": _follows(drift.follows, 0), "follows_en": _follows(drift.follows, 1)}
            if drift.figure == kept_drift.LINE else {})
    problem = KEPT[drift.figure](None, ledger=shown, table=drift.table, row=drift.row, kept=drift.kept,
                                 documents=drift.documents, **said)
    follows = tuple(Finding(KEPT[x.figure].code, x.table, x.row, _text(x.kept), _text(x.documents))
                    for x in drift.follows)
    return Finding(problem.code, drift.table, drift.row, _text(drift.kept), _text(drift.documents), follows), problem


def _follows(drifts: Sequence[kept_drift.Drift], lang: int) -> str:
    """The figures a wrong line's shipped takes along, as its finding names them, or nothing."""
    if not drifts:
        return ""
    kept, source = (("tiene", "dalla riga") if lang == 0 else ("kept", "from the line"))
    named = [f"{FOLLOWS[x.figure][lang]} {x.row} ({kept} {_text(x.kept)}, {source} {_text(x.documents)})"
             for x in drifts]
    joined = (", ".join(named[:-1]) + (" e " if lang == 0 else " and ") + named[-1]) if len(named) > 1 else named[0]
    return FOLLOWED[lang].format(follows=joined)


def _more(figure: str, count: int, told: ProblemType = MORE) -> tuple[Finding, Problem]:
    """The rows of `figure` past `SHOWN`, counted: found (`MORE`) or repaired (`REPAIRED_MORE`)."""
    table = next(f.table for f in kept_drift.FIGURES if f.name == figure)
    problem = told(None, more=count - SHOWN, table=table, code=KEPT[figure].code, count=count)
    return _found(problem, table, f"{count - SHOWN} more", "", "")


def _unequal(x: kept_drift.Drift, shown: Any) -> tuple[Finding, Problem]:
    figure_it, figure_en, source_it, source_en = TOTALS[x.figure]
    problem = TOTAL_WRONG(None, ledger=shown, row=x.row, figure_it=figure_it, figure_en=figure_en, kept=x.kept,
                          source_it=source_it, source_en=source_en, documents=x.documents)
    return _found(problem, x.table, f"{x.row} {x.figure}", x.kept, x.documents)


def _vat(x: document_totals.VatUnlike, shown: Any) -> tuple[Finding, Problem]:
    """A document's VAT its lines contradict: at a rate, or in all (`rate` None)."""
    rate = "" if x.rate is None else rate_text((x.rate, None))
    said = ({"rate_it": "", "rate_en": "", "source_it": "la somma delle sue aliquote, dalle righe, dà",
             "source_en": "the sum of its rates, from its lines, gives"} if x.rate is None else
            {"rate_it": f" al {rate}", "rate_en": f" at {rate}", "source_it": "le sue righe a quell'aliquota danno",
             "source_en": "its lines at that rate give"})
    problem = VAT_DIFFERS(None, ledger=shown, number=x.number, kept=x.kept, documents=x.lines, **said)
    return _found(problem, "invoices", f"{x.number} VAT{' ' + rate if rate else ''}", x.kept, x.lines)


def _hole(x: numbering_holes.Hole, shown: Any) -> tuple[Finding, Problem]:
    first, last = (document_number(x.series, x.year, n) for n in (x.first, x.last))
    missing = first if x.first == x.last else f"{first}–{last}"
    before = document_number(x.series, x.year, x.first - 1) if x.first > 1 else "—"
    after = document_number(x.series, x.year, x.last + 1)
    begun = [text.format(last=f"{x.series} {x.last}/{x.year}") if x.below_first else "" for text in BEGUN]
    problem = NUMBER_MISSING(None, ledger=shown, row=missing, table=x.table, kept=before, after=after,
                             begun_it=begun[0], begun_en=begun[1])
    return _found(problem, x.table, missing, f"{before}, {after}", missing)


def _out_of_order(x: numbering_holes.OutOfOrder, shown: Any) -> tuple[Finding, Problem]:
    number, before = document_number(x.series, x.year, x.number), document_number(x.series, x.year, x.before)
    problem = OUT_OF_DATE_ORDER(None, ledger=shown, row=number, kept=x.day, before=before, documents=x.before_day)
    return _found(problem, x.table, number, x.day, f"{before} {x.before_day}")
