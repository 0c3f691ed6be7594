"""The ceiling (*plafond*) of a letter of intent: sales without VAT up to the amount it declares.

An habitual exporter's letter of intent (*dichiarazione d'intento*, art. 1 c. 1 lett. c DL
746/83) declares how much it means to buy without VAT from this supplier; the supplier who
invoices without VAT beyond that amount owes the VAT with the buyer and a fine (art. 7 c. 4-bis
D.Lgs. 471/97). So a customer whose *Clienti* row gives the letter's amount
(*Importo dichiarazione d'intento*) has its N3.5 lines invoiced without VAT while they fit in
what the ledger's documents citing the letter left of it (`toolkit.ledger.letters`), in the
order they were delivered (whatever made a line N3.5: the customer's nature, or, for a customer
of none, its item's, as the line cites the row's letter either way); from the first line that
does not fit on, its lines are invoiced with VAT at the item's own rate, and a warning asks the
desk for a new letter.

A letter covers the sales of one solar year (the DI model names it): the year of the first
invoice citing it, or of its first line invoiced. A line delivered in a later year is beyond it
whatever is left: January's sales under December's letter, its protocol left on *Clienti*,
are not without VAT, and the warning asks for the new year's letter.

The line that crosses the ceiling is split (`split_at`): as many units as fit in what is left
(whole pieces, cartons, packs, bottles; an item sold by weight or measure in the delivered
quantity's own decimals, `splitting_step`) are invoiced without VAT (N3.5), the rest of the
line on a second invoice line with the item's VAT, the two adding up to the DDT line; an
habitual exporter expects its letter used to the cent it can be, and what it bought beyond to
carry VAT. The ledger keeps the two as parts of one DDT line (`invoice_lines.part`, schema 42),
still invoiced once. When not even one unit fits the whole line carries VAT, as charging VAT is
lawful (only the sale without VAT beyond the amount is not). Lines after the one that crossed
stay with VAT too, even when smaller: the letter is used up in delivery order, as its buyer
reads it, and a later letter covers them. A return of goods sold on both sides of the ceiling
is credited on two lines of one note, each side at its invoice's rate
(`toolkit.core.credit_notes.sides`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Protocol, TypeVar

from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, ProblemType, define
from toolkit.basics.wording import Agreed
from toolkit.core.delivery_rate import off_key, rates_on
from toolkit.core.lines import DocumentLine, line_amount, priced_from
from toolkit.core.units import counted_whole
from toolkit.core.vat import RateKey, item_vat
from toolkit.model.memo import per_master
from toolkit.model.records import Customer, Item, MasterData

ZERO = Decimal(0)
CENT = Decimal("0.01")
LETTER_OF_INTENT = "N3.5"
"""The nature of a sale on a letter of intent (`core.einvoice.codes`'s: that package imports the invoicing)."""
ORDINARY_RATE = Decimal(22)
"""The ordinary VAT rate (art. 16 DPR 633/72), named when a debit note's goods give no rate."""

LETTER_EXCEEDED = define(
    "letter-of-intent-exceeded", "warning",
    title=("Superato l'importo della dichiarazione d'intento", "Letter of intent amount exceeded"),
    it="Il cliente {customer} ha raggiunto l'importo della dichiarazione d'intento {protocol} ({amount} €): "
       "le fatture la avevano già usata per {used} €, questa emissione fattura ancora {within} € senza IVA "
       "(N3.5) e {beyond} € con l'IVA dell'articolo, dall'ordine {order} in poi (restano {left} €, meno del "
       "prezzo di un'unità della riga che la supera: di quella riga le unità che ci stavano vanno senza IVA, "
       "le altre con l'IVA), perché oltre l'importo dichiarato non si può fatturare "
       "senza IVA (art. 7 c. 4-bis D.Lgs. 471/97). Chiedi al cliente una nuova dichiarazione d'intento e "
       "scrivine protocollo, data e importo nel foglio Clienti.",
    en="Customer {customer} has reached the amount of its letter of intent {protocol} ({amount} €): invoices "
       "had used {used} € of it, this run invoices {within} € more without VAT (N3.5) and {beyond} € with the "
       "item's VAT, from order {order} on ({left} € are left, less than a unit's price of the line that "
       "crosses it: of that line the units that fitted go without VAT, the others with VAT), since nothing may "
       "be invoiced without VAT beyond the declared amount (art. 7 c. 4-bis "
       "D.Lgs. 471/97). Ask the customer for a new letter of intent and write its protocol, date and amount "
       "in the Clienti sheet.")


def letter_key(protocol: str) -> str:
    """The letter a protocol names, whichever separator its progressive was typed with: the
    Agenzia's instructions for RiferimentoTesto allow a dash or a slash, so `…901/000001` retyped
    `…901-000001` on *Clienti* (or on a second row of the buyer) is the same letter, its ceiling
    and its year those its invoices used, not a new letter starting from nothing. Its documents
    still cite it as written.

    >>> letter_key("26011512345678901/000001") == letter_key("26011512345678901-000001")
    True
    """
    return protocol.replace("/", "-")


@dataclass(frozen=True, slots=True)
class Ceiling:
    """A customer's letter of intent with its amount, and what the ledger's documents citing it
    used of it (invoices less credit notes)."""

    customer: str
    protocol: str
    amount: Decimal
    used: Decimal = ZERO
    year: int | None = None
    """The solar year the letter covers, that of its first sale invoiced; None before it has one."""
    known_rates: Mapping[tuple[str, date], Decimal] = field(default_factory=dict)
    """(item, day) → the rate the ledger's DDTs carried for an item of the lines to invoice that
    *Articoli* no longer lists (`toolkit.ledger.item_rates`): the rate a line beyond takes."""

    @property
    def left(self) -> Decimal:
        return self.amount - self.used

    @property
    def letter(self) -> str:
        """The letter it is of (`letter_key`), which rows typing its protocol otherwise share."""
        return letter_key(self.protocol)


@per_master
def letters_with_amount(master: MasterData) -> dict[str, str]:
    """Customer → the protocol of its letter, for the customers whose letter gives its amount:
    the only ones with a ceiling, whose use the ledger is asked for. Whatever gave a line N3.5,
    invoicing cites the row's letter on it (`core.letter_cited`), so the ceiling holds every
    N3.5 line of the row: the customer's *Natura IVA*, or the item's *Natura* when the customer
    has none (`core.vat.line_vat`), or a DDT of when the row said N3.5. Made once per master:
    order creation and shipping ask each day."""
    return {c.code: c.intent_protocol for c in master.customers if c.intent_protocol and c.intent_amount is not None}


def ceilings(master: MasterData, used: Mapping[str, Decimal], years: Mapping[str, int] | None = None,
             known_rates: Mapping[tuple[str, date], Decimal] | None = None) -> dict[str, Ceiling]:
    """Each customer's `Ceiling`, `used` being what each protocol used, `years` the year of its
    first sale invoiced (`ledger.letters`) and `known_rates` the rates of items gone from *Articoli*.
    A letter covers no year before its date's (*Data dichiarazione d'intento*): a sale before it
    invoiced N3.5 (a date corrected since, or an invoice of before `core.letter_dates`) does not
    move the letter's year back, making its own sales past it."""
    row = {c.code: c for c in master.customers}
    known = known_rates or {}
    return {code: Ceiling(code, protocol, row[code].intent_amount or ZERO, used.get(letter_key(protocol), ZERO),
                          _year(years or {}, letter_key(protocol), row[code].intent_date), known)
            for code, protocol in letters_with_amount(master).items()}


def _year(years: Mapping[str, int], protocol: str, letter: date | None) -> int | None:
    """The year letter `protocol` covers: that of its first sale invoiced, not before its date's."""
    first = years.get(protocol)
    return max(first, letter.year) if first is not None and letter is not None else first


def unlisted_items(master: MasterData, sold: Iterable[tuple[str, date]]) -> set[tuple[str, date]]:
    """The (item, day) of N3.5 lines `sold` whose item *Articoli* gives no rate for that day: no
    longer listed, or listed at N3.5 itself (`own_rate`): those whose rate, should they pass the
    ceiling, the ledger is asked for."""
    wanted = set(sold)
    if not wanted:
        return set()
    items = {i.code: i for i in master.items}
    return {(item, day) for item, day in wanted if own_rate(items.get(item), day) is None}


def own_rate(item: Item | None, day: date) -> RateKey | None:
    """The rate and nature *Articoli* gives a line of `item` sold on `day` beyond a letter of
    intent: its own (`item_vat`), or None for an item gone from the sheet, or one whose own
    nature is the letter's, N3.5, which names no rate: its line would stay without VAT beyond
    the declared amount, the breach the ceiling is there to prevent."""
    key = item_vat(item, day) if item is not None else None
    return None if key is None or key[1] == LETTER_OF_INTENT else key


@dataclass(frozen=True, slots=True)
class Carried:
    """A rate an item's DDT lines to customers paying VAT carried on a day (`toolkit.ledger.item_rates`)."""

    item: str
    day: date
    rate: Decimal
    sold: bool
    """Goods that left; not a return, which carries the rate of the invoice that sold them."""
    at_order: bool
    """Its order line was invoiced at the order, whose day's rate it keeps (`core.delivery_rate`)."""


def rates_carried(carried: Iterable[Carried], wanted: Iterable[tuple[str, date]]) -> dict[tuple[str, date], Decimal]:
    """(item, day) → the rate of the item's latest sale shipped by that day: the rate of its DDT's
    date (`core.delivery_rate`), where a return's is that of the invoice it gives goods back to
    and a line invoiced at the order keeps that order's. Missing when there is none, or when
    that day's sales carried two rates, as the ledger cannot tell which was the day's.

    >>> from datetime import date as d
    >>> rows = [Carried("A", d(2026, 4, 10), Decimal(22), True, False),
    ...         Carried("A", d(2026, 4, 15), Decimal(10), True, False),
    ...         Carried("A", d(2026, 4, 18), Decimal(22), False, False),
    ...         Carried("A", d(2026, 4, 19), Decimal(22), True, True)]
    >>> rates_carried(rows, [("A", d(2026, 4, 20)), ("A", d(2026, 4, 12)), ("A", d(2026, 4, 1))])
    {('A', datetime.date(2026, 4, 20)): Decimal('10'), ('A', datetime.date(2026, 4, 12)): Decimal('22')}
    """
    days: dict[str, dict[date, set[Decimal]]] = {}
    for x in carried:
        if x.sold and not x.at_order:
            days.setdefault(x.item, {}).setdefault(x.day, set()).add(x.rate)
    found = {}
    for item, day in wanted:
        before = [shipped for shipped in days.get(item, {}) if shipped <= day]
        rates = days[item][max(before)] if before else set()
        if len(rates) == 1:
            [found[(item, day)]] = rates
    return found


LETTER_PAST_YEAR = define(
    "letter-of-intent-past-year", "warning",
    title=("Dichiarazione d'intento di un anno passato", "Letter of intent of a past year"),
    it="La dichiarazione d'intento {protocol} del cliente {customer} copre le vendite del {year}, l'anno della sua "
       "prima vendita fatturata: questa emissione fattura ancora {within} € senza IVA (N3.5) e {beyond} € con "
       "l'IVA dell'articolo, dall'ordine {order} in poi, {sold} dal {next}, perché una dichiarazione vale per "
       "un solo anno. Chiedi al cliente la dichiarazione d'intento per il {next} e scrivine protocollo, data e "
       "importo nel foglio Clienti.",
    en="Customer {customer}'s letter of intent {protocol} covers the sales of {year}, the year of its first sale "
       "invoiced: this run invoices {within} € more without VAT (N3.5) and {beyond} € with the item's VAT, from "
       "order {order} on, {sold} from {next} on, since a letter covers one year only. Ask the customer for its "
       "letter of intent for {next} and write its protocol, date and amount in the Clienti sheet.")


ORDERS_BEYOND = define(
    "letter-of-intent-orders-beyond", "warning",
    title=("Ordini oltre l'importo della dichiarazione d'intento", "Orders beyond the letter of intent's amount"),
    it="Il cliente {customer}{shared} ha ordini aperti (da spedire o da fatturare) per {open} € senza IVA, e le "
       "fatture hanno già usato {used} € della sua dichiarazione d'intento {protocol}, di {amount} €: {beyond} € di "
       "quegli ordini non ci stanno, e alla fatturazione andranno con l'IVA dell'articolo: la riga che supera "
       "l'importo si divide, le sue unità che ci stanno senza IVA e le altre con l'IVA (art. 7 c. 4-bis D.Lgs. "
       "471/97). Chiedi al cliente una nuova dichiarazione d'intento e scrivine protocollo, data e importo nel "
       "foglio Clienti.",
    en="Customer {customer}{shared} has open orders (to ship or to invoice) for {open} € without VAT, and invoices "
       "have used {used} € of its letter of intent {protocol}, of {amount} €: {beyond} € of those orders do not "
       "fit in it, and invoicing will charge them the item's VAT: the line crossing the amount is split, its units "
       "that fit without VAT and the others with VAT (art. 7 c. 4-bis D.Lgs. 471/97). Ask the customer for a new "
       "letter of intent and write its protocol, date and amount in the Clienti sheet.")


ORDERS_PAST_YEAR = define(
    "letter-of-intent-orders-past-year", "warning",
    title=("Ordini oltre l'anno della dichiarazione d'intento", "Orders past the letter of intent's year"),
    it="Il cliente {customer}{shared} ha ordini aperti (da spedire o da fatturare) per {open} € senza IVA, ma la "
       "sua dichiarazione d'intento {protocol} copre le vendite del {year}, l'anno della sua prima vendita "
       "fatturata: consegnati dal {next}, alla fatturazione andranno con l'IVA dell'articolo, perché una "
       "dichiarazione vale per un solo anno. Chiedi al cliente la dichiarazione d'intento per il {next} e scrivine "
       "protocollo, data e importo nel foglio Clienti.",
    en="Customer {customer}{shared} has open orders (to ship or to invoice) for {open} € without VAT, but its "
       "letter of intent {protocol} covers the sales of {year}, the year of its first sale invoiced: delivered "
       "from {next} on, invoicing will charge them the item's VAT, since a letter covers one year only. Ask the "
       "customer for its letter of intent for {next} and write its protocol, date and amount in the Clienti sheet.")


@dataclass(frozen=True, slots=True)
class SharedWith:
    """The other *Clienti* rows citing a customer's letter, whose orders and invoices its
    warning ahead counts with the customer's: said, so the desk does not look for them among
    the customer's own.

    >>> SharedWith(("C001",)).shown("it"), SharedWith(("C001", "C003")).shown("en"), SharedWith(()).shown("it")
    (', con C001 che cita la stessa dichiarazione,', ', with C001 and C003 citing the same letter,', '')
    """

    codes: tuple[str, ...]

    def shown(self, lang: str) -> str:
        if not self.codes:
            return ""
        if lang == "en":
            return f", with {' and '.join(self.codes)} citing the same letter,"
        cite = "cita" if len(self.codes) == 1 else "citano"
        return f", con {' e '.join(self.codes)} che {cite} la stessa dichiarazione,"


@dataclass(frozen=True, slots=True)
class OpenGoods:
    """Goods of a customer on no invoice yet, net (`toolkit.ledger.letters.letters_open`): an
    open order's line still to ship, or a DDT's line to invoice (`shipped`)."""

    customer: str
    item: str
    amount: Decimal
    rate: Decimal
    nature: str | None
    shipped: bool
    day: date | None = None
    """The DDT's date of goods `shipped`: those of a year the letter covers stay under it; the
    order's date of goods still to ship, which cannot leave before it."""


def open_under_letters(master: MasterData, goods: Iterable[OpenGoods], day: date | None) -> dict[str, Decimal]:
    """Customer → what of its open goods (those of customers with a letter's ceiling) will be
    invoiced under its letter: its N3.5 goods, and goods still to ship of a line made with VAT
    that a rate change in force on `day` rates again when it ships (`core.delivery_rate`) at
    N3.5: the customer's nature then (ordered before it bought on N3.5), or, for a customer of
    no nature, its item's. A line made with VAT and shipped at its rate keeps it."""
    in_force = rates_on(master, day) if day is not None else {}
    natures = {c.code: (c.vat_nature or "").strip().upper() for c in master.customers} if in_force else {}
    found: dict[str, Decimal] = {}
    for x in goods:
        if x.nature == LETTER_OF_INTENT or (not x.shipped and x.nature is None and in_force
                                            and off_key(in_force, x.item, x.rate, x.nature)
                                            and (natures.get(x.customer) or in_force[x.item][1]) == LETTER_OF_INTENT):
            found[x.customer] = found.get(x.customer, ZERO) + x.amount
    return found


def letter_amount(lines: Iterable[DocumentLine]) -> Decimal:
    """What of these lines an order will invoice under a letter of intent: its N3.5 lines sold
    (not returned). An order made before its customer bought on N3.5 keeps its own nature."""
    return sum((x.amount for x in lines if x.vat_nature == LETTER_OF_INTENT and x.quantity > 0), ZERO)


def orders_beyond(master: MasterData, ceilings: Mapping[str, Ceiling], open_amounts: Mapping[str, Decimal],
                  day: date | None = None, shared: Mapping[str, tuple[str, ...]] | None = None,
                  late: Mapping[str, Decimal] | None = None) -> list[Problem]:
    """A warning, at the letter's amount, for each customer whose open orders under its letter
    (`open_amounts`, net, those of the other rows citing it, `shared`, with them) with what its
    letter's invoices used pass the letter's amount, ahead of the invoice: by what they will
    invoice with VAT (an excess the invoices made already is not told again); at its protocol,
    on a `day` past the year the letter covers, for the open orders that will leave in a later
    year (`late`: goods still to ship, DDTs of a later year), while its DDTs of the letter's
    year still to invoice stay under it and are measured against what it left."""
    by_code = {c.code: c for c in master.customers}
    found = []
    for code, ceiling in sorted(ceilings.items()):
        ordered = open_amounts.get(code, ZERO)
        others = SharedWith((shared or {}).get(code, ()))
        if ordered <= 0:
            continue
        if day is not None and ceiling.year is not None and day.year > ceiling.year:
            after = (late or {}).get(code, ordered)
            ordered -= after
            if after > 0:
                found.append(ORDERS_PAST_YEAR(master.locate(by_code[code].source, "intent_protocol"), customer=code,
                                              shared=others, protocol=ceiling.protocol, year=str(ceiling.year),
                                              next=str(ceiling.year + 1), **_euros(open=after)))
        if ordered > ceiling.left:
            found.append(ORDERS_BEYOND(master.locate(by_code[code].source, "intent_amount"), customer=code,
                                       shared=others, protocol=ceiling.protocol,
                                       **_euros(open=ordered, used=ceiling.used, amount=ceiling.amount,
                                                beyond=ordered - max(ceiling.left, ZERO))))
    return found


def _euros(**amounts: Decimal) -> dict[str, Decimal]:
    """Amounts as a message shows euros: to the cent, `90,00`, never `90`."""
    return {name: value.quantize(CENT) for name, value in amounts.items()}


@dataclass(frozen=True, slots=True)
class Crossed:
    """A ceiling a run reaches: what it still invoiced without VAT, and what with VAT."""

    ceiling: Ceiling
    within: Decimal
    beyond: Decimal
    order: str
    """The order of the first line beyond the ceiling: the warning goes on its form when the order
    came from one (`toolkit.services.convert`)."""
    year: int | None = None
    """The year the letter covers, when that line was beyond it for its delivery's year."""
    unrated: tuple[tuple[str, date, str], ...] = ()
    """(item, day, order) of the lines beyond whose item neither *Articoli* nor the ledger gives
    a rate for that day: refused, as 22 % could be the wrong VAT."""
    ordered: tuple[bool, ...] = ()
    """For each line beyond, whether it is invoiced at the order (*Immediato*): goods not
    delivered yet, sold on their order's day."""
    split: int | None = None
    """The place, among the lines given, of the one split across the ceiling (`split_at`): it
    became two lines, its part within and the rest beyond."""

    def problems(self, master: MasterData) -> list[Problem]:
        """The warning, and an error for each line beyond without a rate: at the letter's amount
        for an item gone from *Articoli*, at its *Natura* for one there at N3.5 (`own_rate`)."""
        customer = next(c for c in master.customers if c.code == self.ceiling.customer)
        where = master.locate(customer.source, "intent_amount")
        listed = items_at_letter(master, (item for item, _, _ in self.unrated))
        return [self.problem(master), *(
            (ITEM_AT_LETTER(listed[item], **told) if item in listed else RATE_UNKNOWN(where, **told))
            for item, day, order in self.unrated
            for told in [dict(customer=customer.code, protocol=self.ceiling.protocol, item=item,
                              day=f"{day:%d/%m/%Y}", order=order)])]

    def problem(self, master: MasterData) -> Problem:
        customer = next(c for c in master.customers if c.code == self.ceiling.customer)
        if self.year is not None:
            return LETTER_PAST_YEAR(master.locate(customer.source, "intent_protocol"), customer=customer.code,
                                    protocol=self.ceiling.protocol, year=str(self.year),
                                    next=str(self.year + 1), order=self.order, sold=_sold_from(self.ordered),
                                    **_euros(within=self.within, beyond=self.beyond))
        return LETTER_EXCEEDED(master.locate(customer.source, "intent_amount"), customer=customer.code,
                               protocol=self.ceiling.protocol, order=self.order, **_euros(
                                   amount=self.ceiling.amount, used=self.ceiling.used, within=self.within,
                                   beyond=self.beyond, left=max(self.ceiling.left - self.within, ZERO)))


def _sold_from(ordered: Sequence[bool]) -> Agreed:
    """How the goods beyond a letter's year left, said of the euros («{beyond} € … consegnati»):
    ordered when all are invoiced at the order (not delivered yet, their day the order's),
    delivered when none is, sold when the run has both.

    >>> [_sold_from(x).shown("it") for x in ((True,), (False, False), (True, False))], _sold_from(()).shown("en")
    (['ordinati', 'consegnati', 'venduti'], 'delivered')
    """
    if any(ordered) and not all(ordered):
        return Agreed(2, ("venduto", "venduti"), ("sold", "sold"))
    if any(ordered):
        return Agreed(2, ("ordinato", "ordinati"), ("ordered", "ordered"))
    return Agreed(2, ("consegnato", "consegnati"), ("delivered", "delivered"))


class _Dated(Protocol):
    @property
    def day(self) -> date: ...

    @property
    def order_number(self) -> str: ...


S = TypeVar("S", bound=_Dated)
Goods = tuple[Any, ...]
"""A billable line as `toolkit.core.invoicing.BillableGoods`: item (0), amount (5), rate (6), nature (7),
DDT line (9, None when invoiced at the order)."""


RATE_UNKNOWN = define(
    "letter-of-intent-rate-unknown", "error",
    title=("Aliquota IVA sconosciuta oltre la dichiarazione d'intento", "VAT rate unknown beyond the letter of intent"),
    it="La riga di {item} dell'ordine {order} del cliente {customer}, del {day}, va fatturata con l'IVA dell'articolo "
       "perché è oltre la dichiarazione d'intento {protocol}, ma {item} non è più nel foglio Articoli e il registro "
       "non ha DDT con IVA che ne dicano l'aliquota a quel giorno: nulla è stato registrato. Rimetti {item} nel "
       "foglio Articoli con la sua aliquota IVA (o, se il cliente ti aveva già inviato una nuova dichiarazione prima "
       "del {day}, scrivine protocollo, data e importo nel foglio Clienti: una dichiarazione copre solo le consegne "
       "che la seguono), poi ripeti l'operazione.",
    en="The line of {item} of customer {customer}'s order {order}, of {day}, must be invoiced with the item's VAT as "
       "it is beyond the letter of intent {protocol}, but {item} is no longer on the Articoli sheet and the ledger "
       "has no DDT with VAT telling its rate on that day: nothing was stored. Put {item} back on the Articoli sheet "
       "with its VAT rate (or, if the customer had sent you a new letter before {day}, write its protocol, date and "
       "amount in the Clienti sheet: a letter covers only the deliveries after it), then do it again.")


ITEM_AT_LETTER = define(
    "letter-of-intent-item-rate-unknown", "error",
    title=("Articolo in N3.5 fuori dalla dichiarazione d'intento", "Item at N3.5 outside the letter of intent"),
    it="La riga di {item} dell'ordine {order} del cliente {customer}, del {day}, va fatturata con l'IVA dell'articolo, "
       "fuori dalla dichiarazione d'intento {protocol}, ma nel foglio Articoli {item} ha «Natura» N3.5 e nessuna "
       "aliquota, e il registro non ha DDT con IVA che ne dicano l'aliquota a quel giorno: nulla è stato registrato. "
       "La dichiarazione d'intento è del cliente, non dell'articolo: scrivi l'aliquota IVA di {item} nella sua "
       "«Aliquota IVA» e cancellane la «Natura», scrivi N3.5 nella «Natura IVA» del cliente {customer}, poi ripeti "
       "l'operazione.",
    en="The line of {item} of customer {customer}'s order {order}, of {day}, must be invoiced with the item's VAT, "
       "outside the letter of intent {protocol}, but on the Articoli sheet {item} has “Natura” N3.5 and no rate, "
       "and the ledger has no DDT with VAT telling its rate on that day: nothing was stored. A letter of intent is "
       "the customer's, not the item's: write {item}'s VAT rate in its “Aliquota IVA” and clear its “Natura”, write "
       "N3.5 in customer {customer}'s “Natura IVA”, then do it again.")


def item_rates(master: MasterData, known: Mapping[tuple[str, date], Decimal] | None = None
               ) -> Callable[[str, date], RateKey | None]:
    """The rate and nature of an item's line delivered on a day, by its own row (`own_rate`); for
    an item no longer on *Articoli*, or on it at N3.5, the rate the ledger's DDTs with VAT
    carried then (`known`), or None."""
    items = {i.code: i for i in master.items}

    def rate(code: str, day: date) -> RateKey | None:
        key = own_rate(items.get(code), day)
        if key is not None:
            return key
        found = (known or {}).get((code, day))
        return (found, None) if found is not None else None
    return rate


def split_at(line: Goods, left: Decimal) -> tuple[Goods, Goods] | None:
    """The line crossing a ceiling with `left` still under it, as its part within (the most units
    that fit in `left`, whole or in the line's own decimals as its item is sold (`splitting_step`),
    counted on amounts in cents: the rest carries at least the line's
    amount less `left`, so its quantity × price is no less than that less half a cent) and the
    rest (the other units, at the line's unit price and of its amount, as any line). The part
    within is the line's amount less the rest's, so the two
    add up to the DDT line, each its quantity × price rounded as any line's: when a price of
    six decimals rounds the two to another cent, the part within is priced at what its amount
    makes of its units (`priced_from`). The cent goes to the part within, not the one with VAT:
    a return at the line's price takes back first what was sold at least at its price
    (`toolkit.core.credit_notes.take_back`), and it is to be the part with VAT. None when not
    even one unit fits, or the line holds no more than the units that would.

    >>> line = ("A001", "Caffè", "kg", Decimal(5), Decimal("18.50"), Decimal("92.50"), Decimal(0), "N3.5", 7, 9)
    >>> [(x[3], x[5]) for x in split_at(line, Decimal("40.00"))]
    [(Decimal('2'), Decimal('37.00')), (Decimal('3'), Decimal('55.50'))]
    >>> fine = line[:4] + (Decimal("18.501"), Decimal("92.51")) + line[6:]     # 5 × 18.501 = 92.505: 92.51
    >>> [(x[3], x[4], x[5]) for x in split_at(fine, Decimal("40.00"))]
    [(Decimal('2'), Decimal('18.505000'), Decimal('37.01')), (Decimal('3'), Decimal('18.501'), Decimal('55.50'))]
    >>> four = line[:3] + (Decimal(4), Decimal("18.501"), Decimal("74.00")) + line[6:]   # 74.004: 74.00
    >>> [(x[3], x[4], x[5]) for x in split_at(four, Decimal("37.00"))]     # 2 kg are 37.00 €, though 37 ÷ 18.501 < 2
    [(Decimal('2'), Decimal('18.501'), Decimal('37.00')), (Decimal('2'), Decimal('18.501'), Decimal('37.00'))]
    >>> weighed = line[:3] + (Decimal("2.5"), Decimal("18.50"), Decimal("46.25")) + line[6:]
    >>> [(x[3], x[5]) for x in split_at(weighed, Decimal("44.50"))]     # 2.4 kg fit, not 2 kg
    [(Decimal('2.4'), Decimal('44.40')), (Decimal('0.1'), Decimal('1.85'))]
    >>> split_at(line, Decimal("18.49")), split_at(line[:3] + (Decimal("0.8"),) + line[4:], Decimal("15"))
    (None, None)
    """
    quantity, price, amount = line[3], line[4], line[5]
    if price <= 0 or left <= 0:
        return None
    step = splitting_step(line[2], quantity)
    units = ((quantity - (amount - left - CENT / 2) / price) / step).to_integral_value(ROUND_FLOOR) * step
    while units > 0 and amount - line_amount(quantity - units, price) > left:
        units -= step
    if units <= 0 or units >= quantity:
        return None
    rest = quantity - units
    beyond = line_amount(rest, price)
    inside = amount - beyond
    return ((*line[:3], units, price if line_amount(units, price) == inside else priced_from(units, inside), inside,
             *line[6:]), (*line[:3], rest, price, beyond, *line[6:]))


def splitting_step(unit: str, quantity: Decimal) -> Decimal:
    """The smallest part of a line a split at a letter's ceiling counts in: a whole unit of an
    item counted whole (pieces, cartons, packs, bottles: `core.units.counted_whole`), whatever
    its quantity says; else the line's own precision, its quantity's decimals (three at most, as
    the ledger keeps quantities): 2.5 kg split in tenths, 2.437 kg in grams, 3 kg in whole kg.
    A split never shows a quantity more precise than the one delivered, and uses the letter to
    the last part that precision can carry.

    >>> [splitting_step(u, Decimal(q)) for u, q in (("kg", "2.5"), ("kg", "2.437"), ("kg", "3.000"), ("pz", "2.5"))]
    [Decimal('0.1'), Decimal('0.001'), Decimal('1'), Decimal('1')]
    """
    if counted_whole(unit):
        return Decimal(1)
    exponent = quantity.normalize().as_tuple().exponent
    return Decimal(1).scaleb(max(min(exponent, 0), -3)) if isinstance(exponent, int) else Decimal(1)


def kept_within(goods: Sequence[tuple[S, Goods]], ceiling: Ceiling, rate: Callable[[str, date], RateKey | None]
                ) -> tuple[list[tuple[S, Goods]], Crossed | None]:
    """A customer's lines to invoice, in delivery order, with those under its letter (N3.5)
    that pass the ceiling rated at their item's VAT (`rate`), the one crossing it split in two
    (`split_at`: its part within N3.5, the rest rated, right after it); the `Crossed` when any
    does, naming those `rate` knows no rate for (left N3.5: their run is refused)."""
    left, within, beyond, first, year, late = ceiling.left, ZERO, ZERO, None, ceiling.year, None
    out: list[tuple[S, Goods]] = []
    unrated: list[tuple[str, date, str]] = []
    ordered: list[bool] = []
    split = None
    for n, (shipment, line) in enumerate(goods):
        if line[7] == LETTER_OF_INTENT:
            amount, year = line[5], year or shipment.day.year
            if first is None and (amount > left or shipment.day.year > year):
                first, late = shipment.order_number, year if shipment.day.year > year else None
                parts = split_at(line, left) if late is None else None
                if parts is not None:
                    (inside, line), split = parts, n
                    left -= inside[5]
                    within += inside[5]
                    out.append((shipment, inside))
            if first is not None:
                beyond += line[5]
                ordered.append(line[9] is None)
                key = rate(line[0], shipment.day)
                if key is None:
                    unrated.append((line[0], shipment.day, shipment.order_number))
                else:
                    line = (*line[:6], *key, *line[8:])
            else:
                left -= amount
                within += amount
        out.append((shipment, line))
    return out, (Crossed(ceiling, within, beyond, first, late, tuple(unrated), tuple(ordered), split)
                 if first is not None else None)


DEBIT_BEYOND = define(
    "letter-of-intent-debit-beyond", "warning",
    title=("Nota di debito oltre la dichiarazione d'intento", "Debit note beyond the letter of intent"),
    it="La nota di debito di {debited} € sulla fattura {invoice} supera quanto resta ({left} €) della dichiarazione "
       "d'intento {protocol} del cliente {customer}, di {amount} €: è emessa con l'IVA della merce a cui si aggiunge "
       "({rate}), perché oltre l'importo dichiarato non si può fatturare senza IVA (art. 7 c. 4-bis D.Lgs. 471/97). "
       "Chiedi al cliente una nuova dichiarazione d'intento e scrivine protocollo, data e importo nel foglio Clienti.",
    en="The debit note of {debited} € on invoice {invoice} passes what is left ({left} €) of customer {customer}'s "
       "letter of intent {protocol}, of {amount} €: it is issued with the VAT of the goods it adds to ({rate}), "
       "since nothing may be invoiced without VAT beyond the declared amount (art. 7 c. 4-bis D.Lgs. 471/97). Ask "
       "the customer for a new letter of intent and write its protocol, date and amount in the Clienti sheet.")
DEBIT_BEYOND_RATES = define(
    "letter-of-intent-debit-rates", "error", usage=True,
    it="La nota di debito di {debited} € sulla fattura {invoice} supera quanto resta ({left} €) della dichiarazione "
       "d'intento {protocol} del cliente {customer}, di {amount} €, quindi va emessa con l'IVA della merce a cui si "
       "aggiunge, ma la merce della fattura ha più aliquote ({rates}); nulla è stato registrato. Indica con --rate "
       "quella della merce a cui la nota si aggiunge (es. --rate {first}), oppure scrivi nel foglio Clienti "
       "protocollo, data e importo della nuova dichiarazione del cliente e rifai la nota.",
    en="The debit note of {debited} € on invoice {invoice} passes what is left ({left} €) of customer {customer}'s "
       "letter of intent {protocol}, of {amount} €, so it must carry the VAT of the goods it adds to, but the "
       "invoice's goods have several rates ({rates}); nothing was stored. Give with --rate the one of the goods the "
       "note adds to (e.g. --rate {first}), or write the customer's new letter's protocol, date and amount in the "
       "Clienti sheet and issue the note again.")


def debit_within(master: MasterData, ceiling: Ceiling, amount: Decimal, goods: Sequence[RateKey], invoice: str,
                 chosen: RateKey | None = None, unrated: Sequence[str] = ()) -> tuple[RateKey | None, Problem | None]:
    """A debit note of `amount` at N3.5 under `ceiling`: (None, None) when it fits in what the
    letter left; beyond it, the rate of the goods it adds to (`goods`, the invoice's N3.5 lines
    rated at their item's VAT; `chosen`, the one of them the desk named, when they are several)
    with a warning, or the error that refuses it. A debit note is an invoice (art. 26 c. 1 DPR
    633/72): it uses the letter as one does. `unrated`: the goods' items whose rate neither
    *Articoli* nor the ledger gives, which refuse it unless the desk named the rate."""
    if amount <= ceiling.left:
        return None, None
    customer = next(c for c in master.customers if c.code == ceiling.customer)
    told = {"customer": ceiling.customer, "protocol": ceiling.protocol, "invoice": invoice,
            **_euros(debited=amount, left=max(ceiling.left, ZERO), amount=ceiling.amount)}
    return with_goods_vat(master.locate(customer.source, "intent_amount"), goods, chosen,
                           DEBIT_BEYOND, DEBIT_BEYOND_RATES, told, unrated,
                          items_at_letter(master, unrated))


DEBIT_PAST_YEAR = define(
    "letter-of-intent-debit-past-year", "warning",
    title=("Nota di debito oltre l'anno della dichiarazione d'intento", "Debit note past the letter of intent's year"),
    it="La nota di debito di {debited} € del {day} sulla fattura {invoice} del cliente {customer} è del {next}, ma la "
       "dichiarazione d'intento {protocol} che la fattura cita copre le vendite del {year}, l'anno della sua prima "
       "vendita fatturata: è emessa con l'IVA della merce a cui si aggiunge ({rate}), perché una dichiarazione "
       "vale per un solo anno e una nota di debito è una fattura (art. 26 c. 1 DPR 633/72).",
    en="The debit note of {debited} € of {day} on customer {customer}'s invoice {invoice} is of {next}, but the letter "
       "of intent {protocol} the invoice cites covers the sales of {year}, the year of its first sale invoiced: it "
       "is issued with the VAT of the goods it adds to ({rate}), since a letter covers one year only and a debit "
       "note is an invoice (art. 26 c. 1 DPR 633/72).")
DEBIT_PAST_YEAR_RATES = define(
    "letter-of-intent-debit-past-year-rates", "error", usage=True,
    it="La nota di debito di {debited} € del {day} sulla fattura {invoice} del cliente {customer} è del {next}, ma la "
       "dichiarazione d'intento {protocol} che la fattura cita copre le vendite del {year}, quindi va emessa con "
       "l'IVA della merce a cui si aggiunge, e la merce della fattura ha più aliquote ({rates}); nulla è stato "
       "registrato. Indica con --rate quella della merce a cui la nota si aggiunge (es. --rate {first}).",
    en="The debit note of {debited} € of {day} on customer {customer}'s invoice {invoice} is of {next}, but the "
       "letter of intent {protocol} the invoice cites covers the sales of {year}, so it must carry the VAT of the "
       "goods it adds to, and the invoice's goods have several rates ({rates}); nothing was stored. Give with "
       "--rate the one of the goods the note adds to (e.g. --rate {first}).")


def _cites(row: Customer, protocol: str) -> bool:
    """Whether a *Clienti* row cites letter `protocol`, however its separator was typed (`letter_key`)."""
    return row.intent_protocol is not None and letter_key(row.intent_protocol) == letter_key(protocol)


def citing_row(master: MasterData, customer: str, protocol: str, recoded: str | None = None) -> Customer | None:
    """The *Clienti* row that holds letter `protocol` for a note on `customer`'s invoice: its own
    row while it cites the letter, else the row that cites it now (the customer re-coded, its old
    row kept or gone), else its own row, else `recoded`'s, the code its partita IVA has now
    (`invoicing.recoded_as`), whose new letter replaced the old. The warning goes to the cell the
    desk has to correct."""
    rows = [c for c in master.customers if c.code in (customer, recoded) or _cites(c, protocol)]
    return (next((c for c in rows if c.code == customer and _cites(c, protocol)), None)
            or next((c for c in rows if _cites(c, protocol)), None)
            or next((c for c in rows if c.code == customer), None)
            or next((c for c in rows if c.code == recoded), None))


def debit_past_year(master: MasterData, customer: str, protocol: str, year: int, day: date, amount: Decimal,
                    goods: Sequence[RateKey], invoice: str, chosen: RateKey | None = None,
                    unrated: Sequence[str] = (), recoded: str | None = None) -> tuple[RateKey | None, Problem | None]:
    """A debit note at N3.5 dated `day` on an invoice citing letter `protocol`, which covers
    `year`: (None, None) within that year; in a later one, whatever the letter left, the rate of
    the goods it adds to with a warning, or the error that refuses it (`debit_within`'s). A
    letter covers one solar year, and the note is an invoice of its own date."""
    if day.year <= year:
        return None, None
    row = citing_row(master, customer, protocol, recoded)
    where = master.locate(row.source, "intent_protocol") if row is not None else None
    told = {"customer": customer, "protocol": protocol, "invoice": invoice, "year": str(year),
            "next": str(day.year), "day": f"{day:%d/%m/%Y}", **_euros(debited=amount)}
    return with_goods_vat(where, goods, chosen, DEBIT_PAST_YEAR, DEBIT_PAST_YEAR_RATES, told, unrated,
                          items_at_letter(master, unrated))


DEBIT_FORMER = define(
    "letter-of-intent-debit-former", "warning",
    title=("Nota di debito su una dichiarazione d'intento precedente", "Debit note under a former letter of intent"),
    it="La nota di debito di {debited} € sulla fattura {invoice} del cliente {customer} segue la dichiarazione "
       "d'intento {protocol} che la fattura cita, ma il foglio Clienti non la riporta più (ora cita {current}): "
       "senza il suo importo non si può sapere se la nota ci sta, e la nuova dichiarazione non copre una vendita "
       "che la precede, quindi è emessa con l'IVA della merce a cui si aggiunge ({rate}) (art. 7 c. 4-bis D.Lgs. "
       "471/97). Se quella dichiarazione aveva ancora capienza, rimettine protocollo, data e importo nel foglio "
       "Clienti e rifai la nota.",
    en="The debit note of {debited} € on customer {customer}'s invoice {invoice} follows the letter of intent "
       "{protocol} the invoice cites, but the Clienti sheet no longer holds it (it now cites {current}): without its "
       "amount nobody can tell whether the note fits, and the new letter does not cover a sale before it, so it is "
       "issued with the VAT of the goods it adds to ({rate}) (art. 7 c. 4-bis D.Lgs. 471/97). If that letter had "
       "room left, write its protocol, date and amount back in the Clienti sheet and issue the note again.")
DEBIT_FORMER_RATES = define(
    "letter-of-intent-debit-former-rates", "error", usage=True,
    it="La nota di debito di {debited} € sulla fattura {invoice} del cliente {customer} segue la dichiarazione "
       "d'intento {protocol} che la fattura cita, che il foglio Clienti non riporta più (ora cita {current}), "
       "quindi va emessa con l'IVA della merce a cui si aggiunge, e la merce della fattura ha più aliquote "
       "({rates}); nulla è stato registrato. Indica con --rate quella della merce a cui la nota si aggiunge "
       "(es. --rate {first}).",
    en="The debit note of {debited} € on customer {customer}'s invoice {invoice} follows the letter of intent "
       "{protocol} the invoice cites, which the Clienti sheet no longer holds (it now cites {current}), so it must "
       "carry the VAT of the goods it adds to, and the invoice's goods have several rates ({rates}); nothing was "
       "stored. Give with --rate the one of the goods the note adds to (e.g. --rate {first}).")


def debit_former(master: MasterData, customer: str, protocol: str, amount: Decimal, goods: Sequence[RateKey],
                 invoice: str, chosen: RateKey | None = None, unrated: Sequence[str] = (), recoded: str | None = None
                 ) -> tuple[RateKey | None, Problem | None]:
    """A debit note at N3.5 on an invoice citing letter `protocol`, which no *Clienti* row cites
    any more: (None, None) while one does; else the rate of the goods it adds to with a warning,
    or the error refusing it. The note follows the operation it corrects, so the letter that
    covered it (a new letter does not cover a sale before it), whose amount the sheet no longer
    gives: it cannot be shown to fit, and the cautious side charges VAT, never omits it. The
    warning goes to the customer's row, or to `recoded`'s, the code its row has now."""
    if any(_cites(c, protocol) for c in master.customers):
        return None, None
    row = citing_row(master, customer, protocol, recoded)
    where = master.locate(row.source, "intent_protocol") if row is not None else None
    told = {"customer": customer, "protocol": protocol, "invoice": invoice,
            "current": (row.intent_protocol if row is not None else None) or "-", **_euros(debited=amount)}
    return with_goods_vat(where, goods, chosen, DEBIT_FORMER, DEBIT_FORMER_RATES, told, unrated,
                          items_at_letter(master, unrated))


DEBIT_RATE_UNKNOWN = define(
    "letter-of-intent-debit-rate-unknown", "error", usage=True,
    it="La nota di debito di {debited} € sulla fattura {invoice} del cliente {customer} va emessa con l'IVA della "
       "merce a cui si aggiunge, fuori dalla dichiarazione d'intento {protocol}, ma {items} non è più nel foglio "
       "Articoli e il registro non ha DDT con IVA che ne dicano l'aliquota: nulla è stato registrato. Rimetti "
       "{items} nel foglio Articoli con la sua aliquota IVA, poi rifai la nota.",
    en="The debit note of {debited} € on customer {customer}'s invoice {invoice} must carry the VAT of the goods it "
       "adds to, outside the letter of intent {protocol}, but {items} is no longer on the Articoli sheet and the "
       "ledger has no DDT with VAT telling its rate: nothing was stored. Put {items} back on the Articoli sheet "
       "with its VAT rate, then issue the note again.")


DEBIT_ITEM_AT_LETTER = define(
    "letter-of-intent-debit-item-rate-unknown", "error", usage=True,
    it="La nota di debito di {debited} € sulla fattura {invoice} del cliente {customer} va emessa con l'IVA della "
       "merce a cui si aggiunge, fuori dalla dichiarazione d'intento {protocol}, ma nel foglio Articoli {items} ha "
       "«Natura» N3.5 e nessuna aliquota, e il registro non ha DDT con IVA che ne dicano l'aliquota: nulla è stato "
       "registrato. La dichiarazione d'intento è del cliente, non dell'articolo: scrivi l'aliquota IVA di {items} "
       "nella sua «Aliquota IVA» e cancellane la «Natura», scrivi N3.5 nella «Natura IVA» del cliente {customer}, "
       "poi rifai la nota.",
    en="The debit note of {debited} € on customer {customer}'s invoice {invoice} must carry the VAT of the goods it "
       "adds to, outside the letter of intent {protocol}, but on the Articoli sheet {items} has “Natura” N3.5 and no "
       "rate, and the ledger has no DDT with VAT telling its rate: nothing was stored. A letter of intent is the "
       "customer's, not the item's: write {items}'s VAT rate in its “Aliquota IVA” and clear its “Natura”, write "
       "N3.5 in customer {customer}'s “Natura IVA”, then issue the note again.")


def items_at_letter(master: MasterData, items: Iterable[str]) -> dict[str, Location]:
    """Item → its *Natura* cell, for those of `items` (the goods a note beyond its letter found
    no rate for) that *Articoli* still lists: at N3.5 (`own_rate`), where the fix is written."""
    listed = {i.code: i for i in master.items}
    return {code: master.locate(listed[code].source, "vat_nature") for code in items if code in listed}


def with_goods_vat(where: Location | None, goods: Sequence[RateKey], chosen: RateKey | None,
                    warned: ProblemType, refused: ProblemType, told: dict[str, Any], unrated: Sequence[str] = (),
                    at_letter: Mapping[str, Location] | None = None) -> tuple[RateKey | None, Problem]:
    """The one rate of the goods a note beyond its letter adds to (`chosen` among them, when
    named), with the warning; the refusal naming them when they are several, or naming the
    items of `unrated` goods, whose rate nobody knows: the invoices' rule (`item_rates`), where
    22 % could be the wrong VAT; at an item's *Natura* when *Articoli* lists it at N3.5
    (`at_letter`, `items_at_letter`)."""
    if unrated and chosen is None:
        listed = [item for item in dict.fromkeys(unrated) if item in (at_letter or {})]
        if listed and at_letter is not None:
            return None, DEBIT_ITEM_AT_LETTER(at_letter[listed[0]], items=", ".join(listed), **told)
        return None, DEBIT_RATE_UNKNOWN(where, items=", ".join(dict.fromkeys(unrated)), **told)
    rates = [chosen] if chosen is not None and chosen in goods else list(dict.fromkeys(goods))
    if len(rates) != 1:
        shown = [nature or f"{rate.normalize():f}" for rate, nature in rates] or [f"{ORDINARY_RATE:f}"]
        return None, refused(where, rates=", ".join(shown), first=shown[0], **told)
    [key] = rates
    rate, nature = key
    return key, warned(where, rate=nature or f"{rate.normalize():f} %", **told)
