"""The VAT rate of the delivery day: a sale of goods is made on delivery or shipment, and taxed at
the rate in force that day (art. 6 DPR 633/72).

An order line takes its item's rate for the order's day when the order is made (`line_vat`), as
far as *Articoli* knows it then. The DDT's date is the one that counts, so shipping asks again:
a line whose rate is not the one *Articoli* gives for the DDT's date (*Nuova aliquota IVA* from
*Dal* on, else *Aliquota IVA*) is rated again before its DDT is stored, its order line with it,
so the order, the DDT, the invoice, its XML and the register all read one rate. An *Aliquota IVA*
changed by hand is a rate the sheet gives for every day, so the open lines shipped after it
follow it. On a VAT-included list the customer's shelf price stays and is split at the new rate.

A line already shipped in part is split: each delivery is a sale made on its own day, at that
day's rate, and its earlier DDTs and their invoices read its order line. So the line keeps its
rate for what its DDTs shipped (its quantity becomes that) and the rest becomes a new line of the
order at the new rate, which the DDT of the day cites (`RatedAgain.kept`). A line invoiced in
full before it ships (prepay, POS, on credit: invoiced at the order) keeps its rate without a
word: an invoice issued before the delivery makes the sale on its own date (art. 6 c. 4 DPR
633/72). Left as it is, warned: a line invoiced at the order in part beyond what shipped. A
voided DDT keeps the rate its lines carried (`schema.voided_lines`), so a line it carried is
rated again as any other.
Returns keep theirs: a return is credited at the rate its invoice charged
(`toolkit.core.credit_notes`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from toolkit.basics.cells import Location
from toolkit.basics.labels import define as define_labels
from toolkit.basics.labels import label
from toolkit.basics.money import CENT, cents
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import DocumentType
from toolkit.core.drafts import net_of_vat
from toolkit.core.lines import line_amount
from toolkit.core.orders import Order, OrderLine
from toolkit.core.vat import RateKey, line_vat, rate_key, rate_text
from toolkit.model.memo import per_master
from toolkit.model.records import Customer, Item, MasterData

VAT_RATE_CHANGED = define(
    "vat-rate-changed", "warning",
    title=("Aliquota IVA del giorno di consegna", "VAT rate of the delivery day"),
    it="L'ordine {number} aveva {item} con IVA {old}: il DDT del {day} lo porta con IVA {new}, l'aliquota che "
       "Articoli dà per quel giorno, perché una vendita si tassa all'aliquota del giorno di consegna (art. 6 DPR "
       "633/72). Ordine, DDT e fattura riportano IVA {new}.",
    en="Order {number} had {item} at VAT {old}: the DDT of {day} carries it at VAT {new}, the rate Items gives for "
       "that day, since a sale is taxed at the rate of its delivery day (art. 6 DPR 633/72). The order, the DDT "
       "and the invoice show VAT {new}.")
VAT_RATE_CHANGED_REST = define(
    "vat-rate-changed-rest", "warning",
    title=("Aliquota IVA del giorno di consegna, riga divisa", "VAT rate of the delivery day, line cut"),
    it="L'ordine {number} aveva {item} con IVA {old} e ne ha già spedito {shipped} {unit}: il resto, {rest} {unit}, "
       "esce con il DDT del {day} con IVA {new}, l'aliquota che Articoli dà per quel giorno, perché ogni consegna si "
       "tassa all'aliquota del suo giorno (art. 6 DPR 633/72). La riga {line} dell'ordine resta di {shipped} {unit} "
       "con IVA {old}, come i DDT e le fatture che l'hanno già portata; il resto è una nuova riga dell'ordine, in "
       "fondo, con IVA {new}, come il DDT del {day} e la sua fattura.",
    en="Order {number} had {item} at VAT {old} and has shipped {shipped} {unit} of it already: the rest, {rest} "
       "{unit}, leaves on the DDT of {day} at VAT {new}, the rate Items gives for that day, since each delivery is "
       "taxed at the rate of its day (art. 6 DPR 633/72). Line {line} of the order stays at {shipped} {unit} at VAT "
       "{old}, as the DDTs and invoices that carried it already; the rest is a new line of the order, at its end, "
       "at VAT {new}, as the DDT of {day} and its invoice.")
VAT_RATE_KEPT_PART_SHIPPED = define(
    "vat-rate-kept-part-shipped", "warning",
    title=("Aliquota IVA non aggiornata", "VAT rate not brought up to date"),
    it="L'ordine {number} ha già fatturato all'ordine parte di {item} con IVA {old}: il resto esce con il DDT del "
       "{day} ancora con IVA {old}, mentre Articoli dà IVA {new} per quel giorno. Per tassare il resto al {new}, "
       "prima di spedirlo chiudi l'ordine (toolkit orders status {number} --to chiuso) e ordina di nuovo ciò che "
       "resta (toolkit convert --to ordini).",
    en="Order {number} has already invoiced at the order part of {item} at VAT {old}: the rest leaves on the DDT of "
       "{day} still at VAT {old}, while Items gives VAT {new} for that day. To tax the rest at {new}, before "
       "shipping it close the order (toolkit orders status {number} --to chiuso) and order what is left again "
       "(toolkit convert --to ordini).")

VAT_RATE_CHANGED_AT_INVOICE = define(
    "vat-rate-changed-at-invoice", "warning",
    title=("Aliquota IVA del giorno della fattura", "VAT rate of the invoice's day"),
    it="L'ordine {number} aveva {item} con IVA {old}: la fattura del {day}, emessa prima della consegna, lo porta con "
       "IVA {new}, l'aliquota che Articoli dà per quel giorno, perché una fattura emessa prima della consegna fa la "
       "vendita alla sua data (art. 6 c. 4 DPR 633/72). Ordine, fattura e DDT riportano IVA {new}.",
    en="Order {number} had {item} at VAT {old}: the invoice of {day}, issued before the delivery, carries it at VAT "
       "{new}, the rate Items gives for that day, since an invoice issued before the delivery makes the sale on its "
       "date (art. 6 c. 4 DPR 633/72). The order, the invoice and the DDT show VAT {new}.")


define_labels({"order.rest_of": ("resto della riga {line}, IVA {rate}", "rest of line {line}, VAT {rate}"),
               "order.rest_since": (" dal {day:%d/%m/%Y}", " from {day:%d/%m/%Y}")})


@dataclass(frozen=True, slots=True)
class RatedAgain:
    """An order line rated again for its DDT's date: what the ledger stores on the line."""

    order_line_id: int
    vat_rate: Decimal
    vat_nature: str | None
    unit_price: Decimal
    """The same, but on a VAT-included list: its shelf price made net at the new rate."""
    amount: Decimal
    """The order line's amount at `unit_price`: of the rest only, when `kept`."""
    kept: Decimal | None = None
    """A line shipped in part before: what its DDTs shipped, which keeps the line's rate (its
    quantity becomes this, its amount `kept_amount`); the rest, the line's quantity less this,
    becomes a new line of the order at this rate (`toolkit.ledger.orders.rate_again`)."""
    kept_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Rest:
    """An order line that is the rest of another, cut at a VAT rate change (`cut_lines`): as
    the order shows it, so the line twice reads as what shipped and what is left."""

    of: int
    """The number of the line cut."""
    rate: RateKey
    since: date | None = None
    """The day of its first DDT, the one that cut the line; None: not read, or no DDT carries it."""

    def said(self, lang: str) -> str:
        """«resto della riga 1, IVA 10 % dal 04/01/2027»."""
        told = label("order.rest_of", lang).format(line=self.of, rate=rate_text(self.rate))
        return told + (label("order.rest_since", lang).format(day=self.since) if self.since else "")


def described(description: str, rest: Rest | None, lang: str) -> str:
    """A line's description as the order and the lists show it: of a rest, followed by what it is
    the rest of (*Caffè in grani 1 kg – resto della riga 1, IVA 10 % dal 04/01/2027*)."""
    return f"{description} – {rest.said(lang)}" if rest is not None else description


def cut_lines(order: Order) -> dict[int, OrderLine]:
    """By the id of each line of `order` that is the rest of a line cut at a VAT rate change, the
    line cut. The ledger keeps no link (`toolkit.ledger.orders.rate_again`), but a cut leaves its
    mark: the rest is a later line of the same item, text, unit, note and price rule at another
    rate, and the line cut shipped all it kept. Of several such lines (a rest cut again at a later
    change), the nearest before. An item ordered twice on purpose at one rate is no cut; at two,
    its second line shipped after a change, it looks like one: only the ledger's log of the cuts
    tells (`toolkit.ledger.orders.cuts_logged`), read for the orders this finds lines of."""
    found: dict[int, OrderLine] = {}
    if len({x.item for x in order.lines}) == len(order.lines):
        return found
    seen: dict[tuple[object, ...], list[OrderLine]] = {}
    for line in sorted(order.lines, key=lambda x: x.line_no):
        earlier = seen.setdefault((line.item, line.description, line.unit, line.note, line.price_rule), [])
        cut = next((x for x in reversed(earlier) if x.quantity and x.shipped == x.quantity
                    and rate_key(x.vat_rate, x.vat_nature) != rate_key(line.vat_rate, line.vat_nature)), None)
        if cut is not None:
            found[line.id] = cut
        earlier.append(line)
    return found


def rests(orders: Sequence[Order]) -> dict[int, Rest]:
    """By line id, the lines of `orders` that look like rests (`cut_lines`), not yet checked
    against the cuts logged nor dated (`toolkit.ledger.deliveries.rests_dated` does both)."""
    found: dict[int, Rest] = {}
    for order in orders:
        lines = {x.id: x for x in order.lines}
        for rest_id, cut in cut_lines(order).items():
            found[rest_id] = Rest(cut.line_no, rate_key(lines[rest_id].vat_rate, lines[rest_id].vat_nature))
    return found


def rates_on(master: MasterData, day: date) -> dict[str, RateKey]:
    """Each item's rate in force on `day`, 0 for none, with its nature when 0 (as `line_vat`
    gives it to a customer of no nature of its own): what a shipped line is held against, one
    lookup a line (a change written ahead or by hand alike, of a rate or of a 0 % rate's nature,
    as both are what the e-invoice says of the line). The items' own are gathered once per
    master; only the few items with a change written are asked of `day`."""
    rates, changing = _rates(master)
    if not changing:
        return rates
    return {**rates, **{i.code: _key(i.vat_rate_on(day), i.vat_nature) for i in changing}}


def off_rate(in_force: Mapping[str, RateKey], line: OrderLine) -> bool:
    """Whether `line` is not at its item's rate and nature of `in_force` (`rates_on`): to be
    looked at again (`rated_for_delivery`), which a customer's own nature may leave as it is.
    An item no longer on the sheet is not looked at."""
    return off_key(in_force, line.item, line.vat_rate, line.vat_nature)


def off_key(in_force: Mapping[str, RateKey], item: str, rate: Decimal, nature: str | None) -> bool:
    """`off_rate` for a line of `item` at `rate` and `nature`."""
    if (key := in_force.get(item)) is None:
        return False
    return key[0] != rate or (not key[0] and key[1] != nature)


def _key(rate: Decimal | None, nature: str | None) -> RateKey:
    return (rate or Decimal(0), nature.upper() if nature and not rate else None)


@per_master
def _rates(master: MasterData) -> tuple[dict[str, RateKey], tuple[Item, ...]]:
    return ({i.code: _key(i.vat_rate, i.vat_nature) for i in master.items},
            tuple(i for i in master.items if i.vat_from is not None))


def rated_for_delivery(master: MasterData, order: Order, line: OrderLine, day: date
                       ) -> tuple[OrderLine, RatedAgain | None, Problem | None]:
    """`line` as it ships on a DDT dated `day`: rated again when its rate and nature are not the
    ones *Articoli* gives for that day (`line_vat`), with the warning that says so. Called for the
    lines whose rate or nature differs from the item's on `day` (`off_rate`), a customer's nature
    too. A voided DDT that carried the line prints again at the rate it carried
    (`schema.voided_lines`), whatever the line is rated since."""
    item, customer = _items(master).get(line.item), _customers(master).get(order.customer)
    if item is None or customer is None or order.document_type is DocumentType.RETURN or line.quantity < 0:
        return line, None, None
    rate, nature = line_vat(item, customer, day)
    if rate_key(rate, nature) == rate_key(line.vat_rate, line.vat_nature):
        return line, None, None
    at = _cell(master, item, customer, day, rate == line.vat_rate)
    said = dict(number=order.number, item=line.item, day=day, old=rate_text(rate_key(line.vat_rate, line.vat_nature)),
                new=rate_text(rate_key(rate, nature)))
    if line.invoiced and line.invoiced >= line.quantity:
        return line, None, None
    if line.invoiced > line.shipped:
        return line, None, VAT_RATE_KEPT_PART_SHIPPED(at, **said)
    rest = line.quantity - line.shipped
    unit, amount = line.unit_price, line_amount(rest, line.unit_price) if line.shipped else line.amount
    if order.price_list in _vat_included(master):
        unit, amount = net_of_vat(rest, shelf_price(line.quantity, line.unit_price, line.vat_rate), rate)
    rate, unit, amount = _like(rate, line.vat_rate), _like(unit, line.unit_price), _like(amount, line.amount)
    split = dict(kept=line.shipped, kept_amount=_like(line_amount(line.shipped, line.unit_price), line.amount)
                 ) if line.shipped else {}
    rated = RatedAgain(line.id, rate, nature, unit, amount, **split)
    told = (VAT_RATE_CHANGED_REST(at, **said, shipped=line.shipped, rest=rest, unit=line.unit, line=line.line_no)
            if line.shipped else VAT_RATE_CHANGED(at, **said))
    return replace(line, vat_rate=rate, vat_nature=nature, unit_price=unit, amount=amount), rated, told


def _cell(master: MasterData, item: Item, customer: Customer, day: date, nature_alone: bool) -> Location:
    """The cell that gives a line its rate of `day`: *Nuova aliquota IVA* from *Dal*, else
    *Aliquota IVA*, or, when only the nature of a 0 % rate changed, the *Natura* that says it
    (the customer's when it has one)."""
    if nature_alone:
        return (master.locate(customer.source, "vat_nature") if customer.vat_nature
                else master.locate(item.source, "vat_nature"))
    return master.locate(item.source, "new_vat_rate" if item.vat_rate_on(day) != item.vat_rate else "vat_rate")


def rated_for_invoice(master: MasterData, orders: Sequence[Order], day: date
                      ) -> tuple[list[RatedAgain], list[Problem]]:
    """The lines of `orders` invoiced at the order on `day` before they ship (prepay, an
    invoice held for its day, a quotation confirmed for a customer invoiced at once), rated
    again for that day as shipping rates a line for its DDT's: such an invoice makes the sale on
    its date (art. 6 c. 4 DPR 633/72). A line shipped or invoiced in part is left as it is: the
    invoice charges what its DDTs have not, at the rate they shipped it."""
    in_force = rates_on(master, day)
    rated: list[RatedAgain] = []
    said: list[Problem] = []
    for order in orders:
        for line in order.lines:
            if line.shipped or line.invoiced or not off_rate(in_force, line):
                continue
            _, again, told = rated_for_delivery(master, order, line, day)
            if again is not None and told is not None:
                rated.append(again)
                said.append(VAT_RATE_CHANGED_AT_INVOICE(told.location, **dict(told.params)))
    return rated, said


def shelf_price(quantity: Decimal, unit_price: Decimal, rate: Decimal) -> Decimal:
    """The VAT-included price a line of `quantity` was made net from at `rate` (`net_of_vat`):
    its net price with the VAT, to the cent, or the cent beside it that gives the same net price,
    as a net amount rounded to the cent may take the gross half a cent × rate away.

    >>> shelf_price(Decimal(2), Decimal("16.82"), Decimal(10)), shelf_price(Decimal(1), Decimal("0.82"), Decimal(22))
    (Decimal('18.50'), Decimal('1.00'))
    """
    near = cents(unit_price * (100 + rate) / 100)
    for gross in (near, near - CENT, near + CENT):
        if net_of_vat(quantity, gross, rate)[0] == unit_price:
            return gross
    return near


def _like(value: Decimal, was: Decimal) -> Decimal:
    """`value` written to as many places as the value it replaces, or its own when more: a line
    read from the ledger has its columns' places (22.00, 19.500000), and the DDT made from the
    drafts reads as the ledger gives its lines back (`toolkit.ledger.shipments.stored_notes`).

    >>> _like(Decimal(10), Decimal("22.00")), _like(Decimal("17.7275"), Decimal("19.5"))
    (Decimal('10.00'), Decimal('17.7275'))
    """
    places = min(value.as_tuple().exponent, was.as_tuple().exponent)
    return value.quantize(Decimal(1).scaleb(places)) if isinstance(places, int) else value


@per_master
def _items(master: MasterData) -> dict[str, Item]:
    return {i.code: i for i in master.items}


@per_master
def _customers(master: MasterData) -> dict[str, Customer]:
    return {c.code: c for c in master.customers}


@per_master
def _vat_included(master: MasterData) -> frozenset[str]:
    return frozenset(p.code for p in master.price_lists if p.vat_included)
