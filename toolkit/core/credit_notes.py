"""A credit note against one invoice (nota di credito, TD04): `toolkit invoice credit`.

An order invoiced at once (an immediate invoice, POS, prepay, on credit) that will never ship
cannot be voided: its invoice would stay due (`toolkit.core.orders.VOID_INVOICED`). An invoice
billed in error, or for goods that will not leave, is set right by a credit note that takes
back its lines, all of them or those asked, never more than what earlier credit notes left
(`Creditable`). Each line of the note repeats the invoice line's goods, unit price and VAT
with the quantity and amount taken back, negative as every credit note's in the ledger, and
cites the invoice line (`InvoiceLine.credits_line_id`), not its order or DDT line: the goods
stay invoiced once, and the month-end run never bills them again. Its VAT is summed per rate
as an invoice's is (`toolkit.core.vat`); it cites the invoice (DatiFattureCollegate, the
printed "Rif. fattura"), carries the reason (Causale) and has no due dates.

Taking back all of a line leaves nothing of it: its remaining amount is the line's amount less
what was taken back before, so the notes on one invoice never add up to more than it, cent for
cent. Part of a line's quantity is priced as any line is (`line_amount`). The VAT of a note is
what it adds to the VAT of all credited of the invoice at each rate (`_vat_left`): partial
notes each round their own VAT, and the one that empties a rate takes the VAT left of it, so the
notes add up to the invoice's taxable, VAT and total exactly. The ledger keeps each rate's VAT
that is a cent from its taxable's (`schema.credit_vat`), so the XML, the print and the register
carry the VAT the note was issued with. The rest of a line that partial notes took cents
of is priced at what its amount makes of its quantity (`_priced`), for SDI's 00423.

A return's credit note (goods coming back on a return order, credited at month end) takes back
from the same lines (`take_back`): a return order does not say which delivery its goods come
from, so they are taken back from the customer's latest invoices that sold the item, on or
before the note, as far as each has something left. What is left of an invoice line is thus
what neither kind of note took back, and a return that gives back more than is left of the
invoices that sold its goods is refused (`OverReturn`): the goods would be paid back twice.
Goods no invoice in the ledger sold are credited as before, citing none.

A volume discount's credit note cites the invoices it reduces but takes back none of their
lines, so what is left of the lines does not know it: a note is also refused when, with what
earlier notes and returns took back and each discount note's share of the invoice, it would
credit more taxable than the invoice has (`discount_problems`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from itertools import accumulate

from toolkit.basics.cells import Location
from toolkit.basics.money import cents
from toolkit.basics.problems import Problem, ProblemType, define
from toolkit.basics.wording import number
from toolkit.core import stamp_duty
from toolkit.core.drafts import net_of_gross
from toolkit.core.einvoice.fields import fold
from toolkit.core.intent_ceiling import LETTER_OF_INTENT, letter_key
from toolkit.core.invoicing import CitedInvoice, Invoice, InvoiceKind, InvoiceLine, in_invoices
from toolkit.core.lines import line_amount, priced_from
from toolkit.core.vat import RateKey, VatLine, rate_key, rate_text, totals, vat_summary
from toolkit.model.parties import Parties

ZERO = Decimal(0)
REASON_LENGTH = 200
"""The longest reason: one FatturaPA Causale."""


def causale(reason: str) -> str:
    """The reason as the note stores, prints and sends it (Causale): typographic quotes, dashes
    and € folded as the e-invoice folds every text (`fold`: “rotta” → "rotta", € → EUR), so the
    print and the XML say the same; `ValueError` naming what FatturaPA cannot carry (an emoji,
    a non-Latin letter) or a reason longer than a Causale once folded: a final note with such a
    reason could never be sent, and no sheet holds it to fix.

    >>> causale("Reso 5 € – merce “rotta”")
    'Reso 5 EUR - merce "rotta"'
    """
    text = fold(" ".join(reason.split())) or ""
    if not text:
        raise ValueError("")
    bad = sorted({c for c in text if ord(c) > 0xFF})
    if bad or len(text) > REASON_LENGTH:
        raise ValueError(" ".join(bad))
    return text

UNKNOWN_INVOICE = define(
    "credit-unknown-invoice", "error",
    it="Nel registro non c'è la fattura {number} indicata in {asked_in}: controlla il numero (es. FT-2026-00001; "
       "toolkit payments status le elenca).",
    en="The ledger has no invoice {number}, named in {asked_in}: check the number (e.g. FT-2026-00001; "
       "toolkit payments status lists them).")
AMBIGUOUS_INVOICE = define(
    "credit-ambiguous-invoice", "error",
    it="«{typed}» indicato in {asked_in} può essere più di una fattura del registro: {numbers}. Scrivi il numero per "
       "intero (es. {first}); nulla è stato registrato.",
    en="“{typed}”, named in {asked_in}, may be more than one invoice of the ledger: {numbers}. Type the number in "
       "full (e.g. {first}); nothing was stored.", usage=True)
NOT_AN_INVOICE = define(
    "credit-of-credit-note", "error",
    it="{number} indicato in {asked_in} è una nota di credito, non una fattura: indica la fattura che corregge.",
    en="{number}, named in {asked_in}, is a credit note, not an invoice: name the invoice it corrects.")
DRAFT_INVOICE = define(
    "credit-of-draft-invoice", "error",
    it="La fattura {number} è ancora in bozza (emissione {run_id}): non serve una nota di credito, annulla "
       "l'emissione (toolkit invoice undo {workbook} {run_id}) e rifalla.",
    en="Invoice {number} is still a draft (run {run_id}): no credit note is needed, undo the run "
       "(toolkit invoice undo {workbook} {run_id}) and run it again.", usage=True)
UNKNOWN_LINE = define(
    "credit-unknown-line", "error",
    it="La fattura {number} non ha la riga {line} indicata in {asked_in}: le sue righe vanno da 1 a {last}.",
    en="Invoice {number} has no line {line}, named in {asked_in}: its lines run from 1 to {last}.")
OVER_CREDIT = define(
    "credit-over-invoice", "error",
    it="La fattura {number}, riga {line} ({item}): resta da accreditare {left} {unit}, non {asked}; nulla è stato "
       "registrato.{notes_it} Indica in {asked_in} al massimo ciò che resta.",
    en="Invoice {number}, line {line} ({item}): {left} {unit} is left to credit, not {asked}; nothing was "
       "stored.{notes_en} Ask {asked_in} for at most what is left.")
REPEATED_LINE = define(
    "credit-line-repeated", "error",
    it="Riga della fattura indicata più di una volta in {asked_in} ({asked}): riga {lines}. Nulla è stato registrato: "
       "indica ogni riga una volta sola, con tutta la quantità da accreditare (es. {first}:2), o senza quantità per "
       "tutto ciò che ne resta (es. {first}).",
    en="Invoice line named more than once in {asked_in} ({asked}): line {lines}. Nothing was stored: name each line "
       "once, with all the quantity to credit (e.g. {first}:2), or without a quantity for all that is left of it "
       "(e.g. {first}).")
AMBIGUOUS_LINES = define(
    "credit-lines-ambiguous", "error",
    it="«{typed}» è ambiguo: per {quantity},{number} unità della riga {line} scrivi {as_decimals} (il punto per i "
       "decimali); per tutta la riga {whole} oltre a {quantity} della riga {line} scrivila prima: {as_lines}. Nulla "
       "è stato registrato.",
    en="“{typed}” is ambiguous: for {quantity}.{number} units of line {line} write {as_decimals} (a point for "
       "decimals); for all of line {whole} besides {quantity} of line {line} put it first: {as_lines}. Nothing was "
       "stored.")
ALL_CREDITED = define(
    "credit-nothing-left", "error",
    it="La fattura {number} ({total} €) è già accreditata per intero dalle note di credito {notes}: non resta "
       "nulla da accreditare.",
    en="Invoice {number} ({total} €) is credited in full already, by credit notes {notes}: nothing is left "
       "to credit.")
STAMP_DUTY_LEFT = define(
    "credit-stamp-duty-left", "warning",
    it="La nota di credito non restituisce il bollo di {amount} € che la fattura {number} addebita (riga {line}): "
       "l'imposta era dovuta sulla fattura emessa, che resta da incassare per {amount} €. Per restituirlo comunque, "
       "indica la riga in {asked_in}: {line}.",
    en="The credit note does not give back the {amount} € stamp duty invoice {number} charges (line {line}): the "
       "duty was owed on the invoice as issued, which stays due for {amount} €. To give it back all the same, name "
       "the line in {asked_in}: {line}.",
    title=("Bollo della fattura non restituito", "Invoice's stamp duty not given back"))
ONLY_STAMP_DUTY_LEFT = define(
    "credit-only-stamp-duty-left", "error",
    it="Della fattura {number} le note di credito {notes} hanno già accreditato tutto tranne il bollo di {amount} € "
       "(riga {line}), dovuto sulla fattura emessa: nulla è stato registrato. Per restituirlo comunque, indica la "
       "riga in {asked_in}: {line}.",
    en="Of invoice {number}, credit notes {notes} credited everything already but the {amount} € stamp duty (line "
       "{line}), owed on the invoice as issued: nothing was stored. To give it back all the same, name the line "
       "in {asked_in}: {line}.")
BEFORE_INVOICE = define(
    "credit-before-invoice", "error",
    it="La nota di credito sarebbe datata {day}, prima della fattura {number} del {invoice_day} che corregge: "
       "indica con --date un giorno dal {invoice_day} in poi.",
    en="The credit note would be dated {day}, before invoice {number} of {invoice_day} it corrects: give "
       "--date a day from {invoice_day} on.")
RETURN_CREDITED = define(
    "return-credited-already", "error",
    it="Il reso {order}{ddt} restituisce {asked} {unit} di {item}, ma delle fatture che li hanno venduti "
       "({invoices}) resta da accreditare solo {left} {unit}: il resto è già stato accreditato dalle note di credito "
       "{notes}. {waits} Controlla con il cliente se quella merce è già stata rimborsata. Se sì, registra che "
       "non è dovuto alcun accredito (toolkit returns no-credit anagrafiche.xlsx --order {order} --reason \"…\"): "
       "{then}",
    en="Return {order}{ddt} gives back {asked} {unit} of {item}, but of the invoices that sold them "
       "({invoices}) only {left} {unit} is left to credit: the rest was credited already by credit notes {notes}. "
       "{waits} Check with the customer whether those goods were paid back already. If so, record that no credit "
       "is due (toolkit returns no-credit anagrafiche.xlsx --order {order} --reason \"…\"): {then}")
OVER_DISCOUNT = define(
    "credit-over-discount", "error",
    it="La fattura {number} ha {taxable} € di imponibile{at}; ne sono già stati accreditati {credited} € da note di "
       "credito e resi e {discounted} € dallo sconto volume (note di credito {notes}): resta da accreditare al "
       "massimo {left} € di imponibile, non {asked} €. Nulla è stato registrato: indica in {asked_in} meno "
       "quantità (es. 1:2), perché la stessa merce non sia rimborsata due volte.",
    en="Invoice {number} has {taxable} € of taxable{at}; {credited} € of it was credited already by credit notes and "
       "returns and {discounted} € by the volume discount (credit notes {notes}): at most {left} € of taxable is "
       "left to credit, not {asked} €. Nothing was stored: ask {asked_in} for fewer quantities (e.g. 1:2), so the "
       "same goods are not paid back twice.")
RETURN_ABOVE_INVOICE = define(
    "return-priced-above-invoice", "warning",
    title=("Reso accreditato al prezzo della fattura", "Return credited at the invoice's price"),
    it="Il reso {order}{ddt} restituisce {quantity} {unit} di {item} a {price} € l'uno, ma {invoice} "
       "li ha venduti a {sold_price} €: sono accreditati al prezzo della fattura, {credited} € invece di {asked} €, "
       "perché la nota di credito non può restituire più di quanto la fattura ha addebitato (art. 26 DPR 633/72). "
       "Se il prezzo del reso era giusto, controlla con il cliente.",
    en="Return {order}{ddt} gives back {quantity} {unit} of {item} at {price} € each, but {invoice} "
       "sold them at {sold_price} €: they are credited at the invoice's price, {credited} € instead of {asked} €, "
       "since a credit note cannot give back more than the invoice charged (art. 26 DPR 633/72). If the return's "
       "price was right, check with the customer.")
RETURN_OVER_DISCOUNT = define(
    "return-over-discount", "error",
    it="Il reso {order}{ddt} accrediterebbe {asked} € di imponibile{at} della fattura {number}, ma ne restano "
       "da accreditare {left} €: la fattura ha {taxable} € di imponibile{at}, di cui {credited} € già accreditati "
       "da note di credito e resi precedenti e {discounted} € dallo sconto volume (note di credito {notes}). Il reso "
       "non è stato accreditato, perché lo sconto ha già rimborsato parte di quella merce: controlla con il "
       "cliente; {waits}",
    en="Return {order}{ddt} would credit {asked} € of taxable{at} of invoice {number}, but {left} € is left to "
       "credit: the invoice has {taxable} € of taxable{at}, {credited} € of it credited already by credit notes "
       "and earlier returns and {discounted} € by the volume discount (credit notes {notes}). The return was not "
       "credited, the discount having paid part of those goods back already: check with the customer; {waits}")
MIXED_SPLIT_PAYMENT = define(
    "credit-mixed-split-payment", "error",
    it="La nota di credito per il cliente {customer} correggerebbe fatture emesse in scissione dei pagamenti "
       "({split}) e fatture emesse senza ({plain}): una nota segue le fatture che corregge (art. 26 e 17-ter DPR "
       "633/72) e non può avere la scissione e non averla insieme, quindi la nota non è stata emessa. Il cliente ha "
       "cambiato «Scissione pagamenti» tra quelle fatture: emetti a mano una nota per le fatture dell'uno e una per "
       "quelle dell'altro tipo.",
    en="The credit note for customer {customer} would correct invoices issued under split payment ({split}) and "
       "invoices issued without it ({plain}): a note follows the invoices it corrects (art. 26 and 17-ter DPR "
       "633/72) and cannot both bear split payment and not, so the note was not issued. The customer's “Scissione "
       "pagamenti” changed between those invoices: issue by hand one note for the invoices of each kind.")
RETURN_MIXED_SPLIT = define(
    "return-mixed-split-payment", "error",
    it="Il reso {order}{ddt} riprende merce venduta da fatture emesse in scissione dei pagamenti ({split}) e da "
       "fatture emesse senza ({plain}), nella stessa nota di credito: una nota segue le fatture che corregge (art. 26 "
       "e 17-ter DPR 633/72) e non può avere la scissione e non averla insieme, quindi il reso non è stato "
       "accreditato; {waits} {after}",
    en="Return {order}{ddt} takes back goods sold by invoices issued under split payment ({split}) and by invoices "
       "issued without it ({plain}), on the same credit note: a note follows the invoices it corrects (art. 26 and "
       "17-ter DPR 633/72) and cannot both bear split payment and not, so the return was not credited; {waits} "
       "{after}")
RETURN_MIXED_VAT = define(
    "return-mixed-vat", "error",
    it="Il reso {order}{ddt} restituisce {item}, che le fatture che lo hanno venduto ({invoices}) hanno addebitato "
       "con IVA {sold}, mentre il reso ha IVA {own}: una nota di credito corregge ogni operazione con l'aliquota "
       "della fattura (art. 26 DPR 633/72), e una sola riga del reso non può averne due (la nota divide una riga "
       "solo tra la merce venduta senza IVA con una dichiarazione d'intento, N3.5, e quella venduta oltre con "
       "l'IVA), quindi il reso non è stato accreditato; {waits} Registra che il reso non va accreditato (toolkit "
       "returns no-credit anagrafiche.xlsx --order {order} --reason \"…\") e accredita ciascuna fattura a parte "
       "(toolkit invoice credit --invoice … --lines …).",
    en="Return {order}{ddt} gives back {item}, which the invoices that sold it ({invoices}) charged with VAT {sold}, "
       "while the return bears VAT {own}: a credit note corrects each operation at the invoice's rate (art. 26 DPR "
       "633/72), and one line of the return cannot bear two (a note splits a line only between goods sold "
       "without VAT under a letter of intent, N3.5, and those sold beyond it with VAT), so the return was not "
       "credited; {waits} Record that the return is not to be credited (toolkit returns no-credit "
       "anagrafiche.xlsx --order {order} --reason \"…\") and credit each invoice apart (toolkit invoice credit "
       "--invoice … --lines …).")
IN_FUTURE = define(
    "credit-date-in-future", "error",
    it="La data {day} è successiva a oggi ({today}): le note di credito non si datano nel futuro.",
    en="Date {day} is after today ({today}): credit notes are not dated in the future.")


@dataclass(frozen=True, slots=True)
class Creditable:
    """An invoice line and what credit notes took back of it so far (negative sums), and those
    notes' numbers (`credited_by`), which a refusal of more than is left of the line names."""

    line: InvoiceLine
    line_id: int
    credited_quantity: Decimal = ZERO
    credited_amount: Decimal = ZERO
    credited_by: tuple[str, ...] = ()

    @property
    def quantity_left(self) -> Decimal:
        return self.line.quantity + self.credited_quantity

    @property
    def amount_left(self) -> Decimal:
        return self.line.amount + self.credited_amount


Asked = Sequence[tuple[int, Decimal | None]]
"""`--lines`: (line number, quantity to take back; None: all that is left of it)."""


_QUANTITY = re.compile(r"\d+(\.\d{1,3})?")
"""A quantity in --lines: digits, a point and at most three decimals; no exponent (1e2), no sign."""


class AmbiguousLines(ValueError):
    """`--lines 1:1,5`: a bare line number right after a whole quantity reads as a decimal comma
    as well as a second line (1.5 of line 1, or line 1's 1 and all of line 5); refused, not
    guessed. Only when both readings are valid `--lines`, so each way the refusal shows is one
    the desk can type: `1:1.5,4` has its decimals already (line 4 whole), `1:1,5000` would be a
    fourth decimal (line 5000), `1:1,0` no line."""

    def __init__(self, quantity_piece: str, number: str) -> None:
        super().__init__(f"{quantity_piece},{number}")
        self.line, _, self.quantity = (part.strip() for part in quantity_piece.partition(":"))
        self.number = number

    @property
    def as_decimals(self) -> str:
        """The quantity with the bare number as its decimals: `1:1.5`."""
        return f"{self.line}:{self.quantity}.{self.number}"

    @property
    def as_lines(self) -> str:
        """The bare number as a whole line, first: `5,1:1`."""
        return f"{int(self.number)},{self.line}:{self.quantity}"

    def problem(self, at: Location | None = None) -> Problem:
        """The refusal naming both readings, each as it is typed: what `--lines` and the panel's
        *Righe da accreditare* both say."""
        return AMBIGUOUS_LINES(at, typed=str(self), quantity=self.quantity, number=self.number, line=self.line,
                               whole=str(int(self.number)), as_decimals=self.as_decimals, as_lines=self.as_lines)


class RepeatedLines(ValueError):
    """`--lines 1:6,1:6` or `1,1`: a line named twice, most likely a slip (a line number typed
    again for the next one); refused rather than added up, as the desk meant something else."""

    def __init__(self, asked: Asked) -> None:
        self.lines, self.asked = repeated(asked), tuple(asked)
        super().__init__(", ".join(map(str, self.lines)))

    def problem(self, asked_in: str, at: Location | None = None) -> Problem:
        return repeated_problem(self.lines, self.asked, asked_in, at)


def repeated(asked: Asked) -> list[int]:
    """The line numbers `asked` names more than once, in order.

    >>> repeated([(1, None), (2, Decimal(6)), (1, Decimal(6)), (2, None), (3, None)])
    [1, 2]
    """
    seen = Counter(line for line, _ in asked)
    return [line for line, times in seen.items() if times > 1]


@dataclass(frozen=True, slots=True)
class AskedIn:
    """Where the user named the invoice and its lines, as a refusal names them for the fix:
    the command's options, or the cells of the workbook's panel (`Pannello!B4`)."""

    invoice: str = "--invoice"
    lines: str = "--lines"
    again: tuple[str, str] = ("ripeti il comando aggiungendo --again", "run the command again adding --again")
    """How a second note for lines already credited by a note never printed is confirmed."""


OPTIONS = AskedIn()
"""`toolkit invoice credit`'s options."""


def parse_lines(text: str) -> list[tuple[int, Decimal | None]]:
    """`--lines 1,3` (all that is left of lines 1 and 3) or `2:4` (4 of line 2's quantity);
    `ValueError` when a piece is neither, `AmbiguousLines` when a bare number follows a whole
    quantity (1:1,5): the lines taken whole go first (5,1:1), decimals take a point (1:1.5);
    `RepeatedLines` when a line is named twice (1:6,1:6).

    >>> parse_lines("1, 3:2.5"), parse_lines("1:1.5,4")
    ([(1, None), (3, Decimal('2.5'))], [(1, Decimal('1.5')), (4, None)])
    """
    asked: list[tuple[int, Decimal | None]] = []
    pieces = [p.strip() for p in text.split(",")]
    for n, piece in enumerate(pieces):
        number, colon, quantity = (part.strip() for part in piece.partition(":"))
        if not colon and n and _decimals_too(pieces[n - 1], number):
            raise AmbiguousLines(pieces[n - 1], number)
        if not number.isdigit() or int(number) < 1 or (colon and not _QUANTITY.fullmatch(quantity)):
            raise ValueError(piece)
        amount = Decimal(quantity) if colon else None
        if amount is not None and amount <= 0:
            raise ValueError(piece)
        asked.append((int(number), amount))
    if repeated(asked):
        raise RepeatedLines(asked)
    return asked


def _decimals_too(before: str, number: str) -> bool:
    """Whether the bare `number` after the piece `before` reads as the decimals of its quantity
    as well as a line: `before` a whole quantity (no point yet), `number` a line (not 0) and at
    most three digits, as decimals may be."""
    _, colon, quantity = (part.strip() for part in before.partition(":"))
    return bool(colon) and quantity.isdigit() and number.isdigit() and int(number) > 0 and len(number) <= 3


def repeated_problem(lines: Sequence[int], asked: Asked, asked_in: str, at: Location | None = None) -> Problem:
    """The refusal of lines named twice (`repeated`), quoting what was asked of them."""
    shown = ",".join(f"{line}:{quantity}" if quantity is not None else str(line)
                     for line, quantity in asked if line in lines)
    return REPEATED_LINE(at, lines=", ".join(map(str, lines)), asked_in=asked_in, asked=shown, first=lines[0])


def credit_note(invoice: Invoice, lines: Sequence[Creditable], asked: Asked, day: date, reason: str,
                credited_by: Sequence[str] = (), asked_in: AskedIn = OPTIONS) -> Invoice | list[Problem]:
    """The credit note taking back `asked` of `invoice` (every line with something left when
    nothing is asked), dated `day`; or the problems that refuse it, naming the lines where the
    user asked them (`asked_in`). `credited_by` are the credit notes that took back some of it
    before, named when nothing is left; a line asked for more than is left names its own
    (`Creditable.credited_by`), not notes that credited other lines."""
    number = invoice.number or "?"
    if twice := repeated(asked):
        return [repeated_problem(twice, asked, asked_in.lines)]
    by_no = {c.line.line_no: c for c in lines}
    chosen: list[tuple[Creditable, Decimal | None]] = []
    problems: list[Problem] = []
    for line_no, quantity in asked:
        found = by_no.get(line_no)
        if found is None:
            problems.append(UNKNOWN_LINE(None, number=number, line=line_no, last=max(by_no, default=0),
                                         asked_in=asked_in.lines))
        elif found.quantity_left <= 0 or (quantity is not None and quantity > found.quantity_left):
            problems.append(OVER_CREDIT(None, number=number, line=line_no, item=found.line.item or
                                        found.line.description, left=found.quantity_left,
                                        unit=found.line.unit, asked=quantity or found.line.quantity,
                                        asked_in=asked_in.lines, **_credited_by(found.credited_by)))
        else:
            chosen.append((found, quantity))
    if not asked:
        chosen = [(c, None) for c in lines if c.quantity_left > 0 and not charged_stamp(c.line)]
        stamp = [c for c in lines if c.quantity_left > 0 and charged_stamp(c.line)]
        if not chosen and stamp:
            problems.append(ONLY_STAMP_DUTY_LEFT(None, number=number, notes=", ".join(credited_by) or "—",
                                                 amount=stamp[0].amount_left, line=stamp[0].line.line_no,
                                                 asked_in=asked_in.lines))
        elif not chosen:
            problems.append(ALL_CREDITED(None, number=number, total=invoice.total,
                                         notes=", ".join(credited_by) or "—"))
    if problems:
        return problems
    taken = tuple(_taken(c, quantity, n) for n, (c, quantity) in enumerate(chosen, start=1))
    summary = _vat_left(taken, lines)
    taxable, vat, total = totals(summary)
    cited = CitedInvoice(invoice.id or 0, number, invoice.invoice_date, -taxable)
    return Invoice(InvoiceKind.CREDIT_NOTE, invoice.customer, invoice.group_key, invoice.period, day, taken, summary,
                   taxable, vat, total, invoice.payment_method, invoice.payment_terms, (), cites=(cited,),
                   reason=reason)


def _credited_by(notes: Sequence[str]) -> dict[str, str]:
    """The sentence naming the credit notes that took back some of a line, for a refusal of
    more than is left of it: what was credited, and where, when the desk remembers none."""
    if not notes:
        return {"notes_it": "", "notes_en": ""}
    named = ", ".join(notes)
    return {"notes_it": f" Ne hanno già accreditato una parte le note di credito {named}.",
            "notes_en": f" Credit notes {named} took back part of it already."}


def stamp_duty_left(invoice: Invoice, lines: Sequence[Creditable], asked: Asked,
                    asked_in: AskedIn = OPTIONS) -> list[Problem]:
    """The warning that a note crediting the whole invoice (nothing `asked`) leaves its charged
    stamp duty due, naming the line that gives it back; none when earlier notes took it back."""
    return [STAMP_DUTY_LEFT(None, amount=c.amount_left, number=invoice.number or "?", line=c.line.line_no,
                            asked_in=asked_in.lines)
            for c in lines if not asked and c.quantity_left > 0 and charged_stamp(c.line)]


def charged_stamp(line: InvoiceLine) -> bool:
    """Whether the line charged the invoice's stamp duty to the customer: a whole-invoice note
    leaves it, as the duty was owed and paid on the invoice (art. 13 Tariffa, DPR 642/72) and no
    credit note gives it back to the seller; `--lines` naming it takes it back all the same. A
    debit note's rate and its refusal of an invoice credited in full leave it aside too
    (`toolkit.core.debit_notes`)."""
    return line.charged_stamp_duty and stamp_duty.is_charge(line.description)


@dataclass(frozen=True, slots=True)
class DiscountShare:
    """What a volume discount's credit note (`note`, its number) took off the invoice: its share
    of the note's taxable (`toolkit.core.volume_discounts.taken_off`), positive, and that share
    per VAT rate as the note's lines split the discount (`by_rate`)."""

    note: str
    amount: Decimal
    by_rate: tuple[tuple[RateKey, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class AtRate:
    """The VAT rate a message names after an invoice's taxable (" al 4%", " esente N2"): nothing
    on an invoice of one rate, whose taxable is all of it."""

    key: RateKey | None

    def shown(self, lang: str) -> str:
        if self.key is None:
            return ""
        rate, nature = self.key
        if rate or not nature:
            return f" {'al' if lang == 'it' else 'at'} {number(rate, lang)}%"
        return f" {'esente' if lang == 'it' else 'exempt'} {nature}"


_RETURN_WAITS = {
    ("waits", True): ("Il reso non è stato accreditato, per non rimborsare due volte la stessa merce, e il suo DDT "
                      "resta tra quelli da fatturare.",
                      "The return was not credited, so as not to pay the same goods back twice, and its DDT stays "
                      "among those to invoice."),
    ("waits", False): ("La sua nota di credito non è stata emessa, per non rimborsare due volte la stessa merce: "
                       "l'ordine di reso resta in attesa di accredito, e la merce rientra con il suo DDT come per "
                       "ogni reso.",
                       "Its credit note was not issued, so as not to pay the same goods back twice: the return "
                       "order waits to be credited, and the goods come back on its DDT as for any return."),
    ("then", True): ("il reso si chiude e il DDT non torna più alla fatturazione.",
                     "the return is closed and its DDT no longer comes back to invoicing."),
    ("then", False): ("il reso non sarà accreditato, né ora né quando la merce rientrerà con il suo DDT.",
                      "the return will not be credited, neither now nor when the goods come back on its DDT."),
    ("stays", True): ("il suo DDT resta tra quelli da fatturare.", "its DDT stays among those to invoice."),
    ("stays", False): ("l'ordine di reso resta in attesa di accredito, la sua nota di credito non emessa.",
                       "the return order waits to be credited, its credit note not issued."),
}


@dataclass(frozen=True, slots=True)
class ReturnWaits:
    """What a refused return's message says of where it waits (`part`): its DDT named after the
    order (`named`), what happens next (`waits`, `stays`) and after `returns no-credit` (`then`).
    A return credited at the order (`ddt` None) has no DDT to name nor to wait among those to
    invoice: its credit note waits, its goods still to come back, and `returns no-credit`
    records now that none is due."""

    ddt: str | None
    part: str

    def shown(self, lang: str) -> str:
        if self.part == "named":
            return f" (DDT {self.ddt})" if self.ddt else ""
        return _RETURN_WAITS[(self.part, self.ddt is not None)][0 if lang == "it" else 1]


def _waits(line: InvoiceLine, waits: str) -> dict[str, ReturnWaits]:
    """A refused return line's `ReturnWaits` parameters, by its DDT (none at the order): `waits`
    says what happens next in the words of the refusal."""
    ddt = line.delivery.number if line.delivery else None
    return {"ddt": ReturnWaits(ddt, "named"), "waits": ReturnWaits(ddt, waits), "then": ReturnWaits(ddt, "then")}


@dataclass(frozen=True, slots=True)
class Room:
    """An invoice's taxable at one VAT rate, what credit notes and returns credited of it and
    what the volume discounts took off it (positive): what is left to credit there."""

    key: RateKey
    taxable: Decimal
    credited: Decimal
    discounted: Decimal

    @property
    def left(self) -> Decimal:
        return self.taxable - self.credited - self.discounted


@dataclass(frozen=True, slots=True)
class Headroom:
    """What is left to credit of an invoice a volume discount cites, rate by rate (`Room`),
    and the discount notes that took their share of it."""

    number: str
    rooms: tuple[Room, ...]
    discounts: tuple[DiscountShare, ...]

    def at(self, key: RateKey) -> Room:
        return next((r for r in self.rooms if r.key == key), Room(key, ZERO, ZERO, ZERO))

    def named(self, key: RateKey) -> AtRate:
        """The rate as a message names it: only when the invoice has more than one."""
        return AtRate(key if len(self.rooms) > 1 else None)

    @property
    def notes(self) -> str:
        return ", ".join(d.note for d in self.discounts)


def headroom(invoice: Invoice, lines: Sequence[Creditable], discounts: Sequence[DiscountShare]) -> Headroom:
    """The invoice's `Headroom`: per VAT rate its taxable, less what credit notes and returns took
    back of its lines at that rate (`lines`) and the discounts' shares at that rate. Per rate,
    not on the whole taxable: a note crediting the 22% lines must not use the room the 4% ones
    leave, or its VAT would give back more than the invoice charged at 22%."""
    credited = {(s.rate, s.nature): -s.taxable for s in vat_summary(
        (c.credited_amount, c.line.vat_rate, c.line.vat_nature) for c in lines)}
    discounted: dict[RateKey, Decimal] = defaultdict(Decimal)
    for d in discounts:
        for key, amount in d.by_rate:
            discounted[key] += amount
    rooms = tuple(Room((s.rate, s.nature), s.taxable, cents(credited.get((s.rate, s.nature), ZERO)),
                       discounted.get((s.rate, s.nature), ZERO)) for s in invoice.summary)
    return Headroom(invoice.number or "", rooms, tuple(discounts))


def discount_problems(invoice: Invoice, lines: Sequence[Creditable], note: Invoice,
                      discounts: Sequence[DiscountShare], asked_in: AskedIn = OPTIONS) -> list[Problem]:
    """The note refused when, at some VAT rate, with what credit notes and returns took back of
    the invoice's lines (`lines`) and the volume discounts' shares of it, it would credit more
    taxable than the invoice has at that rate: a discount note cites the invoice without taking
    back its lines, so the lines alone would let the discount be paid back a second time."""
    if not discounts:
        return []
    room = headroom(invoice, lines, discounts)
    return [_over_discount(room, (s.rate, s.nature), -s.taxable, asked_in.lines)
            for s in note.summary if -s.taxable > room.at((s.rate, s.nature)).left]


def _over_discount(room: Headroom, key: RateKey, asked: Decimal, asked_in: str) -> Problem:
    at = room.at(key)
    return OVER_DISCOUNT(None, number=room.number, at=room.named(key), taxable=at.taxable, credited=at.credited,
                         discounted=at.discounted, notes=room.notes, left=max(at.left, ZERO), asked=asked,
                         asked_in=asked_in)


@dataclass(frozen=True, slots=True)
class ReturnOverDiscount:
    """A return that, with what earlier notes, returns and volume discounts took of an invoice it
    takes its goods back from, would credit more taxable than that invoice has at a VAT rate
    (`room`): the discount paid part of those goods back already. `asked` is all the return
    credits of that invoice at that rate, its lines together; `line` its first line there."""

    note: int
    line: InvoiceLine
    room: Headroom
    key: RateKey
    asked: Decimal

    @property
    def problem(self) -> Problem:
        at = self.room.at(self.key)
        return RETURN_OVER_DISCOUNT(None, order=self.line.order_number, **_waits(self.line, "stays"),
                                    asked=self.asked, number=self.room.number, at=self.room.named(self.key),
                                    taxable=at.taxable, credited=at.credited, discounted=at.discounted,
                                    notes=self.room.notes, left=max(at.left, ZERO))


def over_discount(taken: Sequence[TakenBack], rooms: Mapping[int, Headroom]) -> list[ReturnOverDiscount]:
    """The returns that would credit more of an invoice a volume discount cites (`rooms`, by
    invoice id) than is left of its taxable at a VAT rate, all their lines there together (a
    return is credited or refused whole), the returns taken in order, each within what the ones
    before it left; a return refused takes nothing, so the next ones may use what it would have.
    Refused whole, as a return crediting goods credited already is (`take_back`), so that no
    invoice is credited beyond what it charged."""
    used: dict[tuple[int, RateKey], Decimal] = defaultdict(Decimal)
    by_return: dict[tuple[int, str, int | None], list[TakenBack]] = defaultdict(list)
    for t in taken:
        if t.sold.invoice_id in rooms:
            by_return[(t.note, t.line.order_number, t.line.delivery.id if t.line.delivery else None)].append(t)
    refused = []
    for parts in by_return.values():
        asked: dict[tuple[int, RateKey], Decimal] = defaultdict(Decimal)
        first: dict[tuple[int, RateKey], InvoiceLine] = {}
        for t in parts:
            assert t.sold.invoice_id is not None
            found = (t.sold.invoice_id, rate_key(t.sold.left.line.vat_rate, t.sold.left.line.vat_nature))
            asked[found] -= t.amount
            first.setdefault(found, t.line)
        over = next(((invoice_id, key, amount) for (invoice_id, key), amount in asked.items()
                     if used[(invoice_id, key)] + amount > rooms[invoice_id].at(key).left), None)
        if over is not None:
            invoice_id, key, amount = over
            refused.append(ReturnOverDiscount(parts[0].note, first[(invoice_id, key)], _used(
                rooms[invoice_id], key, used[(invoice_id, key)]), key, amount))
            continue
        for found, amount in asked.items():
            used[found] += amount
    return refused


_MIXED_NEXT = {
    True: ("La prossima fatturazione lo accredita da solo, in una nota di credito a parte.",
           "The next invoicing credits it alone, on a credit note of its own."),
    False: ("Il cliente ha cambiato «Scissione pagamenti» tra quelle fatture: registra che il reso non va accreditato "
            "(toolkit returns no-credit anagrafiche.xlsx --order {order} --reason \"…\") e accredita ciascuna "
            "fattura a parte (toolkit invoice credit --invoice …).",
            "The customer's “Scissione pagamenti” changed between those invoices: record that the return is not to "
            "be credited (toolkit returns no-credit anagrafiche.xlsx --order {order} --reason \"…\") and credit each "
            "invoice apart (toolkit invoice credit --invoice …)."),
}


@dataclass(frozen=True, slots=True)
class MixedNext:
    """What a return refused for mixing split payment (`ReturnMixesSplit`) waits for: alone
    (its own invoices all of one kind) the next run credits it on a note of its own; else only
    the desk can, invoice by invoice."""

    alone: bool
    order: str

    def shown(self, lang: str) -> str:
        return _MIXED_NEXT[self.alone][0 if lang == "it" else 1].format(order=self.order)


@dataclass(frozen=True, slots=True)
class ReturnMixesSplit:
    """A return whose goods come back from invoices issued under split payment and without
    (`split`, `plain`: by number, one the same run drafts as this run's of its date, as
    `SellingInvoices` names them), itself or with the returns before it on the same credit
    note (`alone`: its own invoices are of one kind): the note, following the invoices it
    corrects, could not bear split payment and not at once."""

    note: int
    line: InvoiceLine
    split: SellingInvoices
    plain: SellingInvoices
    alone: bool

    @property
    def problem(self) -> Problem:
        return RETURN_MIXED_SPLIT(None, order=self.line.order_number, **_waits(self.line, "stays"),
                                  split=self.split, plain=self.plain, after=MixedNext(self.alone, self.line.order_number))


def mixed_split(taken: Sequence[TakenBack], bore: Callable[[Sold], bool],
                refused: Collection[tuple[int, str, int | None]] = ()) -> list[ReturnMixesSplit]:
    """The returns refused because their credit note would correct invoices issued under split
    payment and without (`bore`: whether the invoice a part takes its goods back from did), the
    returns of a note (by order and DDT, as `over_discount` takes them; those already `refused`
    left out) taken in order: the note follows the invoices of its first return, and a return
    whose own invoices are of the other kind, or of both, waits. A note follows the invoice it
    corrects (art. 26 with art. 17-ter DPR 633/72), and one note has one setting."""
    by_return: dict[tuple[int, str, int | None], list[TakenBack]] = defaultdict(list)
    for t in taken:
        key = (t.note, t.line.order_number, t.line.delivery.id if t.line.delivery else None)
        if key not in refused:
            by_return[key].append(t)
    followed: dict[int, tuple[bool, SellingInvoices]] = {}
    found = []
    for (note, _, _), parts in by_return.items():
        numbers = {kind: SellingInvoices.of(t.sold for t in parts if bore(t.sold) is kind) for kind in (True, False)}
        kinds = [kind for kind in (True, False) if numbers[kind].sold]
        if len(kinds) == 1:
            kind = kinds[0]
            first, named = followed.setdefault(note, (kind, numbers[kind]))
            if first is kind:
                continue
            numbers[first] = named
        found.append(ReturnMixesSplit(note, parts[0].line, numbers[True], numbers[False], len(kinds) == 1))
    return found


def _used(room: Headroom, key: RateKey, amount: Decimal) -> Headroom:
    """The headroom with `amount` more credited at `key`, by the returns of the same run before."""
    if not amount:
        return room
    return replace(room, rooms=tuple(replace(r, credited=r.credited + amount) if r.key == key else r
                                     for r in room.rooms))


def _vat_left(taken: Sequence[InvoiceLine], lines: Sequence[Creditable]) -> tuple[VatLine, ...]:
    """The note's VAT per rate as what it adds to the VAT of all that is credited of the invoice
    at that rate: VAT(credited after it) − VAT(credited before it), each on the rate's sum as the
    invoice's is. Partial notes each round their own VAT, a cent up or down; so taken, the notes'
    VAT adds up to the invoice's VAT exactly, and the note that empties a rate takes the VAT
    left of it, while each note's VAT stays within a cent of its taxable × rate (SDI's 00421)."""
    before = {(s.rate, s.nature): s.taxable for s in vat_summary(
        (-c.credited_amount, c.line.vat_rate, c.line.vat_nature) for c in lines)}
    return tuple(replace(s, vat=_vat_on(before.get((s.rate, s.nature), ZERO) - s.taxable, s.rate)
                         - _vat_on(before.get((s.rate, s.nature), ZERO), s.rate))
                 if s.rate else s
                 for s in vat_summary((line.amount, line.vat_rate, line.vat_nature) for line in taken))


def _vat_on(taxable: Decimal, rate: Decimal) -> Decimal:
    """The VAT of a rate's taxable (positive), negative as a credit note's figures."""
    return -cents(taxable * rate / 100)


def _taken(c: Creditable, quantity: Decimal | None, line_no: int) -> InvoiceLine:
    """The credit note's line taking back `quantity` of `c` (None: all that is left)."""
    if quantity is None or quantity == c.quantity_left:
        quantity, amount = c.quantity_left, c.amount_left
    else:
        amount = min(line_amount(quantity, c.line.unit_price), c.amount_left)
    line = replace(c.line, quantity=-quantity, amount=-amount, line_no=line_no, order_line_id=None,
                   delivery_line_id=None, delivery=None, order_number="", customer_reference=None,
                   credits_line_id=c.line_id)
    return line if line_amount(line.quantity, line.unit_price) == line.amount else _priced(line, line.amount)


def as_corrected(today: Parties, corrected: Sequence[tuple[str, Parties]]) -> Parties:
    """The parties a credit note prints: today's (`today`), but split payment, CIG and CUP (and
    the letter of intent) as the invoices it corrects bore them (`corrected`: number and kept parties of each), since a
    variation follows the operation it corrects (art. 26 with art. 17-ter DPR 633/72) and the
    public body matches the note to the contract that invoice named; a customer whose setting
    changed since changes the invoices to come, not the notes on those issued. Several invoices
    that named different codes leave the note's buyer none: each DatiFattureCollegate bears its
    own (`toolkit.core.einvoice.links`), and its buyer keeps every letter of intent they bore
    (`Buyer.intent_letters`) for its print to name, one protocol typed with a dash by some and a
    slash by others being one letter (`letter_key`), cited as the first of them typed it.
    `ValueError` naming the invoices of each kind when some bore split payment and some did not:
    one note cannot follow both (`MIXED_SPLIT_PAYMENT`)."""
    buyers = [(number, p.buyer) for number, p in corrected if p.buyer is not None]
    if not buyers:
        return today
    if (mixed := MixedSplit.among([(n, bool(b.split_payment)) for n, b in buyers])) is not None:
        raise mixed
    codes = {(b.cig, b.cup) for _, b in buyers}
    cig, cup = codes.pop() if len(codes) == 1 else (None, None)
    typed: dict[tuple[str | None, str | None], tuple[str | None, str | None]] = {}
    for _, b in buyers:
        typed.setdefault((b.intent_protocol and letter_key(b.intent_protocol), b.intent_date),
                         (b.intent_protocol, b.intent_date))
    letters = set(typed.values())
    protocol, day = letters.pop() if len(letters) == 1 else (None, None)
    each = tuple(sorted(((p, d) for p, d in letters if p), key=lambda x: (x[1] or "", x[0]))) if letters else ()
    buyer = today.buyer or buyers[0][1]
    return replace(today, buyer=replace(buyer, split_payment=buyers[0][1].split_payment, cig=cig, cup=cup,
                                        intent_protocol=protocol, intent_date=day, intent_letters=each or None))


class MixedSplit(ValueError):
    """A credit note correcting invoices issued under split payment (`split`) and without it
    (`plain`): refused, as no one note can follow both (`as_corrected`)."""

    def __init__(self, split: tuple[str, ...], plain: tuple[str, ...]) -> None:
        super().__init__(f"{split} / {plain}")
        self.split, self.plain = split, plain

    @classmethod
    def among(cls, bore: Sequence[tuple[str, bool]]) -> MixedSplit | None:
        """The invoices (number, whether it bore split payment) a note would correct, when they
        are of both kinds; None when one note can follow them all.

        >>> MixedSplit.among([("1", True), ("2", False), ("3", True)]).split, MixedSplit.among([("1", True)])
        (('1', '3'), None)
        """
        split = tuple(number for number, bears in bore if bears)
        plain = tuple(number for number, bears in bore if not bears)
        return cls(split, plain) if split and plain else None

    def problem(self, customer: str) -> Problem:
        return MIXED_SPLIT_PAYMENT(None, customer=customer, split=", ".join(self.split) or "—",
                                   plain=", ".join(self.plain) or "—")


def date_problems(invoice: Invoice, day: date, today: date, in_future: ProblemType = IN_FUTURE,
                  before_invoice: ProblemType = BEFORE_INVOICE) -> list[Problem]:
    """A note on `invoice` (a credit note; a debit note with its own words, `in_future` and
    `before_invoice`) is dated neither after today nor before the invoice it corrects."""
    problems = []
    if day > today:
        problems.append(in_future(None, day=day, today=today))
    if day < invoice.invoice_date:
        problems.append(before_invoice(None, day=day, number=invoice.number, invoice_day=invoice.invoice_date))
    return problems


def creditable(invoice: Invoice, line_ids: Mapping[int, int], credited: Mapping[int, tuple[Decimal, Decimal]],
               credited_by: Mapping[int, Sequence[str]] | None = None) -> list[Creditable]:
    """The invoice's lines with what was taken back of each: `line_ids` line number → its id in
    the ledger, `credited` line id → (quantity, amount) its credit notes' lines sum to, and
    `credited_by` line id → those notes' numbers."""
    return [Creditable(line, line_ids[line.line_no], *credited.get(line_ids[line.line_no], (ZERO, ZERO)),
                       tuple((credited_by or {}).get(line_ids[line.line_no], ())))
            for line in invoice.lines]


@dataclass(frozen=True, slots=True)
class Sold:
    """An invoice line that sold goods a return may give back, with what is left to credit of
    it (`left`) and the credit notes that took some back already (`credited_by`). An invoice
    planned in the same run as the return has no id or number yet (None, "")."""

    customer: str
    invoice_id: int | None
    number: str
    day: date
    left: Creditable
    credited_by: tuple[str, ...] = ()
    place: int = -1
    """For an invoice of the same run, its place among the run's invoices: storing numbers them
    in that order, and gives it its id and number (`ReturnsMatched`)."""

    @property
    def latest_first(self) -> tuple[date, bool, str, int, int]:
        """The order a return takes its goods back in, reversed: by date, an invoice of the
        same run after those already issued and after the run's earlier ones (the order their
        numbers will follow), then by number and line."""
        return self.day, not self.number, self.number, self.place, self.left.line.line_no


@dataclass(frozen=True, slots=True)
class TakenBack:
    """What line `line` of the return's credit note `note` (its place among those asked)
    takes back of the invoice line `sold`: negative, as the note's figures. `amount` is what
    it credits, `asked` the return's own share at its price: the two differ when the return is
    priced above what the invoice charged (`capped`), the credit then being the invoice's."""

    note: int
    line: InvoiceLine
    sold: Sold
    quantity: Decimal
    amount: Decimal
    asked: Decimal

    @property
    def capped(self) -> bool:
        """Whether the return is credited less than its price, at the invoice's, as warned."""
        return self.amount != self.asked and not same_shelf_price(self.line, self.sold.left.line)

    @property
    def problem(self) -> Problem:
        """The warning naming the return (its DDT, none at the order), the item, its price and
        the invoice's."""
        line = self.line
        return RETURN_ABOVE_INVOICE(None, order=line.order_number, ddt=_waits(line, "waits")["ddt"],
                                    quantity=-self.quantity, unit=line.unit, item=line.item,
                                    price=_price(line.unit_price), invoice=SellingInvoice(self.sold.number,
                                                                                          self.sold.day),
                                    sold_price=_price(self.sold.left.line.unit_price), credited=-self.amount,
                                    asked=-self.asked)


@dataclass(frozen=True, slots=True)
class SellingInvoice:
    """The invoice that sold a return's goods, as a message names it: by its number, or, drafted
    in the same run as the return and so not numbered yet, as this run's of its date (a dash
    stood there, *ma la fattura — li ha venduti*)."""

    number: str
    day: date

    def shown(self, lang: str) -> str:
        if self.number:
            return f"invoice {self.number}" if lang == "en" else f"la fattura {self.number}"
        day = self.day.strftime("%d/%m/%Y")
        return f"this run's invoice of {day}" if lang == "en" else f"la fattura di questa emissione del {day}"


def _price(value: Decimal) -> Decimal:
    """A unit price as a message shows it: in cents when it has no more (18,50), else in full."""
    shown = cents(value)
    return shown if shown == value else value.normalize()


@dataclass(frozen=True, slots=True)
class OverReturn:
    """A return's line giving back more of an item than is left to credit of the invoices that
    sold it to the customer: crediting it would pay the same goods back twice."""

    note: int
    line: InvoiceLine
    left: Decimal
    sold: tuple[Sold, ...]
    credited_in_run: bool = False
    """Whether a return credited earlier in the same run took back some of those invoices."""

    @property
    def problem(self) -> Problem:
        """The error naming the return, its DDT, the invoices and the notes that credited them."""
        notes = tuple(dict.fromkeys(n for s in self.sold for n in s.credited_by))
        return RETURN_CREDITED(None, order=self.line.order_number, **_waits(self.line, "waits"),
                               asked=-self.line.quantity, unit=self.line.unit, item=self.line.item,
                               invoices=SellingInvoices.of(self.sold),
                               left=self.left, notes=CreditingNotes(notes, self.credited_in_run))


@dataclass(frozen=True, slots=True)
class SellingInvoices:
    """The invoices that sold a refused return's goods, as the message lists them: by number,
    one drafted in the same run (no number yet) as this run's of its date, as `SellingInvoice`
    names it (a dash stood for them, *delle fatture che li hanno venduti (—)*)."""

    sold: tuple[tuple[str, date], ...]

    @classmethod
    def of(cls, sold: Iterable[Sold]) -> SellingInvoices:
        """The invoices of these lines, each once, in their order."""
        return cls(tuple(dict.fromkeys((s.number, s.day) for s in sold)))

    def shown(self, lang: str) -> str:
        return ", ".join(number or SellingInvoice(number, day).shown(lang) for number, day in self.sold)


@dataclass(frozen=True, slots=True)
class CreditingNotes:
    """The credit notes that took back a refused return's goods already, as the message names
    them: the issued by number, those of returns credited earlier in the same run (no number
    yet) as this run's (a dash stood for them, *dalle note di credito —*)."""

    numbers: tuple[str, ...]
    this_run: bool

    def shown(self, lang: str) -> str:
        run = ("of this run" if lang == "en" else "di questa emissione") if self.this_run else ""
        if self.numbers and run:
            return f"{', '.join(self.numbers)} {'and those' if lang == 'en' else 'e quelle'} {run}"
        return ", ".join(self.numbers) or run or "—"


def take_back(notes: Sequence[Invoice], sold: Iterable[Sold]) -> tuple[list[TakenBack], list[OverReturn]]:
    """What the return lines of credit notes `notes` (taken in the order given) take back of
    the invoice lines that sold their goods to their customer (`sold`), each line as far as what
    is left of it: first those that charged at least the return's price, then the cheaper ones
    (a return at the price of one sale most likely gives back that sale's goods, and is then
    credited at its own price, not capped at a cheaper sale's), the latest invoice on or before
    the note first within each; and the return lines that
    give back goods those invoices sold and credited already (`credited_before`; none of it
    taken). A return line whose item no invoice in `sold` sold takes back nothing: it cites no
    invoice; one giving back more than they ever sold takes back what they sold, the rest citing
    none (goods sold before the ledger, or by hand)."""
    by_item: dict[tuple[str, str], list[Sold]] = defaultdict(list)
    for s in sold:
        by_item[(s.customer, s.left.line.item)].append(s)
    left = {id(s): s.left.quantity_left for found in by_item.values() for s in found}
    taken: list[TakenBack] = []
    refused: list[OverReturn] = []
    for n, note in enumerate(notes):
        for line in returned_lines(note):
            candidates = sorted((s for s in by_item.get((note.customer, line.item), ()) if s.day <= note.invoice_date),
                                key=lambda s: (s.left.line.unit_price >= line.unit_price, s.latest_first), reverse=True)
            if not candidates:
                continue
            available = sum((max(left[id(s)], ZERO) for s in candidates), ZERO)
            if credited_before(-line.quantity, sum((s.left.line.quantity for s in candidates), ZERO), available):
                refused.append(OverReturn(n, line, available, tuple(candidates),
                                          any(left[id(s)] < s.left.quantity_left for s in candidates)))
                continue
            parts = _spread(-line.quantity, [(s, left[id(s)]) for s in candidates])
            for s, quantity in parts:
                left[id(s)] -= quantity
            taken += [TakenBack(n, line, s, -quantity, _at_most_sold(line, s, quantity, asked), asked)
                      for (s, quantity), asked in zip(parts, _shares(line, [q for _, q in parts]))]
    return taken, refused


def _at_most_sold(line: InvoiceLine, sold: Sold, quantity: Decimal, asked: Decimal) -> Decimal:
    """What a return line priced `line.unit_price` credits for `quantity` it takes back of the
    invoice line `sold`, its share being `asked` (negative): at most what the invoice charged
    for them (its net unit price), since a credit note cannot give back more than the operation
    it corrects (art. 26 DPR 633/72); a return priced at or below it keeps its own share. A
    return at the shelf price the customer paid, at another rate (`same_shelf_price`), credits
    that price made net at the invoice's rate, as the invoice made it."""
    if same_shelf_price(line, sold.left.line):
        return -net_of_gross(quantity, shelf_price(line), sold.left.line.vat_rate)
    if line.unit_price <= sold.left.line.unit_price:
        return asked
    return max(asked, -line_amount(quantity, sold.left.line.unit_price))


def same_shelf_price(returned: InvoiceLine, sold: InvoiceLine) -> bool:
    """Whether a return priced at another VAT rate than the invoice line it takes back gives the
    goods back at the price the customer paid, VAT included: a VAT-included list's shelf price,
    unchanged, made net at the item's new rate. The note credits them at the invoice's rate
    (`repriced`), so at the invoice's net price too, or a rate raised from 10 % to 22 % would refund
    30.33 € + 10 % of the 37.00 € paid. A net price list's return keeps its net price, and its
    gross differs: it is credited as any other.

    >>> D = Decimal
    >>> line = InvoiceLine("A1", "x", "pz", D(-2), D("15.163934"), D("-30.33"), D(22), None, 1, 1, 1, None, "RE-1")
    >>> sold = replace(line, quantity=D(3), unit_price=D("16.818182"), amount=D("50.45"), vat_rate=D(10))
    >>> same_shelf_price(line, sold), same_shelf_price(replace(line, unit_price=D("16.818182")), sold)
    (True, False)
    """
    if rate_key(returned.vat_rate, returned.vat_nature) == rate_key(sold.vat_rate, sold.vat_nature):
        return False
    return shelf_price(returned) == shelf_price(sold)


def shelf_price(line: InvoiceLine) -> Decimal:
    """A line's unit price with its VAT, in cents: a VAT-included list's price, which the line's
    net price (six decimals) was made from."""
    return cents(line.unit_price * (100 + line.vat_rate) / 100)


def repriced(notes: Sequence[Invoice], taken: Iterable[TakenBack]) -> list[Invoice]:
    """The return credit notes `notes` (as given to `take_back`) with each line that takes back
    goods priced above their invoice (`TakenBack.capped`) credited at the invoice's price for
    that part: its amount less the difference, its unit price what the amount makes of its
    quantity (six decimals), VAT and totals summed again. A DDT line is credited on one line,
    so a return citing two prices shows their mean; the part citing no invoice keeps its price.
    A line is credited at the VAT rate of the invoice lines it takes back (`sold_rate`), not at
    the one its item had when the return was ordered: the rate may have changed in between.
    A line taking back goods sold on both sides of a letter of intent's ceiling (`across_letter`)
    becomes two, its goods sold N3.5 and those sold with VAT (`sides`), the note's lines
    numbered again (`credit_lines` says which line credits each part)."""
    taken = list(taken)
    given: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for t in taken:
        if t.amount != t.asked:
            given[(t.note, t.line.line_no)] += t.amount - t.asked
    rates = sold_rates(taken)
    split = sides(taken)
    changed = {key for key in {*given, *rates}
               if key in given or rates[key] != rate_key(*_line_rate(taken, key))} | set(split)
    if not changed:
        return list(notes)

    def credited(n: int, line: InvoiceLine) -> list[InvoiceLine]:
        if (n, line.line_no) in split:
            return [_side(line, side) for side in split[(n, line.line_no)]]
        if (n, line.line_no) in given:
            line = _priced(line, line.amount + given[(n, line.line_no)])
        rate = rates.get((n, line.line_no))
        return [replace(line, vat_rate=rate[0], vat_nature=rate[1]) if rate else line]

    out = []
    for n, note in enumerate(notes):
        if not any((n, line.line_no) in changed for line in note.lines):
            out.append(note)
            continue
        lines = [x for line in note.lines for x in (credited(n, line) if (n, line.line_no) in changed else [line])]
        out.append(_with_lines(note, tuple(replace(x, line_no=k) for k, x in enumerate(lines, start=1))
                               if len(lines) > len(note.lines) else tuple(lines)))
    return out


@dataclass(frozen=True, slots=True)
class Side:
    """What a return line takes back of the goods sold at one rate, on one side of a letter of
    intent's ceiling: negative, as the note's figures."""

    key: RateKey
    quantity: Decimal
    amount: Decimal


def across_letter(keys: Collection[RateKey]) -> bool:
    """Whether goods sold at these rates were sold on both sides of a letter of intent's ceiling:
    without VAT under it (N3.5) and at one VAT rate beyond it, a line crossing it split in two
    (`toolkit.core.intent_ceiling.split_at`) or the ceiling reached between two lines. A note
    credits each side on a line of its own, at its invoice's rate (art. 26 DPR 633/72); two VAT
    rates (an item's rate changed) or two natures stay one line's, which cannot bear both.

    >>> across_letter([(Decimal(22), None), (Decimal(0), "N3.5")]), across_letter([(Decimal(22), None)])
    (True, False)
    >>> across_letter([(Decimal(22), None), (Decimal(10), None)]), across_letter([(Decimal(0), "N3.5"), (Decimal(0), "N4")])
    (False, False)
    """
    found = set(keys)
    return len(found) == 2 and (ZERO, LETTER_OF_INTENT) in found and all(rate for rate, _ in found - {(ZERO, LETTER_OF_INTENT)})


def sides(taken: Iterable[TakenBack]) -> dict[tuple[int, int], tuple[Side, Side]]:
    """Per return line (note, line number) taking back goods sold on both sides of a letter of
    intent's ceiling (`across_letter`), every unit of it sold by an invoice the ledger has,
    its two sides: the goods sold N3.5 first, as the invoice line crossing the ceiling has its
    part within first, then those sold with VAT, which `take_back` takes back first (their
    amounts as it credited them). The two cite the return's DDT line as its parts 0 and 1
    (`toolkit.ledger.invoices.parts`), as the invoice's two lines cite the DDT line they split."""
    parts: dict[tuple[int, int], list[TakenBack]] = defaultdict(list)
    for t in taken:
        parts[(t.note, t.line.line_no)].append(t)
    found = {}
    for key, mine in parts.items():
        keys = {sold_rate(t) for t in mine}
        if across_letter(keys) and sum((t.quantity for t in mine), ZERO) == mine[0].line.quantity:
            within, beyond = sorted(keys, key=lambda k: k[1] != LETTER_OF_INTENT)
            found[key] = (_summed(mine, within), _summed(mine, beyond))
    return found


def _summed(taken: Sequence[TakenBack], key: RateKey) -> Side:
    return Side(key, sum((t.quantity for t in taken if sold_rate(t) == key), ZERO),
                sum((t.amount for t in taken if sold_rate(t) == key), ZERO))


def _side(line: InvoiceLine, side: Side) -> InvoiceLine:
    """The return line's part crediting one side of a letter's ceiling, at its rate and nature:
    at the return's price when its quantity × price is its amount, else priced from it."""
    part = replace(line, quantity=side.quantity, amount=side.amount, vat_rate=side.key[0], vat_nature=side.key[1])
    return part if line_amount(part.quantity, part.unit_price) == part.amount else _priced(part, part.amount)


def credit_lines(notes: Sequence[Invoice], taken: Sequence[TakenBack]) -> list[int]:
    """For each of `taken`, the number of the line of its note, as `repriced` numbers them,
    that credits it: the return line's own, or the side of it at the rate it was sold at."""
    split = sides(taken)
    if not split:
        return [t.line.line_no for t in taken]
    number: dict[tuple[int, int, RateKey | None], int] = {}
    for n in {t.note for t in taken}:
        k = 0
        for line in notes[n].lines:
            for side in split.get((n, line.line_no), (None,)):
                k += 1
                number[(n, line.line_no, side.key if side is not None else None)] = k
    return [number.get((t.note, t.line.line_no, sold_rate(t)), number.get((t.note, t.line.line_no, None), 0))
            for t in taken]


def sold_rate(t: TakenBack) -> RateKey:
    """The VAT rate (and nature) of the invoice line a return takes its goods back from."""
    return rate_key(t.sold.left.line.vat_rate, t.sold.left.line.vat_nature)


def sold_rates(taken: Iterable[TakenBack]) -> dict[tuple[int, int], RateKey]:
    """Per return line (note, line number) the one VAT rate of the invoice lines it takes back;
    a line taking back goods sold at two rates has none (`mixed_vat` refuses it)."""
    found: dict[tuple[int, int], set[RateKey]] = defaultdict(set)
    for t in taken:
        found[(t.note, t.line.line_no)].add(sold_rate(t))
    return {key: next(iter(keys)) for key, keys in found.items() if len(keys) == 1}


def _line_rate(taken: Iterable[TakenBack], key: tuple[int, int]) -> tuple[Decimal, str | None]:
    line = next(t.line for t in taken if (t.note, t.line.line_no) == key)
    return line.vat_rate, line.vat_nature


@dataclass(frozen=True, slots=True)
class ReturnMixesVat:
    """A return line whose goods cannot all be credited at one VAT rate: the invoice lines it
    takes back were issued at two rates, or part of it cites no invoice and keeps the return's
    own rate, which differs from the one those invoices charged (the item's rate changed)."""

    note: int
    line: InvoiceLine
    sold: tuple[RateKey, ...]
    invoices: SellingInvoices

    @property
    def problem(self) -> Problem:
        return RETURN_MIXED_VAT(None, order=self.line.order_number, **_waits(self.line, "stays"),
                                item=self.line.item, invoices=self.invoices,
                                sold=", ".join(rate_text(k) for k in self.sold),
                                own=rate_text(rate_key(self.line.vat_rate, self.line.vat_nature)))


def mixed_vat(taken: Sequence[TakenBack]) -> list[ReturnMixesVat]:
    """The return lines refused because no one VAT rate credits them (`ReturnMixesVat`): one
    line of a note has one rate, and each part must be credited at its invoice's. A line whose
    goods were sold on both sides of a letter of intent's ceiling is not: it becomes two (`sides`)."""
    parts: dict[tuple[int, int], list[TakenBack]] = defaultdict(list)
    for t in taken:
        parts[(t.note, t.line.line_no)].append(t)
    found = []
    for mine in parts.values():
        line = mine[0].line
        keys = tuple(dict.fromkeys(sold_rate(t) for t in mine))
        cited = sum((t.quantity for t in mine), ZERO)
        if across_letter(keys) and cited == line.quantity:
            continue
        if len(keys) > 1 or (keys[0] != rate_key(line.vat_rate, line.vat_nature) and cited != line.quantity):
            found.append(ReturnMixesVat(mine[0].note, line, keys, SellingInvoices.of(t.sold for t in mine)))
    return found


def _priced(line: InvoiceLine, amount: Decimal) -> InvoiceLine:
    """The line crediting `amount`, its unit price what that makes of its quantity: also the
    rest of an invoice line that partial notes took cents of, each rounding its own amount, so
    that its quantity × unit price still rounds to its amount (SDI's 00423, the print's
    `ROUND(qty*price,2)`)."""
    return replace(line, amount=amount, unit_price=priced_from(line.quantity, amount))


def _with_lines(note: Invoice, lines: tuple[InvoiceLine, ...]) -> Invoice:
    """The note with these lines, its VAT per rate and totals summed again as any note's."""
    summary = tuple(vat_summary((line.amount, line.vat_rate, line.vat_nature) for line in lines))
    taxable, vat, total = totals(summary)
    return replace(note, lines=lines, summary=summary, taxable=taxable, vat=vat, total=total)


def credited_before(returned: Decimal, sold: Decimal, left: Decimal) -> bool:
    """Whether a return of `returned` pays back goods credited already, the invoices that sold
    the item having sold `sold` of it with `left` still to credit: the part of the return those
    invoices can account for is more than they have left. A return beyond what they ever sold
    is not refused for that excess alone: the customer may have bought the goods before the
    ledger, and the desk has no other way to credit a return.

    >>> credited_before(Decimal(2), Decimal(1), Decimal(1))   # sold 1, nothing credited: 1 cited, 1 not
    False
    >>> credited_before(Decimal(1), Decimal(1), Decimal(0))   # sold 1, credited in full already
    True
    >>> credited_before(Decimal(4), Decimal(5), Decimal(4))   # sold 5, 1 credited, 4 left
    False
    """
    return min(returned, sold) > left


def returned_lines(note: Invoice) -> list[InvoiceLine]:
    """A credit note's lines that give goods back from a return order (not a volume discount's,
    nor those of `invoice credit`, which cite the invoice line themselves)."""
    if note.kind is not InvoiceKind.CREDIT_NOTE:
        return []
    return [line for line in note.lines if line.order_line_id is not None and line.quantity < 0]


def _spread(quantity: Decimal, lines: Sequence[tuple[Sold, Decimal]]) -> list[tuple[Sold, Decimal]]:
    """`quantity` taken from `lines` (each with what is left of it) in their order, each as far
    as it has something left."""
    parts = []
    for sold, left in lines:
        if quantity <= 0:
            break
        part = min(quantity, left)
        if part > 0:
            parts.append((sold, part))
            quantity -= part
    return parts


def _shares(line: InvoiceLine, quantities: Sequence[Decimal]) -> list[Decimal]:
    """The return line's amount split over the quantities it takes back of each invoice line, in
    cents; when they are the whole return, the last takes what the others leave so the shares add
    up to the line's amount (a return beyond what was sold keeps the rest, citing nothing)."""
    shares = [cents(line.amount * q / -line.quantity) for q in quantities]
    if shares and sum(quantities, ZERO) == -line.quantity:
        shares[-1] = line.amount - sum(shares[:-1], ZERO)
    return shares


@dataclass(frozen=True, slots=True)
class Unrecorded:
    """A return's credit note of before schema 29, which recorded nothing line by line of what
    it took back: what it credited of each good (`credited`, negative, in its lines' order; the
    key is the caller's: an item, or the note's N3.5 lines as one) and the invoices it cites,
    latest first (`cites`: invoice id → the note's `invoice_citations.base` on it, every rate);
    of an item, how much of it the note gave back too (`quantities`, negative)."""

    credited: Mapping[object, Decimal]
    cites: Sequence[tuple[int, Decimal]]
    quantities: Mapping[object, Decimal] = field(default_factory=dict)


def _unrecorded_parts(notes: Iterable[Unrecorded], within: Mapping[tuple[int, object], Decimal]
                      ) -> Iterator[tuple[Unrecorded, int, object, Decimal]]:
    """(note, invoice, key, amount): what each note took back of each good of the invoices it
    cites (`taken_unrecorded`'s rule)."""
    spent: dict[tuple[int, object], Decimal] = defaultdict(Decimal)
    for note in notes:
        base = dict(note.cites)
        for key, credited in note.credited.items():
            left = -credited
            for invoice, _ in note.cites:
                part = min(left, base[invoice], within.get((invoice, key), ZERO) - spent[(invoice, key)])
                if part <= 0:
                    continue
                spent[(invoice, key)] += part
                base[invoice] -= part
                left -= part
                yield note, invoice, key, part


def taken_unrecorded(notes: Iterable[Unrecorded], within: Mapping[tuple[int, object], Decimal]
                     ) -> dict[tuple[int, object], Decimal]:
    """(invoice, key) → what (positive) the return's notes of before schema 29, in the order
    stored, took back of it: each good a note credited, from the invoices it cites latest first
    (as returns take goods back), as far as the note's base on each, shared by its goods, and
    what is left of the invoice's good (`within`: its net of what the notes recording it took
    back) once the notes before took theirs. Migration 29 could not say what such a note took
    back; its citations can: what a later return must not credit again (`goods_unrecorded`),
    and what the note gives back to a letter (`letter_use.given_back_unrecorded`).

    >>> D = Decimal
    >>> taken_unrecorded([Unrecorded({"A": D(-30), "B": D(-30)}, [(2, D(40)), (1, D(100))])],
    ...                  {(2, "A"): D(50), (2, "B"): D(50), (1, "B"): D(50)})
    {(2, 'A'): Decimal('30'), (2, 'B'): Decimal('10'), (1, 'B'): Decimal('20')}
    >>> taken_unrecorded([Unrecorded({"A": D(-74)}, [(1, D(74))])] * 2, {(1, "A"): D(74)})
    {(1, 'A'): Decimal('74')}
    """
    taken: dict[tuple[int, object], Decimal] = defaultdict(Decimal)
    for _, invoice, key, part in _unrecorded_parts(notes, within):
        taken[(invoice, key)] += part
    return dict(taken)


def goods_unrecorded(notes: Iterable[Unrecorded], within: Mapping[tuple[int, object], Decimal]
                     ) -> dict[tuple[int, object], tuple[Decimal, Decimal]]:
    """(invoice, item) → the (quantity, amount) (positive) the return's notes of before schema 29
    took back of it (`taken_unrecorded`), the quantity in the share the amount is of what the
    note credited of the item: a note pricing its goods below the invoice (a return keeps its
    own price when lower) gave them back all the same, as a recorded return takes back its
    quantity whatever it credits, and none of them is left to credit again.

    >>> D = Decimal
    >>> goods_unrecorded([Unrecorded({"A": D(-80)}, [(1, D(80))], {"A": D(-5)})], {(1, "A"): D("92.50")})
    {(1, 'A'): (Decimal('5.000'), Decimal('80'))}
    """
    taken: dict[tuple[int, object], tuple[Decimal, Decimal]] = {}
    for note, invoice, key, part in _unrecorded_parts(notes, within):
        quantity = (note.quantities.get(key, ZERO) * part / note.credited[key]).quantize(Decimal("0.001"))
        before = taken.get((invoice, key), (ZERO, ZERO))
        taken[(invoice, key)] = (before[0] + quantity, before[1] + part)
    return taken


def less_unrecorded(sold: Iterable[Sold], taken: Mapping[tuple[int, object], tuple[Decimal, Decimal]],
                    notes: Mapping[int, Sequence[str]]) -> list[Sold]:
    """`sold` with what the return's notes of before schema 29 took back of each invoice's item
    (`goods_unrecorded`: quantity and amount) taken off its lines, the last line first, as far as
    each line's quantity, the amount in the share its quantity is of what is left to take (all of
    it, up to the line's, with the last); `notes` names those notes by invoice, for the refusal
    of a return beyond them."""
    sold = list(sold)
    order = sorted(range(len(sold)), key=lambda n: -sold[n].left.line.line_no)
    left = dict(taken)
    for n in order:
        s = sold[n]
        if s.invoice_id is None:
            continue
        key = (s.invoice_id, s.left.line.item)
        quantity_due, amount_due = left.get(key, (ZERO, ZERO))
        quantity = min(quantity_due, s.left.quantity_left)
        if quantity <= 0:
            continue
        amount = min(amount_due if quantity == quantity_due else cents(amount_due * quantity / quantity_due),
                     s.left.amount_left)
        left[key] = (quantity_due - quantity, amount_due - amount)
        sold[n] = replace(s, left=replace(s.left, credited_quantity=s.left.credited_quantity - quantity,
                                          credited_amount=s.left.credited_amount - amount),
                          credited_by=tuple(dict.fromkeys((*s.credited_by, *notes.get(s.invoice_id, ())))))
    return sold


def planned(invoices: Iterable[Invoice]) -> list[Sold]:
    """The lines of invoices a run is about to issue, as a return of the same run may take its
    goods back from them: nothing of them credited yet, each with its invoice's place."""
    return [Sold(x.customer, None, "", x.invoice_date, Creditable(line, 0), place=n)
            for n, x in enumerate(invoices) if x.kind is InvoiceKind.INVOICE
            for line in x.lines if line.item and line.quantity > 0]


def planned_of(invoices: Sequence[Invoice], goods: Collection[tuple[str, str]]) -> list[Sold]:
    """`planned`, but only the lines of the goods (customer, item) the run's returns give back:
    `take_back` looks no other up, so it matches the same (`tests/test_returns_matched_goods.py`
    compares the two).

    Why: a month's run makes every line of its invoices a `Sold` for the few returns among
    them, twice when a return is refused (`services.invoicing.returns_left_out`): 250,000
    lines at L, for returns of a few hundred goods. With `plan_again`, month-end invoicing at
    M went 3.09 → 1.84 s (alternated with the code before, medians of 3, a loaded hour)."""
    return [Sold(x.customer, None, "", x.invoice_date, Creditable(line, 0), place=n)
            for n, x in enumerate(invoices) if x.kind is InvoiceKind.INVOICE
            for line in x.lines if line.item and line.quantity > 0 and (x.customer, line.item) in goods]


def a_return(x: Invoice) -> bool:
    """A credit note that may take goods back from invoices: one citing none by itself."""
    return x.kind is InvoiceKind.CREDIT_NOTE and not x.cites


@dataclass(frozen=True, slots=True)
class Placed:
    """The documents a matching issues (`ReturnsMatched.placed`), in the plan's order: `at`, the
    place among them of each planned invoice (of its first part, a note cut in several); and
    for each of the matching's `taken`, the document and line number that credit it."""

    invoices: tuple[Invoice, ...]
    at: tuple[int, ...]
    credited: tuple[tuple[int, int], ...]


def credited_line(line: InvoiceLine) -> tuple[int, int | None] | None:
    """The return line a note's line credits (its order line and DDT line): the two sides of one
    across a letter's ceiling share it; a line of no order line is its own."""
    return (line.order_line_id, line.delivery_line_id) if line.order_line_id is not None else None


@dataclass(frozen=True, slots=True)
class ReturnsMatched:
    """What the returns' credit notes among invoices issued together (`invoices`, as planned)
    take back of the invoice lines that sold their goods (`take_back`): the ledger's lines
    (`issued`, as `toolkit.ledger.credit_notes.sold_for` read them for these notes) and the
    invoices' own (`planned`). Worked out once for a run and read by all that depends on it,
    so they say the same and the ledger is read once: the refusals (`over`), the warnings
    (`above_invoice`), the notes' prices (`priced`) and what storing records and cites
    (`toolkit.ledger.invoices.cite_returns`). A `TakenBack.note` is the note's place among
    `notes`, the places of the notes among `invoices`."""

    invoices: tuple[Invoice, ...]
    issued: tuple[Sold, ...]
    notes: tuple[int, ...]
    taken: tuple[TakenBack, ...]
    over: tuple[OverReturn, ...]

    @property
    def above_invoice(self) -> list[Problem]:
        """A warning for each part of a return priced above the invoice it takes its goods back
        from, credited at the invoice's price (`TakenBack.problem`)."""
        return [t.problem for t in self.taken if t.capped]

    def priced(self) -> list[Invoice]:
        """The invoices, their returns' credit notes credited at most at the price of the invoice
        lines they take their goods back from (`repriced`), a note made too long cut (`placed`)."""
        return list(self.placed().invoices)

    def placed(self) -> Placed:
        """The documents to issue (`Placed`): the invoices priced (`repriced`), a return's note
        that its lines crediting both sides of a letter's ceiling (`sides`) made longer than a
        document takes cut in several as an invoice is (`invoicing.in_invoices`, the two sides
        of a return line kept on one), and where each planned invoice and each part taken back
        went among them. The plan cut the note before the ledger told which lines would split."""
        if not self.taken:
            return Placed(self.invoices, tuple(range(len(self.invoices))), ())
        priced = dict(zip(self.notes, repriced([self.invoices[n] for n in self.notes], self.taken)))
        out: list[Invoice] = []
        at: list[int] = []
        ends: dict[int, list[int]] = {}
        for n, planned in enumerate(self.invoices):
            x = priced.get(n, planned)
            at.append(len(out))
            parts = in_invoices(x.lines, credited_line) if n in priced else [x.lines]
            if len(parts) == 1:
                out.append(x)
                continue
            ends[n] = list(accumulate(len(part) for part in parts))
            out += [_with_lines(x, tuple(replace(line, line_no=k) for k, line in enumerate(part, start=1)))
                    for part in parts]
        credited = []
        for t, line_no in zip(self.taken, self.credit_lines()):
            n = self.notes[t.note]
            j = bisect_left(ends[n], line_no) if n in ends else 0
            credited.append((at[n] + j, line_no - (ends[n][j - 1] if j else 0)))
        return Placed(tuple(out), tuple(at), tuple(credited))

    def credit_lines(self) -> list[int]:
        """For each of `taken`, the number of its note's line, as priced, that credits it
        (`credit_lines`): a return line split on both sides of a letter's ceiling is two."""
        return credit_lines([self.invoices[n] for n in self.notes], self.taken)

    def made_for(self, invoices: Sequence[Invoice]) -> bool:
        """Whether these are the very invoices matched (a plan's, in its order)."""
        return len(invoices) == len(self.invoices) and all(a is b for a, b in zip(invoices, self.invoices))

    def again(self, invoices: Sequence[Invoice]) -> ReturnsMatched:
        """The same matching over a plan made again with fewer returns (those refused left out):
        their goods and dates are among those the ledger's lines were read for, so those lines
        serve again, with the new plan's own."""
        (goods, latest), (read_for, read_until) = _wanted(invoices), _wanted(self.invoices)
        if not goods <= read_for or (latest is not None and (read_until is None or latest > read_until)):
            raise ValueError("a plan matched again may only leave returns out")
        return returns_matched(invoices, self.issued)


def returns_matched(invoices: Sequence[Invoice], issued: Iterable[Sold]) -> ReturnsMatched:
    """`ReturnsMatched` for `invoices`, the ledger's lines that sold their returns' goods being
    `issued`; nothing is matched, nor the invoices' own lines gathered, when no note returns goods."""
    notes = tuple(n for n, x in enumerate(invoices) if a_return(x))
    issued = tuple(issued)
    if not any(returned_lines(invoices[n]) for n in notes):
        return ReturnsMatched(tuple(invoices), issued, notes, (), ())
    taken, over = take_back([invoices[n] for n in notes], [*issued, *planned_of(invoices, _wanted(invoices)[0])])
    return ReturnsMatched(tuple(invoices), issued, notes, tuple(taken), tuple(over))


def _wanted(invoices: Iterable[Invoice]) -> tuple[set[tuple[str, str]], date | None]:
    """The goods the returns among `invoices` give back (customer, item) and the latest of
    their notes' dates: what `sold_for` reads the ledger's lines for."""
    notes = [x for x in invoices if a_return(x) and returned_lines(x)]
    return ({(x.customer, line.item) for x in notes for line in returned_lines(x)},
            max((x.invoice_date for x in notes), default=None))
