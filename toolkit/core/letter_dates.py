"""Goods sold before their letter of intent: with VAT, whatever the letter left.

A letter of intent lets the supplier sell without VAT only the operations that follow it (art. 1
c. 1 lett. c DL 746/83: the letter is received before the operation), so a line sold before the
letter's date on *Clienti* (*Data dichiarazione d'intento*), or in a year before the one the
letter covers, is not covered by it, though the customer's orders went N3.5: a later letter on
the sheet does not exempt goods delivered before it. Such a line carries its item's VAT of its
sale's day, as a line beyond the ceiling does (`intent_ceiling.item_rates`), takes nothing of
the letter's amount nor its year, and the run warns at the letter's date, naming the days: a
mistyped date is corrected there, and goods an earlier letter covered are invoiced citing it
before the new one is written. A line's sale day is its DDT's, or its order's when invoiced at
the order (the invoice's day there).

A letter the customer revoked (*revoca*, filed with the Agenzia: *Dichiarazione d'intento
revocata dal* on *Clienti*) covers no sale from that day on: such a line carries its item's VAT
the same way, told at the revocation's cell (`letter-of-intent-after-end`).

Only a customer's invoices' lines are looked at: a credit note follows the invoice it corrects.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import InvoiceTerms
from toolkit.basics.wording import Agreed, Counted
from toolkit.core.intent_ceiling import (
    CENT,
    ITEM_AT_LETTER,
    LETTER_OF_INTENT,
    ZERO,
    Goods,
    S,
    citing_row,
    items_at_letter,
    letter_key,
    with_goods_vat,
)
from toolkit.core.vat import RateKey
from toolkit.model.records import MasterData

BEFORE_LETTER = define(
    "letter-of-intent-after-sale", "warning",
    title=("Vendite prima della dichiarazione d'intento", "Sales before the letter of intent"),
    it="Il cliente {customer} ha {lines} senza IVA (N3.5) {sold} il {days}, per {amount} €, prima della sua "
       "dichiarazione d'intento {protocol} del {letter}{year}: {are} con l'IVA dell'articolo del giorno "
       "{of_day}, perché la dichiarazione copre solo le vendite che la seguono (art. 1 c. 1 lett. c DL "
       "746/83). Se la data è sbagliata, correggi la «Data dichiarazione d'intento» e ripeti; se una "
       "dichiarazione precedente copriva {those}, scrivila nel foglio Clienti e {them} prima citando "
       "quella.",
    en="Customer {customer} has {lines} without VAT (N3.5) {sold} on {days}, for {amount} €, before its letter "
       "of intent {protocol} of {letter}{year}: {are} with the item's VAT of the {of_day} day, since "
       "the letter covers only the sales after it (art. 1 c. 1 lett. c DL 746/83). If the date is wrong, correct "
       "the “Data dichiarazione d'intento” and run again; if an earlier letter covered {those}, write it "
       "in the Clienti sheet and {them} first citing it.")
EARLY_RATE_UNKNOWN = define(
    "letter-of-intent-early-rate-unknown", "error",
    it="La riga di {item} dell'ordine {order} del cliente {customer}, {sold} il {day}, prima della dichiarazione "
       "d'intento {protocol} del {letter}, va fatturata con l'IVA dell'articolo, ma {item} non è più nel foglio "
       "Articoli e il registro non ha DDT con IVA che ne dicano l'aliquota a quel giorno: nulla è stato "
       "registrato. Rimetti {item} nel foglio Articoli con la sua aliquota IVA, poi ripeti l'operazione.",
    en="The line of {item} of customer {customer}'s order {order}, {sold} on {day}, before the letter of intent "
       "{protocol} of {letter}, must be invoiced with the item's VAT, but {item} is no longer on the Articoli sheet "
       "and the ledger has no DDT with VAT telling its rate on that day: nothing was stored. Put {item} back on the "
       "Articoli sheet with its VAT rate, then do it again.")
AFTER_END = define(
    "letter-of-intent-after-end", "warning",
    title=("Vendite dopo la revoca della dichiarazione d'intento", "Sales after the letter of intent's revocation"),
    it="Il cliente {customer} ha {lines} senza IVA (N3.5) {sold} il {days}, per {amount} €, dal {revoked} in poi, "
       "quando la sua dichiarazione d'intento {protocol} del {letter} è revocata: {are} con l'IVA dell'articolo del "
       "giorno {of_day}, perché dalla revoca la dichiarazione non copre più le vendite. Se la data della revoca è "
       "sbagliata, correggi «Dichiarazione d'intento revocata dal» e ripeti; se il cliente ha inviato una nuova "
       "dichiarazione, scrivine protocollo, data e importo nel foglio Clienti al posto di quella revocata.",
    en="Customer {customer} has {lines} without VAT (N3.5) {sold} on {days}, for {amount} €, from {revoked} on, when "
       "its letter of intent {protocol} of {letter} is revoked: {are} with the item's VAT of the {of_day} day, since "
       "from its revocation the letter covers no sale. If the revocation's date is wrong, correct “Dichiarazione "
       "d'intento revocata dal” and run again; if the customer sent a new letter, write its protocol, date and "
       "amount in the Clienti sheet in place of the revoked one.")
ENDED_RATE_UNKNOWN = define(
    "letter-of-intent-ended-rate-unknown", "error",
    it="La riga di {item} dell'ordine {order} del cliente {customer}, {sold} il {day}, dopo la revoca della "
       "dichiarazione d'intento {protocol} dal {revoked}, va fatturata con l'IVA dell'articolo, ma {item} non è più "
       "nel foglio Articoli e il registro non ha DDT con IVA che ne dicano l'aliquota a quel giorno: nulla è stato "
       "registrato. Rimetti {item} nel foglio Articoli con la sua aliquota IVA, poi ripeti l'operazione.",
    en="The line of {item} of customer {customer}'s order {order}, {sold} on {day}, after the letter of intent "
       "{protocol} was revoked from {revoked}, must be invoiced with the item's VAT, but {item} is no longer on the "
       "Articoli sheet and the ledger has no DDT with VAT telling its rate on that day: nothing was stored. Put "
       "{item} back on the Articoli sheet with its VAT rate, then do it again.")


@dataclass(frozen=True, slots=True)
class YearCovered:
    """The year a letter covers, named when a line fell before it though after the letter's date."""

    year: int | None

    def shown(self, lang: str) -> str:
        if self.year is None:
            return ""
        return f" (which covers {self.year})" if lang == "en" else f" (che copre il {self.year})"


def covers(letter: date, year: int | None, day: date, until: date | None = None) -> bool:
    """Whether a letter dated `letter`, covering `year` when known, covers a sale of `day`; a
    letter revoked `until` a day covers nothing from that day on.

    >>> covers(date(2026, 4, 9), None, date(2026, 4, 8)), covers(date(2026, 4, 9), None, date(2026, 4, 9))
    (False, True)
    >>> covers(date(2026, 12, 1), 2027, date(2026, 12, 20)), covers(date(2026, 12, 1), 2026, date(2027, 1, 5))
    (False, True)
    >>> [covers(date(2026, 4, 9), None, date(2026, 9, d), date(2026, 9, 1)) for d in (1, 2)]
    [False, False]
    >>> covers(date(2026, 4, 9), None, date(2026, 8, 31), date(2026, 9, 1))
    True
    """
    return day >= letter and (year is None or day.year >= year) and (until is None or day < until)


@dataclass(frozen=True, slots=True)
class Early:
    """A customer's N3.5 lines of a run sold before its letter, now with VAT."""

    customer: str
    protocol: str | None
    letter: date
    year: int | None
    days: tuple[date, ...]
    amount: Decimal
    unrated: tuple[tuple[str, date, str, bool], ...] = ()
    """(item, day, order, invoiced at the order) of those lines whose item neither *Articoli* nor
    the ledger rates: refused."""
    ordered: tuple[bool, ...] = ()
    """For each of `days`, whether its line is invoiced at the order (*Immediato*, prepaid): goods
    not delivered yet, whose day is the order's."""
    revoked: date | None = None
    """The day the letter is revoked from, when these lines were sold on or after it rather than
    before the letter: told at that cell (`AFTER_END`)."""

    def problems(self, master: MasterData) -> list[Problem]:
        customer = next(c for c in master.customers if c.code == self.customer)
        where = master.locate(customer.source, "intent_date" if self.revoked is None else "intent_revoked")
        listed = items_at_letter(master, (item for item, _, _, _ in self.unrated))
        told = {"customer": self.customer, "protocol": self.protocol or "", "letter": self.letter}
        if self.revoked is not None:
            told["revoked"] = self.revoked
        late = YearCovered(self.year if any(day >= self.letter for day in self.days) else None)
        n = len(self.days)
        agreed = {**sale_words(n, sum(self.ordered), n - sum(self.ordered)),
                  "are": Agreed(n, ("è fatturata", "sono fatturate"), ("it is invoiced", "they are invoiced")),
                  "them": Agreed(n, ("fatturala", "fatturale"), ("invoice it", "invoice them"))}
        lines = Counted(n, ("riga", "righe"), ("line", "lines"))
        days, amount = sorted(set(self.days)), self.amount.quantize(CENT)
        unrated = EARLY_RATE_UNKNOWN if self.revoked is None else ENDED_RATE_UNKNOWN
        return [BEFORE_LETTER(where, lines=lines, **agreed, days=days, amount=amount, year=late, **told)
                if self.revoked is None else AFTER_END(where, lines=lines, **agreed, days=days, amount=amount, **told),
                *(unrated(where, item=item, day=day, order=order,
                          sold=sale_words(1, int(at_order), int(not at_order))["sold"], **told)
                  if item not in listed else
                  ITEM_AT_LETTER(listed[item], item=item, day=f"{day:%d/%m/%Y}", order=order, **told)
                  for item, day, order, at_order in self.unrated)]


def sale_words(n: int, ordered: int, delivered: int) -> dict[str, Agreed]:
    """The words for `n` lines sold before the letter, `ordered` of them invoiced at the order and
    `delivered` on a DDT: an order invoiced when made (*Immediato*) is not delivered yet, and its
    day is the order's; lines of both kinds are sales.

    >>> [w.shown("it") for w in sale_words(1, 1, 0).values()]
    ['ordinata', "dell'ordine", "quell'ordine"]
    >>> [w.shown("en") for w in sale_words(2, 0, 2).values()], sale_words(2, 1, 1)["sold"].shown("it")
    (['delivered', "delivery's", 'those deliveries'], 'vendute')
    """
    if ordered and delivered:
        return {"sold": Agreed(n, ("venduta", "vendute"), ("sold", "sold")),
                "of_day": Agreed(n, ("della vendita", "della vendita"), ("sale's", "sale's")),
                "those": Agreed(n, ("quella vendita", "quelle vendite"), ("that sale", "those sales"))}
    if ordered:
        return {"sold": Agreed(n, ("ordinata", "ordinate"), ("ordered", "ordered")),
                "of_day": Agreed(n, ("dell'ordine", "dell'ordine"), ("order's", "order's")),
                "those": Agreed(n, ("quell'ordine", "quegli ordini"), ("that order", "those orders"))}
    return {"sold": Agreed(n, ("consegnata", "consegnate"), ("delivered", "delivered")),
            "of_day": Agreed(n, ("della consegna", "della consegna"), ("delivery's", "delivery's")),
            "those": Agreed(n, ("quella consegna", "quelle consegne"), ("that delivery", "those deliveries"))}


def before_letter(goods: Sequence[tuple[S, Goods]], customer: str, protocol: str | None, letter: date,
                  year: int | None, rate: Callable[[str, date], RateKey | None], revoked: date | None = None
                  ) -> tuple[list[tuple[S, Goods]], list[Early]]:
    """A customer's lines to invoice with its N3.5 lines its letter does not cover (`covers`: sold
    before it, or from its revocation on) rated at their item's VAT of that day (`rate`), and the
    `Early` naming them, one for those before and one for those after; a line `rate` knows no
    rate for stays N3.5 and is named, to refuse the run."""
    out: list[tuple[S, Goods]] = []
    found: dict[bool, Early] = {}
    for shipment, line in goods:
        if line[7] == LETTER_OF_INTENT and not covers(letter, year, shipment.day, revoked):
            ended = revoked is not None and shipment.day >= revoked and covers(letter, year, shipment.day)
            key = rate(line[0], shipment.day)
            at_order = line[9] is None
            was = found.get(ended, Early(customer, protocol, letter, year, (), ZERO, revoked=revoked if ended else None))
            unrated = ((line[0], shipment.day, shipment.order_number, at_order),) if key is None else ()
            found[ended] = replace(was, days=(*was.days, shipment.day), amount=was.amount + line[5],
                                   unrated=was.unrated + unrated, ordered=(*was.ordered, at_order))
            if key is not None:
                line = (*line[:6], *key, *line[8:])
        out.append((shipment, line))
    return out, [found[ended] for ended in sorted(found)]


ORDERS_BEFORE_LETTER = define(
    "letter-of-intent-orders-before", "warning",
    title=("Ordini prima della dichiarazione d'intento", "Orders before the letter of intent"),
    it="Il cliente {customer} ha ordini senza IVA (N3.5) del {day}, prima della data della sua dichiarazione "
       "d'intento {protocol}, il {letter}: {which} con l'IVA dell'articolo, perché la dichiarazione copre solo le "
       "vendite che la seguono (art. 1 c. 1 lett. c DL 746/83). Se la data è sbagliata, correggi la «Data "
       "dichiarazione d'intento»; altrimenti {instead}.",
    en="Customer {customer} has orders without VAT (N3.5) of {day}, before the date of its letter of intent "
       "{protocol}, {letter}: {which} with the item's VAT, since the letter covers only the sales after it (art. 1 "
       "c. 1 lett. c DL 746/83). If the date is wrong, correct the “Data dichiarazione d'intento”; otherwise "
       "{instead}.")


@dataclass(frozen=True, slots=True)
class AheadWhich:
    """What the warning ahead says will go with VAT: for a customer invoiced at the order
    (*Immediato*) the orders made before the letter, invoiced that day with their goods not
    delivered yet; for the others the lines that leave before it."""

    at_order: bool
    letter: date

    def shown(self, lang: str) -> str:
        day = f"{self.letter:%d/%m/%Y}"
        if self.at_order:
            return (f"the orders made before {day}, invoiced when made, are invoiced" if lang == "en" else
                    f"gli ordini creati prima del {day}, fatturati alla creazione, vanno in fattura")
        return (f"the lines delivered before {day} will be invoiced" if lang == "en" else
                f"le righe consegnate prima del {day} andranno in fattura")


@dataclass(frozen=True, slots=True)
class AheadInstead(AheadWhich):
    """What else the desk may do: ship the goods after the letter; an order invoiced when made is
    a sale of its order's day, which shipping later does not move."""

    def shown(self, lang: str) -> str:
        day = f"{self.letter:%d/%m/%Y}"
        if self.at_order:
            return ("they go with VAT: their day is the order's, not the shipment's" if lang == "en" else
                    "vanno con l'IVA: il loro giorno è quello dell'ordine, non della spedizione")
        return (f"ship from {day} on, or invoice those lines with VAT" if lang == "en" else
                f"spedisci dal {day} in poi, o fattura quelle righe con l'IVA")


ORDERS_AFTER_END = define(
    "letter-of-intent-orders-after-end", "warning",
    title=("Ordini dopo la revoca della dichiarazione d'intento", "Orders after the letter of intent's revocation"),
    it="Il cliente {customer} ha ordini senza IVA (N3.5) del {day}, ma la sua dichiarazione d'intento {protocol} è "
       "revocata dal {revoked}: le righe vendute da quel giorno andranno in fattura con l'IVA dell'articolo. Se il "
       "cliente non ha una nuova dichiarazione, cancella N3.5 dalla sua «Natura IVA», così i nuovi ordini hanno "
       "l'IVA; se ce l'ha, scrivine protocollo, data e importo nel foglio Clienti al posto di quella revocata.",
    en="Customer {customer} has orders without VAT (N3.5) of {day}, but its letter of intent {protocol} is revoked "
       "from {revoked}: the lines sold from that day on will be invoiced with the item's VAT. If the customer has no "
       "new letter, clear N3.5 from its “Natura IVA”, so new orders carry VAT; if it has one, write its protocol, "
       "date and amount in the Clienti sheet in place of the revoked one.")


def orders_before_letter(master: MasterData, customers: Collection[str], day: date | None) -> list[Problem]:
    """A warning, at the letter's date, for each of `customers` buying on N3.5 whose letter is
    dated after `day` (the orders' or the DDTs' day), and at its revocation for each whose letter
    is revoked by `day`: told ahead, as the ceiling's (`intent_ceiling.orders_beyond`), that
    invoicing will charge VAT on what leaves outside it. Master data alone: no read of the ledger."""
    if day is None:
        return []
    wanted = set(customers)
    ended = [ORDERS_AFTER_END(master.locate(c.source, "intent_revoked"), customer=c.code,
                              protocol=c.intent_protocol or "", revoked=c.intent_revoked, day=day)
             for c in sorted(master.customers, key=lambda c: c.code)
             if c.code in wanted and c.intent_date is not None and c.intent_revoked is not None
             and day >= c.intent_revoked and (c.vat_nature or "").strip().upper() == LETTER_OF_INTENT]
    return ended + [ORDERS_BEFORE_LETTER(master.locate(c.source, "intent_date"), customer=c.code,
                                 protocol=c.intent_protocol or "", letter=c.intent_date, day=day,
                                 which=AheadWhich(c.invoice_terms is InvoiceTerms.IMMEDIATE, c.intent_date),
                                 instead=AheadInstead(c.invoice_terms is InvoiceTerms.IMMEDIATE, c.intent_date))
            for c in sorted(master.customers, key=lambda c: c.code)
            if c.code in wanted and c.intent_date is not None and day < c.intent_date
            and (c.vat_nature or "").strip().upper() == LETTER_OF_INTENT]


DEBIT_BEFORE_LETTER = define(
    "letter-of-intent-debit-before", "warning",
    title=("Nota di debito su vendite prima della dichiarazione d'intento",
           "Debit note on sales before the letter of intent"),
    it="La nota di debito di {debited} € sulla fattura {invoice} del cliente {customer} si aggiunge a merce "
       "{sold} il {days}, prima della dichiarazione d'intento {protocol} del {letter} che la fattura cita: è "
       "emessa con l'IVA di quella merce ({rate}), perché la dichiarazione copre solo le vendite che la seguono "
       "(art. 1 c. 1 lett. c DL 746/83) e la nota segue la vendita che corregge.",
    en="The debit note of {debited} € on customer {customer}'s invoice {invoice} adds to goods {sold} on {days}, "
       "before the letter of intent {protocol} of {letter} the invoice cites: it is issued with those goods' VAT "
       "({rate}), since the letter covers only the sales after it (art. 1 c. 1 lett. c DL 746/83) and the note "
       "follows the sale it corrects.")
DEBIT_BEFORE_LETTER_RATES = define(
    "letter-of-intent-debit-before-rates", "error", usage=True,
    it="La nota di debito di {debited} € sulla fattura {invoice} del cliente {customer} si aggiunge a merce "
       "{sold} il {days}, prima della dichiarazione d'intento {protocol} del {letter}, quindi va emessa con "
       "l'IVA di quella merce, che ha più aliquote ({rates}); nulla è stato registrato. Indica con --rate quella "
       "della merce a cui la nota si aggiunge (es. --rate {first}).",
    en="The debit note of {debited} € on customer {customer}'s invoice {invoice} adds to goods {sold} on {days}, "
       "before the letter of intent {protocol} of {letter}, so it must carry those goods' VAT, and they have several "
       "rates ({rates}); nothing was stored. Give with --rate the one of the goods the note adds to (e.g. --rate "
       "{first}).")


def debit_before_letter(master: MasterData, customer: str, protocol: str, letter: date, invoice: str, amount: Decimal,
                        sold: Sequence[tuple[date, RateKey | None, str, bool]], chosen: RateKey | None = None
                        ) -> tuple[RateKey | None, Problem | None]:
    """A debit note at N3.5 on an invoice citing letter `protocol` of `letter`, whose N3.5 goods
    were `sold` (day, their item's rate then, or None, the item, and whether invoiced at the
    order, their day the order's): (None, None) when none was sold before the letter; else the
    rate of those goods with a warning, or the error refusing it (`intent_ceiling.with_goods_vat`).
    An invoice issued so before this rule sold them without VAT; a variation follows the sale it
    corrects, which the letter did not cover."""
    early = [(day, key, item, at_order) for day, key, item, at_order in sold if day < letter]
    if not early:
        return None, None
    row = citing_row(master, customer, protocol)
    where = master.locate(row.source, "intent_date") if row is not None else None
    ordered = sum(at_order for *_, at_order in early)
    told = {"customer": customer, "protocol": protocol, "invoice": invoice, "letter": letter,
            "days": sorted({day for day, *_ in early}), "debited": amount.quantize(CENT),
            "sold": sale_words(1, ordered, len(early) - ordered)["sold"]}
    unrated = [item for _, key, item, _ in early if key is None]
    return with_goods_vat(where, [key for _, key, _, _ in early if key is not None], chosen, DEBIT_BEFORE_LETTER,
                          DEBIT_BEFORE_LETTER_RATES, told, unrated, items_at_letter(master, unrated))


DEBIT_AFTER_END = define(
    "letter-of-intent-debit-after-end", "warning",
    title=("Nota di debito dopo la revoca della dichiarazione d'intento",
           "Debit note after the letter of intent's revocation"),
    it="La nota di debito di {debited} € del {day} sulla fattura {invoice} del cliente {customer} è del {revoked} o "
       "dopo, quando la dichiarazione d'intento {protocol} che la fattura cita è revocata: è emessa con l'IVA della "
       "merce a cui si aggiunge ({rate}), perché dalla revoca la dichiarazione non copre più nulla e una nota di "
       "debito è una fattura (art. 26 c. 1 DPR 633/72).",
    en="The debit note of {debited} € of {day} on customer {customer}'s invoice {invoice} is of {revoked} or later, "
       "when the letter of intent {protocol} the invoice cites is revoked: it is issued with the VAT of the goods it "
       "adds to ({rate}), since from its revocation the letter covers nothing and a debit note is an invoice (art. "
       "26 c. 1 DPR 633/72).")
DEBIT_AFTER_END_RATES = define(
    "letter-of-intent-debit-after-end-rates", "error", usage=True,
    it="La nota di debito di {debited} € del {day} sulla fattura {invoice} del cliente {customer} è del {revoked} o "
       "dopo, quando la dichiarazione d'intento {protocol} che la fattura cita è revocata, quindi va emessa con "
       "l'IVA della merce a cui si aggiunge, e la merce della fattura ha più aliquote ({rates}); nulla è stato "
       "registrato. Indica con --rate quella della merce a cui la nota si aggiunge (es. --rate {first}).",
    en="The debit note of {debited} € of {day} on customer {customer}'s invoice {invoice} is of {revoked} or later, "
       "when the letter of intent {protocol} the invoice cites is revoked, so it must carry the VAT of the goods it "
       "adds to, and the invoice's goods have several rates ({rates}); nothing was stored. Give with --rate the one "
       "of the goods the note adds to (e.g. --rate {first}).")


def debit_after_end(master: MasterData, customer: str, protocol: str, day: date, amount: Decimal,
                    goods: Sequence[RateKey], invoice: str, chosen: RateKey | None = None,
                    unrated: Sequence[str] = (), recoded: str | None = None) -> tuple[RateKey | None, Problem | None]:
    """A debit note at N3.5 dated `day` on an invoice citing letter `protocol`: (None, None) while
    the row citing it gives no revocation, or one after `day`; from the revocation on, the rate of
    the goods it adds to with a warning at the revocation's cell, or the error that refuses it
    (`intent_ceiling.with_goods_vat`). The note is an invoice of its own date, as past the
    letter's year (`intent_ceiling.debit_past_year`)."""
    row = citing_row(master, customer, protocol, recoded)
    if (row is None or row.intent_revoked is None or day < row.intent_revoked
            or letter_key(row.intent_protocol or "") != letter_key(protocol)):
        return None, None
    told = {"customer": customer, "protocol": protocol, "invoice": invoice, "day": f"{day:%d/%m/%Y}",
            "revoked": row.intent_revoked, "debited": amount.quantize(CENT)}
    return with_goods_vat(master.locate(row.source, "intent_revoked"), goods, chosen, DEBIT_AFTER_END,
                          DEBIT_AFTER_END_RATES, told, unrated, items_at_letter(master, unrated))
