"""A sale without VAT on a letter of intent cites the letter: no protocol or date, no such invoice.

The Agenzia matches each N3.5 sale to the letter its buyer filed by the protocol and date the
e-invoice cites (*AltriDatiGestionali* `INTENTO`: RiferimentoTesto and RiferimentoData, both
asked since 2022). An invoice without them is wrong, and once sent to SDI it is put right only
by a credit note and a new invoice. The data check warns of an N3.5 customer whose *Clienti*
row lacks them (`letter-of-intent-without-protocol`) and lets the desk order and ship, which
cite no letter; invoicing is where the letter is cited, so there such a customer's documents
are refused (`Uncited`): all of them, its credit notes with its invoices, as a customer charging
VAT under a regime without it waits (`invoicing.ChargedVat`), so that its returns are matched to
the invoices they follow. Everyone else is invoiced; the run after the cells are filled
invoices it. A debit note at N3.5 follows its invoice's letter; on an invoice that cited none
(issued by an earlier version) it cites the row's, and is refused while the row lacks it
(`DEBIT_NOT_CITED`, `services.debit_notes`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from heapq import merge
from itertools import combinations, islice

from toolkit.basics import vat_ids, wording
from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import DocumentType
from toolkit.basics.wording import Agreed, Counted, first_numbers
from toolkit.core.intent_ceiling import LETTER_OF_INTENT, letter_key
from toolkit.core.shipping import pays_first
from toolkit.model.parties import Parties
from toolkit.model.records import Customer, MasterData

LETTER_NOT_CITED = define(
    "letter-of-intent-not-cited", "error",
    it="Il cliente {customer} ha {lines} da fatturare senza IVA con dichiarazione d'intento (N3.5), ordini "
       "{orders}, ma nel foglio Clienti manca {missing} della dichiarazione{shared}: la fattura deve citare protocollo e "
       "data (nella fattura elettronica, AltriDatiGestionali INTENTO), e inviata a SDI non si corregge più. I suoi "
       "documenti non sono stati emessi e restano da fatturare; quelli degli altri clienti sì. Scrivi protocollo "
       "e data della dichiarazione, dalla ricevuta dell'Agenzia, nelle colonne «Protocollo dichiarazione "
       "d'intento» e «Data dichiarazione d'intento» del foglio Clienti (aggiungile se mancano), poi fattura di "
       "nuovo.",
    en="Customer {customer} has {lines} to invoice without VAT on a letter of intent (N3.5), orders {orders}, but "
       "the Clienti sheet lacks the letter's {missing}{shared}: the invoice must cite its protocol and date (in the "
       "e-invoice, AltriDatiGestionali INTENTO), and once sent to SDI it cannot be corrected. Its documents were not "
       "issued and wait to be invoiced; the other customers' were. Write the letter's protocol and date, from the "
       "Agenzia's receipt, in the Clienti sheet's columns “Protocollo dichiarazione d'intento” and “Data "
       "dichiarazione d'intento” (add them if missing), then invoice again.")

DEBIT_NOT_CITED = define(
    "letter-of-intent-debit-not-cited", "error",
    it="La nota di debito sulla fattura {invoice} del cliente {customer} sarebbe senza IVA (N3.5), ma la fattura "
       "non ha citato la dichiarazione d'intento e nel foglio Clienti ne manca {missing}: la nota deve citare "
       "protocollo e data, e inviata a SDI non si corregge più. Nulla è stato registrato. Scrivi protocollo e data "
       "della dichiarazione che copriva la vendita, dalla ricevuta dell'Agenzia, nelle colonne «Protocollo "
       "dichiarazione d'intento» e «Data dichiarazione d'intento» del foglio Clienti (aggiungile se mancano), poi "
       "rifai la nota.",
    en="The debit note on customer {customer}'s invoice {invoice} would be without VAT (N3.5), but the invoice cited "
       "no letter of intent and the Clienti sheet lacks the letter's {missing}: the note must cite its protocol and "
       "date, and once sent to SDI it cannot be corrected. Nothing was stored. Write the protocol and date of the "
       "letter that covered the sale, from the Agenzia's receipt, in the Clienti sheet's columns “Protocollo "
       "dichiarazione d'intento” and “Data dichiarazione d'intento” (add them if missing), then issue the note "
       "again.")

PREPAID_NOT_INVOICED = define(
    "letter-of-intent-prepaid-not-invoiced", "error",
    it="Il cliente {customer} ha {count} ({orders}) da spedire solo a pagamento ricevuto, ma la fattura che il "
       "pagamento salda non è stata emessa, perché nel foglio Clienti manca il protocollo o la data della "
       "dichiarazione d'intento, e nessuna fatturazione la emetterà: la fine mese fattura la merce spedita, e questa "
       "aspetta il pagamento. Scritti protocollo e data, annulla l'ordine (toolkit orders status {first} --to "
       "annullato, e così gli altri) e ordinalo di nuovo: la sua fattura sarà emessa con l'ordine e citerà la "
       "dichiarazione.",
    en="Customer {customer} has {count} ({orders}) to ship only once paid, but the invoice the payment settles was not "
       "issued, as the Clienti sheet lacks the protocol or date of the letter of intent, and no invoicing will issue "
       "it: month end invoices goods shipped, and these wait for the payment. Once the protocol and date are written, "
       "void the order (toolkit orders status {first} --to voided, and the others likewise) and order it again: its "
       "invoice will be issued with the order, citing the letter.")

DRAFT_NOT_CITED = define(
    "letter-of-intent-draft-not-cited", "error",
    it="{drafts} dell'emissione {run_id} del cliente {customer} ({numbers}) {sell} senza IVA con dichiarazione "
       "d'intento (N3.5) ma non {cite} protocollo e data della dichiarazione: {were} fatte prima che la fatturazione "
       "li chiedesse. Da definitive andrebbero a SDI così (nella fattura elettronica manca AltriDatiGestionali "
       "INTENTO), e non si correggerebbero più. Nessun documento è stato reso definitivo. {write}Annulla l'emissione "
       "(toolkit invoice undo {workbook} {run_id}) e rifalla: le sue fatture citeranno la dichiarazione.",
    en="{drafts} of run {run_id} of customer {customer} ({numbers}) {sell} without VAT on a letter of intent (N3.5) "
       "but {cite} no protocol and date of the letter: {were} made before invoicing asked for them. Made final "
       "they would go to SDI so (the e-invoice lacking AltriDatiGestionali INTENTO), never to be corrected. No "
       "document was made final. {write}Undo the run (toolkit invoice undo {workbook} {run_id}) and run it again: "
       "its invoices will cite the letter.")

DRAFT_FINAL_UNCITED = define(
    "letter-of-intent-draft-final-uncited", "warning",
    title=("Bozze rese definitive senza la dichiarazione d'intento", "Drafts made final without the letter of intent"),
    it="{drafts} dell'emissione {run_id} del cliente {customer} ({numbers}) {sell} senza IVA con dichiarazione "
       "d'intento (N3.5) ma non {cite} protocollo e data della dichiarazione: {were} fatte prima che la fatturazione "
       "li chiedesse. L'emissione non si può annullare, perché la seguono documenti definitivi o pagamenti, e "
       "rifiutarla l'avrebbe lasciata bozza per sempre: è stata resa definitiva così. Correggi ciascuna con un "
       "documento di rettifica, come indica il tuo commercialista: una nota di credito (toolkit invoice credit) e "
       "una nuova fattura che citi protocollo e data della dichiarazione.",
    en="{drafts} of run {run_id} of customer {customer} ({numbers}) {sell} without VAT on a letter of intent (N3.5) "
       "but {cite} no protocol and date of the letter: {were} made before invoicing asked for them. The run cannot "
       "be undone, as final documents or payments follow it, and refusing it would have left it a draft for good: "
       "it was made final so. Correct each with a correcting document, as your accountant advises: a credit note "
       "(toolkit invoice credit) and a new invoice citing the letter's protocol and date.")

LETTER_FIELDS = ("intent_protocol", "intent_date")


@dataclass(frozen=True, slots=True)
class Missing:
    """What of a letter a *Clienti* row lacks, as a message names it.

    >>> Missing(("intent_protocol", "intent_date")).shown("it"), Missing(("intent_date",)).shown("en")
    ('il protocollo e la data', 'date')
    """

    fields: tuple[str, ...]

    def shown(self, lang: str) -> str:
        words = {"intent_protocol": ("il protocollo", "protocol"), "intent_date": ("la data", "date")}
        said = [words[name][lang == "en"] for name in self.fields]
        return (" and " if lang == "en" else " e ").join(said)


def missing(customer: Customer) -> tuple[str, ...]:
    """The fields of its letter a customer's row leaves empty: protocol, date, both or none."""
    return tuple(name for name in LETTER_FIELDS if not getattr(customer, name))


def empty_cell(master: MasterData, customer: Customer) -> Location:
    """The cell to fill: the first empty one of the letter's columns the sheet has, else the
    customer's *Natura IVA* (a sheet without the columns: the message says to add them), as the
    data check's warning names it."""
    columns = master.layout.columns.get(customer.source.sheet, {}) if master.layout is not None else {}
    name = next((x for x in missing(customer) if x in columns), "vat_nature" if columns else missing(customer)[0])
    return master.locate(customer.source, name)


@dataclass(frozen=True, slots=True)
class Uncited:
    """A customer whose documents of a run would sell N3.5 while its row lacks its letter's
    protocol or date: left out of the run, its documents waiting, with the error at the cell."""

    customer: str
    location: Location | None
    fields: tuple[str, ...]
    orders: tuple[str, ...]
    """The orders of its N3.5 lines, in number order."""
    lines: int
    shared: SharedDate | None = None
    """The date another row gives its letter, when the row has the protocol alone."""

    @property
    def problem(self) -> Problem:
        return LETTER_NOT_CITED(self.location, customer=self.customer, missing=Missing(self.fields),
                                lines=Counted(self.lines, ("riga", "righe"), ("line", "lines")),
                                orders=first_numbers(self.orders), shared=self.shared or SharedDate())


@dataclass(frozen=True, slots=True)
class SharedDate:
    """A letter's date on another customer's row (one buyer's letter on two *Clienti* rows), as
    the refusal of the row with the protocol alone names it: the date to copy, if the same.

    >>> "C002's too, dated 15/01/2026" in SharedDate("C002", "2601-1", date(2026, 1, 15)).shown("en")
    True
    >>> SharedDate().shown("it")
    ''
    """

    other: str | None = None
    protocol: str = ""
    day: date | None = None

    def shown(self, lang: str) -> str:
        if self.other is None or self.day is None:
            return ""
        day = wording.shown(self.day, lang)
        if lang == "en":
            return (f" (letter {self.protocol} is customer {self.other}'s too, dated {day} on its row: if it is the "
                    "same letter, write that date)")
        return (f" (la dichiarazione {self.protocol} è anche del cliente {self.other}, con data {day} nella sua riga: "
                "se è la stessa, scrivi quella data)")


def uncited(master: MasterData, sold: Sequence[tuple[str, str | None, str]]) -> list[Uncited]:
    """The customers, among `sold` (customer, nature, order of each line of the run's invoices),
    whose N3.5 lines could not cite their letter: their row lacks its protocol or date."""
    rows = {c.code: c for c in master.customers}
    found: dict[str, list[str]] = {}
    for code, nature, order in sold:
        row = rows.get(code)
        if nature == LETTER_OF_INTENT and row is not None and missing(row):
            found.setdefault(code, []).append(order)
    dated = dating_rows(master.customers)
    return [Uncited(code, empty_cell(master, rows[code]), missing(rows[code]), tuple(sorted(set(orders))),
                    len(orders), _shared(rows[code], dated)) for code, orders in sorted(found.items())]


def dating_rows(customers: Iterable[Customer]) -> dict[str, SharingRows]:
    """Each letter (`letter_key`) → the *Clienti* rows giving it with its date, by buyer identity
    (`buyer_ids`), in sheet order (`SharingRows`): those whose date a row of the same buyer
    sharing the protocol without one is told of (`dated_for`), by the check and by invoicing
    alike. Each row asks its own identity's and those not parted from it, never every other: a
    protocol dated on 2,000 rows of as many buyers is a lookup, not 2,000 comparisons a row."""
    dated: dict[str, SharingRows] = {}
    for c in customers:
        if c.intent_protocol and c.intent_date is not None:
            dated.setdefault(letter_key(c.intent_protocol), SharingRows()).add(c, 1)
    return dated


def dated_for(row: Customer, dated: Mapping[str, SharingRows]) -> Customer | None:
    """The first row dating `row`'s letter (`dating_rows`) that may be its buyer's, for a row with
    the protocol alone: a row of another buyer (`two_buyers`) shares no letter, so its date is
    none to copy."""
    if row.intent_date is not None or not row.intent_protocol:
        return None
    return first_dating(row, dated)


def first_dating(row: Customer, dated: Mapping[str, SharingRows]) -> Customer | None:
    """The first row dating `row`'s protocol that is not another buyer's (`SharingRows.first_same`), dated or not."""
    rows = dated.get(letter_key(row.intent_protocol or ""))
    return rows.first_same(buyer_ids(row)) if rows is not None else None


def _shared(row: Customer, dated: Mapping[str, SharingRows]) -> SharedDate | None:
    """`SharedDate` of a row with its letter's protocol alone, when a row of its buyer dates it."""
    other = dated_for(row, dated)
    return SharedDate(other.code, other.intent_protocol or "", other.intent_date) if other is not None else None


@dataclass(frozen=True, slots=True)
class OtherRows:
    """The earlier rows of other buyers giving a row's protocol (`SharingRows.of_other_buyers`):
    the first few in sheet order, how many in all, how many of those not named lack the date,
    and whether they are surely of more than one buyer (`several`): a thousand rows of one other
    buyer are *un altro acquirente*, not *altri acquirenti*."""

    first: tuple[Customer, ...]
    count: int
    undated: int
    several: bool = False


class _Identity:
    """One buyer identity's rows of a protocol: its first few (with their place), how many, how many undated."""

    __slots__ = ("count", "first", "undated")

    def __init__(self) -> None:
        self.first: list[tuple[int, Customer]] = []
        self.count = self.undated = 0


_NO_VAT, _NO_CODE = "\0vat", "\0code"
"""The marks of an identity's empty side, beside the values it gives (`_marks`)."""


def _marks(ids: tuple[str, str]) -> frozenset[str]:
    """An identity's values, or for an empty side its mark: what `_parting` asks of it."""
    vat, code = ids
    return frozenset((vat or _NO_VAT, code or _NO_CODE))


def _parting(ids: tuple[str, str]) -> tuple[frozenset[str], bool]:
    """The marks of the identities `two_buyers` does not part from `ids` (a given value shared, or
    the side `ids` gives left empty, so no pair of values to compare), and whether the identity
    giving neither is one of them too (it is for an identity giving both). Not asked of an
    identity giving neither, which no identity is parted from."""
    vat, code = ids
    if not code:
        return frozenset((vat, _NO_VAT)), False
    if not vat:
        return frozenset((code, _NO_CODE)), False
    return frozenset(ids), True


class _InOrder:
    """Distinct identities in the order their first row came, with the places of those bearing
    each mark and each two marks together, so the first few identities bearing none of some
    marks are found by stepping on, and past more than a few that bear some by counting: before
    a place, those bearing neither of two marks are the place less those bearing each plus those
    bearing both, and a binary search finds the next. Jumping over each mark's runs of
    consecutive places stepped over identities alternating between two marks one by one (a
    partita IVA's codici fiscali beside codici fiscali alone, for a row giving that partita IVA
    alone): 1,000 such rows after 1,000 such identities took 3.3 s of CPU."""

    __slots__ = ("_order", "_places")

    def __init__(self) -> None:
        self._order: list[tuple[tuple[str, str], frozenset[str]]] = []
        self._places: dict[frozenset[str], list[int]] = {}

    def __len__(self) -> int:
        return len(self._order)

    def append(self, ids: tuple[str, str], marks: frozenset[str]) -> None:
        place = len(self._order)
        self._order.append((ids, marks))
        for key in {*(frozenset((mark,)) for mark in marks), marks}:
            self._places.setdefault(key, []).append(place)

    def first(self, avoided: frozenset[str], skipped: tuple[str, str] | None, limit: int) -> list[tuple[str, str]]:
        """The first `limit` identities bearing no mark of `avoided`, `skipped` left out."""
        found: list[tuple[str, str]] = []
        place: int | None = 0
        stepped = 0
        while place is not None and place < len(self._order) and len(found) < limit:
            ids, marks = self._order[place]
            if marks & avoided:
                stepped += 1
                place = place + 1 if stepped < _STEPS else self._nth_free(avoided, self._free(avoided, place))
                continue
            stepped = 0
            if ids != skipped:
                found.append(ids)
            place += 1
        return found

    def _nth_free(self, avoided: frozenset[str], nth: int) -> int | None:
        """The place of the `nth` identity (from 0) bearing no mark of `avoided`; None past the last."""
        if self._free(avoided, len(self._order)) <= nth:
            return None
        low, high = 0, len(self._order) - 1
        while low < high:
            middle = (low + high) // 2
            if self._free(avoided, middle + 1) > nth:
                high = middle
            else:
                low = middle + 1
        return low

    def _free(self, avoided: frozenset[str], end: int) -> int:
        """How many identities before place `end` bear no mark of `avoided` (at most two)."""
        bearing = sum(bisect_left(self._places.get(frozenset((mark,)), []), end) for mark in avoided)
        both = bisect_left(self._places.get(avoided, []), end) if len(avoided) > 1 else 0
        return end - bearing + both


_STEPS = 8
"""How many identities bearing an avoided mark `_InOrder.first` steps over one by one before
counting its way past the rest: most are followed by one bearing none."""


class SharingRows:
    """The *Clienti* rows giving one protocol so far, in sheet order, by buyer identity
    (`buyer_ids`): what the check asks of each next row is which earlier rows are another
    buyer's (`two_buyers`), and invoicing which is the first that is not. The identities not
    parted from a row's are those bearing one of two marks (`_parting`: a value it gives, or
    the empty side of the one it leaves empty), so how many rows they are, how many undated and
    which comes first are sums kept per mark, less the identities bearing both; the rows of other
    buyers are the rest, the first few found by counting past those marks' places (`_InOrder`),
    and whether they are several buyers is told from counts of identities too (`_several`). Each
    row costs about the same whatever rows came before: comparing identities, 1,000 rows giving
    a partita IVA alone beside 1,000 giving a codice fiscale alone took 1.6 s of CPU.

    >>> from types import SimpleNamespace as Row
    >>> rows = SharingRows()
    >>> for code, vat in (("C1", "07643520567"), ("C2", "07643520567"), ("C3", "09887760560")):
    ...     rows.add(Row(code=code, vat_number=vat, tax_code=None, intent_date=None))
    >>> found = rows.of_other_buyers(("07643520567", ""), 1)
    >>> [c.code for c in found.first], found.count, found.undated
    (['C3'], 1, 0)
    >>> found = rows.of_other_buyers(("09887760560", ""), 1)
    >>> [c.code for c in found.first], found.count, found.undated
    (['C1'], 2, 1)
    """

    __slots__ = ("_alone", "_both", "_both_bearing", "_by_marks", "_first", "_identities", "_in_order", "_rows",
                 "_undated", "count", "undated")

    def __init__(self) -> None:
        self._identities: dict[tuple[str, str], _Identity] = {}
        self._in_order, self._both = _InOrder(), _InOrder()
        """Every identity, and those giving both a partita IVA and a codice fiscale."""
        self._by_marks: dict[frozenset[str], list[tuple[str, str]]] = {}
        self._rows: dict[str, int] = {}
        self._undated: dict[str, int] = {}
        self._first: dict[str, tuple[int, Customer]] = {}
        """Per mark, the rows bearing it, how many undated, the first of them (its place, its row)."""
        self._both_bearing: dict[str, int] = {}
        """Per value, the identities giving both sides that bear it."""
        self._alone: dict[str, list[str]] = {_NO_CODE: [], _NO_VAT: []}
        """The values of the identities giving one side alone, by the mark of the side they leave empty."""
        self.count = self.undated = 0

    def add(self, c: Customer, named: int = 3) -> None:
        ids = buyer_ids(c)
        marks = _marks(ids)
        rows = self._identities.get(ids)
        if rows is None:
            rows = self._identities[ids] = _Identity()
            self._in_order.append(ids, marks)
            self._by_marks.setdefault(marks, []).append(ids)
            if all(ids):
                self._both.append(ids, marks)
                for mark in marks:
                    self._both_bearing[mark] = self._both_bearing.get(mark, 0) + 1
            elif any(ids):
                self._alone[_NO_CODE if ids[0] else _NO_VAT].append(ids[0] or ids[1])
        if len(rows.first) < named:
            rows.first.append((self.count, c))
        rows.count += 1
        rows.undated += c.intent_date is None
        for mark in marks:
            self._rows[mark] = self._rows.get(mark, 0) + 1
            self._undated[mark] = self._undated.get(mark, 0) + (c.intent_date is None)
            self._first.setdefault(mark, (self.count, c))
        self.count += 1
        self.undated += c.intent_date is None

    def first_same(self, ids: tuple[str, str]) -> Customer | None:
        """The first row, in sheet order, of the identities not parted from `ids` (`two_buyers`)."""
        if not any(ids):
            return min(self._first.values(), key=lambda x: x[0], default=(0, None))[1]
        parting, neither = _parting(ids)
        firsts = [self._first[mark] for mark in parting if mark in self._first]
        if neither and ("", "") in self._identities:
            firsts.append(self._identities["", ""].first[0])
        return min(firsts, key=lambda x: x[0], default=(0, None))[1]

    def of_other_buyers(self, ids: tuple[str, str], named: int = 3) -> OtherRows | None:
        """The earlier rows of other buyers than `ids`, the first `named` of them in sheet order, and
        whether they are several buyers (`_several`); None when none."""
        if not any(ids):
            return None
        parting, neither = _parting(ids)
        count, undated = self._same(parting, neither)
        count, undated = self.count - count, self.undated - undated
        if not count:
            return None
        head = self._in_order.first(parting, ("", "") if neither else None, named)
        first = tuple(c for _, c in islice(merge(*(self._identities[x].first for x in head)), named))
        return OtherRows(first, count, undated - sum(c.intent_date is None for c in first), self._several(parting))

    def _same(self, parting: frozenset[str], neither: bool) -> tuple[int, int]:
        """How many rows bear a mark of `parting` (the identity giving neither besides, if
        `neither`), and how many of them are undated: each mark's, less the identities bearing both."""
        twice = [self._identities[x] for x in self._by_marks.get(parting, ())] if len(parting) > 1 else []
        also = [self._identities["", ""]] if neither and ("", "") in self._identities else []
        count = sum(self._rows.get(mark, 0) for mark in parting) - sum(x.count for x in twice)
        undated = sum(self._undated.get(mark, 0) for mark in parting) - sum(x.undated for x in twice)
        return count + sum(x.count for x in also), undated + sum(x.undated for x in also)

    def _several(self, parting: frozenset[str]) -> bool:
        """Whether the identities bearing no mark of `parting` (the rows of other buyers) are
        surely two buyers (`two_buyers`), told from counts: they are one buyer when at most one of
        them gives a partita IVA alone and one a codice fiscale alone, those giving both share a
        value pairwise (all one value, or the sides of one triangle), and every value given alone
        is in each of those giving both. The identity giving neither is no one's other buyer."""
        alone = [self._left(side, parting) for side in (_NO_CODE, _NO_VAT)]
        if any(len(values) > 1 for values in alone):
            return True
        twice = self._by_marks.get(parting, ()) if len(parting) > 1 else ()
        size = len(self._both) - sum(self._both_bearing.get(mark, 0) for mark in parting) + sum(map(all, twice))
        if not size:
            return False
        given = [value for values in alone for value in values]
        if given:
            return any(self._both_left(value, parting) != size for value in given)
        first = self._both.first(parting, None, 1)[0]
        if any(self._both_left(value, parting) == size for value in set(first)):
            return False
        if size > _TRIANGLE:
            return True
        return any(two_buyers(a, b) for a, b in combinations(self._both.first(parting, None, size), 2))

    def _left(self, side: str, parting: frozenset[str]) -> list[str]:
        """The first two values given alone with `side` left empty by identities bearing no mark of `parting`."""
        if side in parting:
            return []
        return list(islice((value for value in self._alone[side] if value not in parting), 2))

    def _both_left(self, value: str, parting: frozenset[str]) -> int:
        """How many identities giving both a partita IVA and a codice fiscale bear `value` (not a
        mark of `parting`) and no mark of `parting`."""
        return self._both_bearing.get(value, 0) - sum(
            all(x) for mark in parting for x in self._by_marks.get(frozenset((value, mark)), ()))


_TRIANGLE = 6
"""The most identities giving both sides that share a value pairwise with no value common to all:
the three sides of a triangle of values, each in two orders (a partita IVA's digits as another's
codice fiscale)."""


def buyer_ids(c: Customer) -> tuple[str, str]:
    """Who the customer is to the tax office: its partita IVA (the digits of an Italian one) and
    its codice fiscale, each "" when the row gives none."""
    vat = (vat_ids.italian_digits(c.vat_number) or c.vat_number.strip().upper()) if c.vat_number else ""
    return vat, c.tax_code.strip().upper() if c.tax_code else ""


def two_buyers(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two identities (`buyer_ids`) are surely two buyers: both give a partita IVA, or
    both a codice fiscale, that differ, and neither names the other's (a company's codice fiscale
    is often its partita IVA's digits). Rows of one buyer (a head office and its warehouse, each
    its own code) may share its letter; a sole trader's codice fiscale is no match for his
    partita IVA, so a row giving one and a row the other may be one buyer, and are not told."""
    (vat_a, code_a), (vat_b, code_b) = a, b
    if ({vat_a, code_a} & {vat_b, code_b}) - {""}:
        return False
    return bool(vat_a and vat_b) or bool(code_a and code_b)


def paid_first_refused(master: MasterData, found: Sequence[Uncited],
                       orders: Iterable[tuple[str, str, DocumentType]]) -> list[Problem]:
    """An error for each customer of `found` with orders (number, customer, type of each order
    whose invoice at the order was refused) that ship only once paid (prepay, after-receipt
    terms: `core.shipping.pays_first`): each waits for the payment of an invoice no run will
    issue, since month end invoices what shipped, so the message gives the way out, the order
    voided and made again."""
    out, rows = {x.customer: x for x in found}, {c.code: c for c in master.customers}
    stuck: dict[str, list[str]] = {}
    for number, customer, kind in orders:
        if customer in out and pays_first(kind, rows[customer]):
            stuck.setdefault(customer, []).append(number)
    return [PREPAID_NOT_INVOICED(out[code].location, customer=code, first=min(numbers),
                                 count=Counted(len(numbers), ("ordine", "ordini"), ("order", "orders")),
                                 orders=first_numbers(sorted(numbers)))
            for code, numbers in sorted(stuck.items())]


def uncited_sentence(problems: Iterable[Problem], lang: str) -> str:
    """The customers left out for their letter, as a run, a shipment or an order creation ends
    by naming them: empty when there are none.

    >>> uncited_sentence([Uncited("C002", None, ("intent_date",), ("OC-1",), 1).problem], "en")[-40:]
    'ir invoices without VAT must cite: C002.'
    """
    codes = dict.fromkeys(str(dict(p.params)["customer"]) for p in problems if p.code == LETTER_NOT_CITED.code)
    if not codes:
        return ""
    if lang == "en":
        return (" Not invoiced, as the Clienti sheet lacks the protocol or date of the letter of intent their "
                f"invoices without VAT must cite: {', '.join(codes)}.")
    return (" Non fatturati, perché nel foglio Clienti manca il protocollo o la data della dichiarazione d'intento "
            f"che le loro fatture senza IVA devono citare: {', '.join(codes)}.")


@dataclass(frozen=True, slots=True)
class WriteFirst:
    """What comes before the run is made again: the letter written on *Clienti*, when its row
    lacks it; nothing once written."""

    missing: bool

    def shown(self, lang: str) -> str:
        if not self.missing:
            return ""
        if lang == "en":
            return ("Write the letter's protocol and date, from the Agenzia's receipt, in the Clienti sheet's columns "
                    "“Protocollo dichiarazione d'intento” and “Data dichiarazione d'intento” (add them if missing). ")
        return ("Scrivi protocollo e data della dichiarazione, dalla ricevuta dell'Agenzia, nelle colonne «Protocollo "
                "dichiarazione d'intento» e «Data dichiarazione d'intento» del foglio Clienti (aggiungile se "
                "mancano). ")


def drafts_uncited(master: MasterData | None, run_id: str,
                   drafts: Sequence[tuple[str, str, str, Parties | None, str, str]], at_letter: Collection[str],
                   workbook: str, *, undoable: bool = True) -> list[Problem]:
    """An error per customer whose drafts of a run sell N3.5 (`at_letter`: their numbers) and bear
    no letter, stored before invoicing refused them (`uncited`): made final, they would go to SDI
    citing nothing. A draft kept without its parties (a ledger before schema 26) prints with the
    row of the day, and is refused only while the row lacks the letter. The error is at the
    row's empty cell, or its protocol once filled (the run is made again), none when the
    customer left *Clienti*.

    A run that cannot be undone (`undoable` False: final documents or payments follow it, which
    no undo takes away) is made final all the same, each customer's drafts named in a warning
    with the correction, a credit note and a new invoice, as for invoices issued so: refused, it
    stayed a draft for good, neither final nor undone."""
    rows = {c.code: c for c in master.customers} if master is not None else {}
    found: dict[str, list[str]] = {}
    for number, customer, _, kept, _, _ in drafts:
        buyer = kept.buyer if kept is not None else None
        row = rows.get(customer)
        cited = (bool(buyer.intent_protocol and buyer.intent_date) if buyer is not None
                 else row is not None and not missing(row))
        if number in at_letter and not cited:
            found.setdefault(customer, []).append(number)
    problems = []
    for customer, numbers in sorted(found.items()):
        row = rows.get(customer)
        where = None if row is None or master is None else (
            empty_cell(master, row) if missing(row) else master.locate(row.source, "intent_protocol"))
        n = len(numbers)
        said = dict(customer=customer, run_id=run_id, numbers=first_numbers(numbers),
                    drafts=Agreed(n, ("La bozza", "Le bozze"), ("The draft", "The drafts")),
                    sell=Agreed(n, ("vende", "vendono"), ("sells", "sell")),
                    cite=Agreed(n, ("cita", "citano"), ("cites", "cite")),
                    were=Agreed(n, ("è stata", "sono state"), ("it was", "they were")))
        problems.append(DRAFT_NOT_CITED(where, **said, write=WriteFirst(row is not None and bool(missing(row))),
                                        workbook=workbook) if undoable else DRAFT_FINAL_UNCITED(where, **said))
    return problems
