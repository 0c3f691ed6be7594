"""The domain's closed vocabularies, with the words users write for them in Italian and English.

A cell may say `Dopo la consegna`, `dopo-consegna` or `after delivery`: all three mean
`InvoiceTerms.AFTER_DELIVERY`. Matching ignores case, accents, spaces, dashes and underscores.
The first Italian and English words of each value are its labels in documents and dropdowns.

>>> parse(InvoiceTerms, "Dopo la consegna")
<InvoiceTerms.AFTER_DELIVERY: 'after-delivery'>
>>> parse(ScheduleKind, "settimanale"), parse(ScheduleKind, "WEEKLY")
(<ScheduleKind.WEEKLY: 'weekly'>, <ScheduleKind.WEEKLY: 'weekly'>)
>>> label(DocumentType.RETURN, "it"), label(DocumentType.RETURN, "en")
('Reso', 'Return')
>>> parse_weekdays("lun, mer,ven"), parse_weekdays("mon-fri")
((0, 2, 4), (0, 1, 2, 3, 4))
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Generic, TypeVar

E = TypeVar("E", bound=StrEnum)
C = TypeVar("C", bound=str)


class ScheduleKind(StrEnum):
    DAILY = "daily"
    WORKING_DAYS = "working-days"
    WEEKLY = "weekly"
    EVERY_N_WEEKS = "every-n-weeks"
    MONTHLY_DAY = "monthly-day"
    MONTHLY_LAST_DAY = "monthly-last-day"
    MONTHLY_LAST_WORKING_DAY = "monthly-last-working-day"
    MONTHLY_NTH_WEEKDAY = "monthly-nth-weekday"
    RRULE = "rrule"


class HolidayPolicy(StrEnum):
    """What happens to an occurrence that falls on a non-working day."""

    SKIP = "skip"
    NEXT = "next"
    PREVIOUS = "previous"
    KEEP = "keep"


class PriceType(StrEnum):
    LIST = "list"
    STANDARD = "standard"


class DocumentType(StrEnum):
    STANDARD = "standard"
    POS = "pos"
    WAREHOUSE = "warehouse"
    RETURN = "return"
    QUOTATION = "quotation"
    PROPOSAL = "proposal"
    PREPAY = "prepay"
    ON_CREDIT = "on-credit"


class InvoiceTerms(StrEnum):
    AFTER_DELIVERY = "after-delivery"
    AFTER_ORDER_DELIVERED = "after-order-delivered"
    CUSTOMER_SCHEDULE = "customer-schedule"
    DO_NOT_INVOICE = "do-not-invoice"
    IMMEDIATE = "immediate"


class InvoiceSchedule(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class DeliveryTerms(StrEnum):
    AFTER_RECEIPT = "after-receipt"
    AVAILABILITY = "availability"
    COMPLETE_LINE = "complete-line"
    COMPLETE_ORDER = "complete-order"


class InvoiceGrouping(StrEnum):
    CUSTOMER = "customer"
    PROJECT = "project"
    SHIPPING_ADDRESS = "shipping-address"


class PaymentMethod(StrEnum):
    """How a customer pays (modalità di pagamento); its FatturaPA code (MP01 …) is in
    `toolkit.core.einvoice.codes.PAYMENT_METHODS`."""

    BANK_TRANSFER = "bank-transfer"
    RIBA = "riba"
    CASH = "cash"
    CARD = "card"
    DIRECT_DEBIT = "direct-debit"
    """SEPA Direct Debit (SDD), which replaced the Italian RID."""
    CHEQUE = "cheque"
    RID = "rid"
    """The Italian bank direct debit some banks still run, distinct from SEPA's."""
    CASH_ON_DELIVERY = "cash-on-delivery"


class ExceptionAction(StrEnum):
    """What a row of the calendar's exceptions sheet does to one occurrence."""

    SKIP = "skip"
    MOVE = "move"
    QUANTITY = "quantity"
    EXTRA = "extra"


class DeferredInvoiceDate(StrEnum):
    """The date a month-end run gives its deferred invoices (fattura differita) when the user
    gives none: the last day of the month invoiced, or the day the run issues them."""

    MONTH_END = "month-end"
    ISSUE = "issue"


class Shareholders(StrEnum):
    """Whether a capital company has one shareholder or several (SocioUnico of the REA
    registration, art. 2250 c.c.): the codes FatturaPA writes."""

    ONE = "SU"
    SEVERAL = "SM"


class Liquidation(StrEnum):
    """Whether the company is being wound up (StatoLiquidazione of the REA registration)."""

    IN = "LS"
    NOT = "LN"


class PriceRuleKind(StrEnum):
    """How a price rule (regola prezzo) sets a line's price: a price of its own, a discount on the
    list's price, or a price derived from a list price by a percentage and a rounding step."""

    SPECIAL = "special"
    DISCOUNT = "discount"
    DERIVED = "derived"


class RequestKind(StrEnum):
    """What a customer's request (the seed's CRM) is about: a small closed list, so requests can
    be counted and filtered by kind."""

    COMPLAINT = "complaint"
    REQUEST = "request"
    INFORMATION = "information"
    RETURN = "return"
    WARRANTY = "warranty"


class DiscountPeriod(StrEnum):
    """The period a volume discount (sconto volume) is counted over and settled for."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class BracketBasis(StrEnum):
    """What a volume discount's brackets (scaglioni) measure: the amount bought, or the quantity."""

    AMOUNT = "amount"
    QUANTITY = "quantity"


class BracketMode(StrEnum):
    """How brackets give a discount: each bracket its own percentage on its share (scaled, a
    scaglioni), or the reached bracket's percentage on everything (whole, sul totale)."""

    SCALED = "scaled"
    WHOLE = "whole"


class CommissionBase(StrEnum):
    """What an agent's commission (provvigione) is counted on: the net invoiced, or what was
    collected of it."""

    INVOICED = "invoiced"
    COLLECTED = "collected"


_WORDS_TABLE: tuple[tuple[StrEnum, tuple[str, ...], tuple[str, ...]], ...] = (
    (ScheduleKind.DAILY, ("Giornaliero", "tutti i giorni", "quotidiano"), ("Daily",)),
    (ScheduleKind.WORKING_DAYS, ("Giorni feriali", "feriali", "lavorativi"), ("Working days", "weekdays")),
    (ScheduleKind.WEEKLY, ("Settimanale",), ("Weekly",)),
    (ScheduleKind.EVERY_N_WEEKS, ("Ogni N settimane", "plurisettimanale"), ("Every N weeks",)),
    (ScheduleKind.MONTHLY_DAY, ("Mensile giorno", "giorno del mese", "mensile"),
     ("Monthly day", "monthly", "day of month")),
    (ScheduleKind.MONTHLY_LAST_DAY, ("Ultimo del mese", "fine mese"),
     ("Monthly last day", "last day of month", "month end")),
    (ScheduleKind.MONTHLY_LAST_WORKING_DAY, ("Ultimo feriale del mese", "ultimo giorno lavorativo"),
     ("Monthly last working day", "last working day")),
    (ScheduleKind.MONTHLY_NTH_WEEKDAY, ("Ennesimo giorno della settimana", "mensile giorno settimana"),
     ("Monthly nth weekday", "nth weekday")),
    (ScheduleKind.RRULE, ("RRULE", "regola"), ("RRULE", "rule")),
    (HolidayPolicy.SKIP, ("Salta", "salta il giorno"), ("Skip",)),
    (HolidayPolicy.NEXT, ("Giorno successivo", "posticipa", "successivo"), ("Next working day", "next", "postpone")),
    (HolidayPolicy.PREVIOUS, ("Giorno precedente", "anticipa", "precedente"),
     ("Previous working day", "previous", "bring forward")),
    (HolidayPolicy.KEEP, ("Mantieni", "consegna comunque"), ("Keep",)),
    (PriceType.LIST, ("Prezzo di listino", "listino"), ("List price", "list")),
    (PriceType.STANDARD, ("Prezzo standard", "standard"), ("Standard price", "standard")),
    (DocumentType.STANDARD, ("Ordine standard", "standard"), ("Standard order", "standard")),
    (DocumentType.POS, ("Punto vendita", "POS"), ("POS order", "POS")),
    (DocumentType.WAREHOUSE, ("Ordine di magazzino", "magazzino"), ("Warehouse order", "warehouse")),
    (DocumentType.RETURN, ("Reso", "reso materiale", "rimborso"), ("Return", "return material")),
    (DocumentType.QUOTATION, ("Preventivo",), ("Quotation",)),
    (DocumentType.PROPOSAL, ("Previsionale",), ("Proposal",)),
    (DocumentType.PREPAY, ("Pagamento anticipato", "prepagato"), ("Prepay order", "prepay")),
    (DocumentType.ON_CREDIT, ("Ordine a credito", "a credito"), ("On credit order", "on credit")),
    (InvoiceTerms.AFTER_DELIVERY, ("Dopo la consegna", "dopo consegna"), ("After delivery",)),
    (InvoiceTerms.AFTER_ORDER_DELIVERED, ("Dopo aver evaso l'ordine", "ordine evaso"), ("After order delivered",)),
    (InvoiceTerms.CUSTOMER_SCHEDULE, ("Schedulazione del cliente", "calendario cliente", "calendario"),
     ("Customer schedule after delivery", "customer schedule")),
    (InvoiceTerms.DO_NOT_INVOICE, ("Non fatturare", "non fattura"), ("Do not invoice",)),
    (InvoiceTerms.IMMEDIATE, ("Immediato", "immediata"), ("Immediate",)),
    (InvoiceSchedule.WEEKLY, ("Settimanale",), ("Weekly",)),
    (InvoiceSchedule.BIWEEKLY, ("Quindicinale", "bisettimanale"), ("Every two weeks", "biweekly")),
    (InvoiceSchedule.MONTHLY, ("Mensile",), ("Monthly",)),
    (DeliveryTerms.AFTER_RECEIPT, ("Dopo l'incasso", "dopo aver ricevuto", "dopo incasso"), ("After receipt",)),
    (DeliveryTerms.AVAILABILITY, ("Disponibilità", "disponibilita"), ("Availability",)),
    (DeliveryTerms.COMPLETE_LINE, ("Riga completa", "linea completa"), ("Complete line",)),
    (DeliveryTerms.COMPLETE_ORDER, ("Ordine completo", "completa l'ordine"), ("Complete order",)),
    (InvoiceGrouping.CUSTOMER, ("Cliente",), ("Customer",)),
    (InvoiceGrouping.PROJECT, ("Progetto",), ("Project",)),
    (InvoiceGrouping.SHIPPING_ADDRESS, ("Destinazione", "indirizzo di spedizione"), ("Shipping address", "ship-to")),
    (PaymentMethod.BANK_TRANSFER, ("Bonifico bancario", "bonifico"), ("Bank transfer", "wire transfer")),
    (PaymentMethod.RIBA, ("Ri.Ba.", "riba", "ricevuta bancaria"), ("Ri.Ba.", "bank receipt")),
    (PaymentMethod.CASH, ("Contanti", "contante"), ("Cash",)),
    (PaymentMethod.CARD, ("Carta", "carta di credito"), ("Card", "credit card")),
    (PaymentMethod.DIRECT_DEBIT, ("Addebito diretto", "SDD", "addebito diretto SEPA"), ("Direct debit", "SEPA direct debit")),
    (PaymentMethod.CHEQUE, ("Assegno", "assegno bancario"), ("Cheque", "check")),
    (PaymentMethod.RID, ("RID", "addebito RID"), ("RID", "RID direct debit")),
    (PaymentMethod.CASH_ON_DELIVERY, ("Contrassegno", "pagamento alla consegna"), ("Cash on delivery", "COD")),
    (ExceptionAction.SKIP, ("Salta",), ("Skip",)),
    (ExceptionAction.MOVE, ("Sposta",), ("Move",)),
    (ExceptionAction.QUANTITY, ("Quantità", "cambia quantità"), ("Quantity", "change quantity")),
    (ExceptionAction.EXTRA, ("Consegna extra", "extra", "aggiuntiva"), ("Extra delivery", "extra")),
    (DeferredInvoiceDate.MONTH_END, ("Fine mese", "ultimo del mese", "fine mese consegne"), ("Month end", "end of month")),
    (DeferredInvoiceDate.ISSUE, ("Emissione", "data di emissione", "data emissione"), ("Issue date", "issue")),
    (Shareholders.ONE, ("SU", "Socio unico", "unipersonale"), ("Sole shareholder", "single shareholder")),
    (Shareholders.SEVERAL, ("SM", "Più soci", "soci multipli", "pluripersonale"), ("Several shareholders",)),
    (Liquidation.IN, ("LS", "In liquidazione"), ("In liquidation",)),
    (Liquidation.NOT, ("LN", "Non in liquidazione"), ("Not in liquidation",)),
    (PriceRuleKind.SPECIAL, ("Prezzo speciale", "speciale", "prezzo netto"), ("Special price", "special")),
    (PriceRuleKind.DISCOUNT, ("Sconto", "sconto %", "sconto percentuale"), ("Discount", "discount %")),
    (PriceRuleKind.DERIVED, ("Da listino", "derivato", "prezzo derivato"), ("From list", "derived", "derived price")),
    (RequestKind.COMPLAINT, ("Reclamo", "lamentela", "denuncia"), ("Complaint",)),
    (RequestKind.REQUEST, ("Richiesta",), ("Request",)),
    (RequestKind.INFORMATION, ("Informazione", "informazioni", "info"), ("Information", "info")),
    (RequestKind.RETURN, ("Reso", "restituzione"), ("Return",)),
    (RequestKind.WARRANTY, ("Garanzia",), ("Warranty",)),
    (DiscountPeriod.MONTH, ("Mese", "mensile"), ("Month", "monthly")),
    (DiscountPeriod.QUARTER, ("Trimestre", "trimestrale"), ("Quarter", "quarterly")),
    (DiscountPeriod.YEAR, ("Anno", "annuale"), ("Year", "yearly", "annual")),
    (BracketBasis.AMOUNT, ("Importo", "fatturato", "valore"), ("Amount", "value")),
    (BracketBasis.QUANTITY, ("Quantità", "quantita", "pezzi"), ("Quantity",)),
    (BracketMode.SCALED, ("A scaglioni", "scaglioni", "progressivo"), ("Scaled", "progressive", "tiered")),
    (BracketMode.WHOLE, ("Sul totale", "totale", "tutto"), ("Whole", "on everything", "all")),
    (CommissionBase.INVOICED, ("Fatturato", "fatture", "netto fatturato"), ("Invoiced", "net invoiced")),
    (CommissionBase.COLLECTED, ("Incassato", "incassi", "netto incassato"), ("Collected", "net collected")),
)


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Fold case, accents and separators, so `Quantità`, `quantita` and `QUANTITA'` compare equal.

    Cached: a sheet repeats the same few words (units, frequencies) on thousands of rows."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[\s\-_'’.]+", "", folded)


_WORDS: dict[tuple[type, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    (type(m), m.value): (it, en) for m, it, en in _WORDS_TABLE
}
"""Keyed by (vocabulary, value): `ScheduleKind.WEEKLY` and `InvoiceSchedule.WEEKLY` are equal strings."""

_INDEX: dict[type, dict[str, StrEnum]] = {}
for _member, _it, _en in _WORDS_TABLE:
    _index = _INDEX.setdefault(type(_member), {})
    for _word in (_member.value, *_it, *_en):
        _index.setdefault(normalize(_word), _member)


def parse(enum: type[E], text: str) -> E:
    """The member a user's word stands for; `ValueError` when none does."""
    found = _INDEX[enum].get(normalize(text))
    if found is None:
        raise ValueError(text)
    return found  # type: ignore[return-value]


def label(member: StrEnum, lang: str = "it") -> str:
    it, en = _WORDS[(type(member), member.value)]
    return (it if lang == "it" else en)[0]


def has_label(member: StrEnum) -> bool:
    """Whether the member is one of these vocabularies' (a status of the core's is not)."""
    return (type(member), member.value) in _WORDS


def choices(enum: type[StrEnum], lang: str = "it") -> list[str]:
    """The labels a dropdown offers, in the user's language."""
    return [label(m, lang) for m in enum]


@dataclass(frozen=True, slots=True)
class Choice(Generic[C]):
    """One option a person picks by name: the code the JSON and the ledger keep, and the words
    that name it, Italian first. The first Italian word is the one help and refusals show."""

    code: C
    it: tuple[str, ...]
    en: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Choices(Generic[C]):
    """The closed set an option or a panel cell takes (a report's kind, `--by`, a status): the
    desk types Italian, scripts the English codes, so each is taken by any of its words, in any
    case, accents and dashes aside. One record per set, so every option reads and refuses the
    same way; two options sharing a word would make one unreachable, refused when built.

    >>> kinds = Choices((Choice("orders", ("ordini",)), Choice("invoices", ("fatture", "fattura"), ("invoice",))))
    >>> kinds.pick("Ordini"), kinds.pick("FATTURA"), kinds.pick("invoices")
    ('orders', 'invoices', 'invoices')
    >>> kinds.words()
    'ordini, fatture / orders, invoices'
    """

    options: tuple[Choice[C], ...]
    _index: dict[str, C] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, C] = {}
        for option in self.options:
            for word in (option.code, *option.it, *option.en):
                if index.setdefault(normalize(word), option.code) != option.code:
                    raise ValueError(f"«{word}» names both {index[normalize(word)]} and {option.code}")
        object.__setattr__(self, "_index", index)

    @classmethod
    def of(cls, enum: type[E]) -> Choices[E]:
        """A vocabulary's members with the words its cells take (`PaymentMethod`, `RequestKind`)."""
        return Choices(tuple(Choice(m, *_WORDS[(enum, m.value)]) for m in enum))

    @property
    def codes(self) -> tuple[C, ...]:
        return tuple(option.code for option in self.options)

    def pick(self, text: str) -> C:
        """The code a person's word names; `ValueError` when none."""
        found = self._index.get(normalize(text))
        if found is None:
            raise ValueError(text)
        return found

    def words(self) -> str:
        """The Italian words, then the English codes, for a help line or a refusal."""
        return f"{', '.join(o.it[0] for o in self.options)} / {', '.join(self.codes)}"

    def only(self, codes: Iterable[str]) -> Choices[C]:
        """The same words for fewer codes (the dimensions an aging report takes)."""
        kept = set(codes)
        return Choices(tuple(o for o in self.options if o.code in kept))


WEEKDAYS_IT = ("lun", "mar", "mer", "gio", "ven", "sab", "dom")
WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_WORDS = {
    **{w: i for i, w in enumerate(WEEKDAYS_IT)},
    **{w: i for i, w in enumerate(WEEKDAYS_EN)},
    **{w: i for i, w in enumerate(("lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica"))},
    **{w: i for i, w in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
}


_DASH = re.compile(r"\s*[-\u2013\u2014]\s*")
_JOINING = frozenset({"e", "ed", "and", "&"})


def parse_weekdays(text: str) -> tuple[int, ...]:
    """Weekday numbers (Monday = 0) from `lun,mer,ven`, `mon-fri` or `lunedì; giovedì`, as a desk
    writes them in a cell: `Lun - Ven` with spaces, or a dash pasted from a document (–, —), and
    `lun e gio`, `mon & thu`.

    >>> parse_weekdays("Lun - Ven"), parse_weekdays("lun – mer"), parse_weekdays("lun e gio")
    ((0, 1, 2, 3, 4), (0, 1, 2), (0, 3))
    """
    return parse_cycle(text, _weekday, 0, 6)


def parse_cycle(text: str, number: Callable[[str], int], first: int, last: int) -> tuple[int, ...]:
    """The numbers, `first` to `last`, of a cycle's names (weekdays, months) as a desk lists them:
    separated by commas, semicolons, slashes, blanks or `e`/`and`, a range with a dash wrapping
    past `last` (`dom-lun`, `dic-gen`); `number` reads one name, `ValueError` for a word that is
    none, as for a list with nothing in it."""
    found: set[int] = set()
    for part in re.split(r"[,;/+\s]+", _DASH.sub("-", text.strip())):
        if not part or part.casefold() in _JOINING:
            continue
        ends = [number(end) for end in part.split("-")]
        if len(ends) == 2:
            a, b = ends
            found.update(range(a, b + 1) if a <= b else [*range(a, last + 1), *range(first, b + 1)])
        elif len(ends) == 1:
            found.add(ends[0])
        else:
            raise ValueError(text)
    if not found:
        raise ValueError(text)
    return tuple(sorted(found))


def _weekday(word: str) -> int:
    found = _WEEKDAY_WORDS.get(normalize(word))
    if found is None:
        raise ValueError(word)
    return found


def format_weekdays(days: tuple[int, ...], lang: str = "it") -> str:
    names = WEEKDAYS_IT if lang == "it" else WEEKDAYS_EN
    return ",".join(names[d] for d in days)
