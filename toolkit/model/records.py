"""The master data: one record class per sheet, the single description of the workbook format.

Each record declares its sheet (`sheet`, a `SheetHeading`) and each column as a field whose type
says what a cell may hold (`toolkit.model.cells`: `Annotated` types whose validators pydantic
runs) and whose `column(...)` gives the headings, the meaning, an example and the default
(`toolkit.model.headings`). Nothing else describes the format: the reader, the data check, the
sample writer and `docs/workbook-format.md` all read these classes (`toolkit.model.sheets`).

Dumb records in the spirit of beancount's `core/data.py`: frozen, no behaviour beyond what a
value needs, so every rule can be a plain function over them; `dataclasses.replace` makes a
changed copy. Money and quantities are `Decimal`, dates are `date`.

They are dataclasses with slots that pydantic validates (`validate`), not pydantic models: a
large workbook has hundreds of thousands of rows, a model carries its own dictionary and set of
set fields (three to five times the size of a slotted record), and a pydantic dataclass runs
its whole validator again whenever pydantic makes one. So the reader validates each distinct
cell value once through its field's `TypeAdapter`, then makes the records with `from_columns`,
whose pydantic check only looks at each value's type. A record made in code (`Template(...)`)
is trusted to hold typed values, as any dataclass.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from itertools import repeat
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, TypeVar, dataclass_transform

from pydantic import BaseModel, ConfigDict, InstanceOf, TypeAdapter, ValidationError
from pydantic_core import ArgsKwargs, SchemaValidator, core_schema

from toolkit.basics import vat_ids
from toolkit.basics.cells import Location
from toolkit.basics.tax_regimes import ORDINARY
from toolkit.basics.vocab import (
    BracketBasis,
    BracketMode,
    CommissionBase,
    DeferredInvoiceDate,
    DeliveryTerms,
    DiscountPeriod,
    DocumentType,
    ExceptionAction,
    HolidayPolicy,
    InvoiceGrouping,
    InvoiceSchedule,
    InvoiceTerms,
    Liquidation,
    PaymentMethod,
    PriceRuleKind,
    PriceType,
    ScheduleKind,
    Shareholders,
)
from toolkit.model.cells import (
    FILES_SERIES,
    Areas,
    Choice,
    Code,
    Country,
    Day,
    DayMonth,
    Discount,
    DueDay,
    Email,
    Integer,
    LedgerSetting,
    Markup,
    Money,
    MonthDay,
    Months,
    NumbersBefore,
    Percent,
    Postcode,
    Quantity,
    RecipientCode,
    RoundingStep,
    ShareCapital,
    TaxCode,
    TaxRegime,
    Text,
    UnitPrice,
    UpperCode,
    VatNumber,
    VatRate,
    Weekdays,
    Weight,
    YesNo,
    cell_of,
)
from toolkit.model.headings import SheetHeading, column


class Record:
    """A master-data record: every class below is one, made a frozen dataclass by `record`."""

    __slots__ = ()
    if TYPE_CHECKING:
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]


R = TypeVar("R", bound=Record)


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(dataclasses.field, column))
def record(cls: type[R]) -> type[R]:
    """The decorator of the records: keyword arguments only, since a required column may follow an
    optional one."""
    return dataclasses.dataclass(frozen=True, slots=True, kw_only=True)(cls)


def validate(record_type: type[R], values: Mapping[str, Any]) -> R:
    """A record from values written the way cells are (`"31"`, `"lun-ven"`, `"Bonifico"`),
    validated by pydantic: `ValidationError` names each field that does not read."""
    # a class is hashable, but mypy checks type[R] against Hashable through R's own __hash__
    return _adapter(record_type).validate_python(values)  # type: ignore[arg-type]


def from_values(record_type: type[R], rows: Iterable[tuple[Any, ...]]) -> list[R]:
    """Records made from rows of values in field order, each already validated by its field's type.

    A pydantic schema of the record in which each field only checks that its value is of the
    type its cell type gives (`toolkit.model.cells.Cell.holds`, the strict half of the cell's
    validator): pydantic's core makes the records, converts nothing, calls no Python code and
    needs no dictionary per row. A value of the wrong type still fails."""
    # a class is hashable, but mypy checks type[R] against Hashable through R's own __hash__
    return _typed(record_type).validate_python(list(map(ArgsKwargs, rows)))  # type: ignore[arg-type]


def from_columns(record_type: type[R], columns: Mapping[str, Sequence[Any]]) -> list[R]:
    """The records `from_values` makes, from each field's column of values instead of rows.

    Each column is checked by pydantic's core as `from_values` checks each row's values (of
    the type its cell type holds, or None where the field may be empty), all of it in one
    call; then the records are made empty and each field's column is set into them through
    its slot, one C-level loop a field, with no row tuple and no argument object per record
    (at L, 385,000 records, about a fifth less time than `from_values`). A column with a value
    of the wrong type goes to `from_values`, which refuses it as before."""
    names = [f.name for f in dataclasses.fields(record_type)]
    count = len(columns[names[0]])
    if any(len(columns[name]) != count for name in names):
        raise ValueError(f"{record_type.__name__}: columns of different lengths")
    # a class is hashable, but mypy checks type[R] against Hashable through R's own __hash__
    checks = _column_checks(record_type)  # type: ignore[arg-type]
    try:
        for name in names:
            checks[name].validate_python(columns[name])
    except ValidationError:
        return from_values(record_type, zip(*(columns[name] for name in names)))
    made = list(map(object.__new__, repeat(record_type, count)))
    for name in names:
        deque(map(getattr(record_type, name).__set__, made, columns[name]), maxlen=0)
    return made


@cache
def _column_checks(record_type: type[Record]) -> dict[str, SchemaValidator]:
    """Per field, pydantic's check of a list of its values: the field's check in `_typed`."""
    hints = typing.get_type_hints(record_type, include_extras=True)
    return {f.name: SchemaValidator(core_schema.list_schema(_type_check(hints[f.name])))
            for f in dataclasses.fields(record_type)}


@cache
def _adapter(record_type: type[Record]) -> TypeAdapter:
    return TypeAdapter(record_type)


@cache
def _typed(record_type: type[Record]) -> SchemaValidator:
    hints = typing.get_type_hints(record_type, include_extras=True)
    fields = [core_schema.dataclass_field(f.name, _type_check(hints[f.name]), kw_only=False)
              for f in dataclasses.fields(record_type)]
    schema = core_schema.dataclass_schema(
        record_type, core_schema.dataclass_args_schema(record_type.__name__, fields),
        [f.name for f in dataclasses.fields(record_type)], slots=True)
    return SchemaValidator(core_schema.list_schema(schema))


def _type_check(annotation: Any) -> core_schema.CoreSchema:
    """Is the value of the type a field of this annotation holds (`X | None`: or None)?"""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        [inner] = [a for a in args if a is not type(None)]
        return core_schema.nullable_schema(_type_check(inner))
    cell = cell_of(getattr(annotation, "__metadata__", ()))
    held = cell.holds if cell is not None else getattr(annotation, "__origin__", annotation)
    return core_schema.is_instance_schema(held)


class Source(NamedTuple):
    """The sheet (by its key) and the 1-based row a record was read from.

    A named tuple, not a model: a large workbook has one per row, and a tuple is made in C."""

    sheet: str
    row: int


@record
class Settings(Record):
    """The seller's data and the toolkit's options (impostazioni), one per workbook."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "settings", "Impostazioni", "Settings",
        "The seller's company data (printed on DDTs and invoices) and the toolkit's options. Two "
        "columns, `Voce`/`Setting` and `Valore`/`Value`, one setting per row. A setting on two rows is "
        "read from the one with a value (two different values are refused at the second, `setting-twice`); a "
        "row named almost as a setting (`Serie fattura`) is warned as mistyped (`unknown-setting`), as it is "
        "not read.",
        key_value=True)

    company_name: Text = column("Ragione sociale", "Company name", "Seller's legal name", "Forniture Rossi S.r.l.")
    vat_number: VatNumber = column(
        "Partita IVA", "VAT number", "Seller's partita IVA (11 digits, `IT` prefix optional)", "IT01234560157")
    tax_code: TaxCode | None = column(
        "Codice fiscale", "Tax code", "Seller's codice fiscale, if it differs from the VAT number", "01234567897",
        default=None)
    address: Text = column("Indirizzo", "Address", "Street and number", "Via Roma 10")
    postcode: Postcode = column(
        "CAP", "Postcode", "Postcode: in Italy its 5 digits (a number Excel cut to 9012 is read 09012)", "20121")
    city: Text = column("Città", "City", "City", "Milano")
    province: Text | None = column(
        "Provincia", "Province", "Two-letter province code (sigla); required in Italy", "MI", default=None)
    country: Country = column("Paese", "Country", "Two-letter ISO country code (empty: IT)", "IT", default="IT")
    language: Text = column(
        "Lingua", "Language", "`it` or `en`: language of messages and documents", "it", default="it")
    holiday_region: Text | None = column(
        "Regione festività", "Holiday region",
        "Province whose patron saint's day is a holiday (as the `holidays` package knows it)", "MI", default=None)
    patron_day: DayMonth | None = column(
        "Santo patrono", "Patron saint day",
        "A local holiday as day/month (`07/12`, `15 ago`), when the region is not enough", "07/12",
        default=None)
    """(day, month) of a local patron saint's day."""
    saturday_working: YesNo = column(
        "Sabato lavorativo", "Saturday working",
        'Whether Saturday is a working day ("giorni feriali" Monday–Saturday)', "no", default=False)
    stock_date: Day | None = column(
        "Data giacenze", "Stock date",
        "The day the Giacenze sheet was counted: DDTs dated or stored from that day on are taken off it "
        "(returns added back); empty = the sheet is today's stock",
        "01/04/2026", default=None)
    """When the stock sheet was counted; what moved after it is taken off it, whatever the DDTs'
    dates (`toolkit.ledger.shipped_by_day.since_count`)."""
    order_series: Code = column(
        "Serie ordini", "Order series",
        "Prefix of order numbers; at most 9 characters without accents, as for every series (the e-invoice "
        "carries numbers of 20), when an e-invoice cites orders by number (a service item, a customer with CIG "
        "or CUP)", "OC", default="OC")
    ddt_series: Code = column(
        "Serie DDT", "DDT series",
        "Prefix of delivery-note numbers, at most 9 characters; not `SERVIZI`, the series of services rendered, nor "
        "the invoices', credit notes' or orders' series (one counter would leave gaps in both)",
        "DDT", default="DDT")
    invoice_series: Code = column(
        "Serie fatture", "Invoice series", "Prefix of invoice numbers, at most 9 characters", "FT", default="FT")
    credit_note_series: Code = column(
        "Serie note di credito", "Credit note series",
        "Prefix of credit-note numbers, at most 9 characters (the invoice series to share its numbering)", "NC", default="NC")
    iban: Text | None = column(
        "IBAN", "IBAN", "Bank account printed on invoices for transfers, and in their e-invoices: an IBAN, its "
        "check digits verified (spaces allowed)", "IT60X0542811101000000123456", default=None)
    deferred_invoice_date: Choice[DeferredInvoiceDate] = column(
        "Data fattura differita", "Deferred invoice date",
        "Date of the month-end run's deferred invoices when --date is not given: `Fine mese` (the month's last "
        "day, or the run's day if earlier) or `Emissione` (the day of the run)",
        "Fine mese", default=DeferredInvoiceDate.MONTH_END)
    stamp_duty_customer: YesNo = column(
        "Bollo a carico del cliente", "Stamp duty charged to customer",
        "Whether the 2.00 € virtual stamp duty of invoices without VAT over 77.47 € is charged to the customer, "
        "as a line of the invoice excluded from VAT (N1, art. 15 DPR 633/72); `no`: the seller pays it",
        "sì", default=True)
    tax_regime: TaxRegime = column(
        "Regime fiscale", "Tax regime",
        "The seller's regime as its e-invoices declare it (RegimeFiscale): `RF01` ordinary, `RF19` flat-rate "
        "(forfettario), `RF02` contribuenti minimi, or another code of the FatturaPA list (`RF19 - Forfettario` "
        "is read RF19); under RF19 and RF02 every item is sold at VAT 0 with Natura IVA N2.2",
        "RF01", default=ORDINARY)
    ledger: LedgerSetting | None = column(
        "Registro", "Ledger",
        "Whose ledger keeps this workbook's documents: empty, the SQLite file beside the workbook (one desk); "
        "`condiviso` (shared), the team's PostgreSQL ledger, which `--ledger` or `TOOLKIT_LEDGER_URL` must name, "
        "so a PC or a login without them is refused rather than given a new ledger numbered from 1; or that "
        "ledger's address, `postgresql://server/database` (the user may be given, the password never: it goes in "
        "`~/.pgpass` or `PGPASSWORD`), which the toolkit and the buttons then use by themselves, refusing a "
        "`--ledger` or `TOOLKIT_LEDGER_URL` that names another",
        "condiviso", default=None)
    """`SHARED_LEDGER`, or the team ledger's address; None: the SQLite file beside the workbook."""
    numbers_before: NumbersBefore | None = column(
        "Numeri prima del toolkit", "Numbers before the toolkit",
        "For a desk that starts in the middle of a year: per series, the last number it issued that year with "
        "another program, so the toolkit's numbers go on after it (`FT 345/2026` makes the next invoice "
        "FT-2026-00346); `SDI 412` is the last e-invoice file progressive. Read only while the toolkit has "
        "issued nothing in that series and year; empty: every series starts from 1",
        "FT 345/2026, NC 12/2026, DDT 1200/2026, SDI 412", default=None)
    rea_office: UpperCode | None = column(
        "Ufficio REA", "REA office",
        "A company's registration in the REA (art. 2250 c.c., IscrizioneREA of its e-invoices): the sigla of the "
        "province of the Camera di Commercio that keeps it; with Numero REA, or both empty (a sole trader not "
        "registered, a seller abroad)", "MI", default=None)
    rea_number: Text | None = column(
        "Numero REA", "REA number", "The company's REA number, at most 20 characters", "1234567", default=None)
    share_capital: ShareCapital | None = column(
        "Capitale sociale", "Share capital",
        "A capital company's share capital (S.r.l., S.p.A.) in euro, as its registration says (`10.000,00 i.v.` "
        "is read 10000.00): printed and sent with the REA number", "10000", default=None,
        aliases=("Cap. sociale", "Cap. soc.", "Capitale sociale i.v.", "Cap. sociale i.v."))
    paid_in_capital: ShareCapital | None = column(
        "Capitale versato", "Paid-in capital",
        "The part of the share capital paid in, when it is not all paid in (art. 2250 c.c.: documents state the "
        "capital paid in): printed beside it, `Cap. soc. € 50.000,00, versato € 12.500,00`; empty, the capital is "
        "paid in full and printed `Cap. soc. € 10.000,00 i.v.` (interamente versato); the e-invoice's "
        "CapitaleSociale stays the share capital", "12500", default=None,
        aliases=("Cap. versato", "Capitale sociale versato", "Cap. sociale versato"))
    shareholders: Choice[Shareholders] | None = column(
        "Socio unico", "Sole shareholder",
        "A capital company's shareholders: `SU` one (socio unico), `SM` several", "SM", default=None)
    liquidation: Choice[Liquidation] | None = column(
        "Stato liquidazione", "Liquidation",
        "`LN` not in liquidation, `LS` being wound up (in liquidazione); empty with a REA number: LN", "LN",
        default=None)
    einvoices_elsewhere: YesNo = column(
        "FatturaPA con altro programma", "E-invoices by another program",
        "`sì` when the FatturaPA files are written and sent with another program (the accountant's, an "
        "intermediary's) and not with `toolkit einvoice`: the daily commands then do not name each day the "
        "immediate invoices with no file written (einvoice-immediate-due-soon)", "no", default=False)
    """A desk whose files another program writes: the ledger never knows them written."""


def numbers_before(settings: Settings) -> tuple[tuple[str, int, int], ...]:
    """*Numeri prima del toolkit* as the ledger numbers: (series, year, last number), each series
    spelt as *Impostazioni* spell it (`ft 345/2026` is the FT series), the e-invoice files'
    progressive as `FILES_SERIES` with year 0; a series *Impostazioni* do not name is left out
    (the data check refuses it at its cell)."""
    spelt = {getattr(settings, f).upper(): getattr(settings, f) for f in SERIES_SETTINGS}
    spelt[FILES_SERIES] = FILES_SERIES
    return tuple((spelt[series], year, last) for series, year, last in settings.numbers_before or ()
                 if series in spelt)


SERIES_SETTINGS = ("invoice_series", "credit_note_series", "ddt_series", "order_series")
"""The settings naming a series of numbers: *Numeri prima del toolkit* may continue each, and an
e-invoice carries each (Numero, NumeroDDT, and the IdDocumento of an order cited, which only some
customers' invoices do: the order series comes last)."""


@record
class Customer(Record):
    """A customer (cliente): who is invoiced, how they pay, when they are invoiced and shipped."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "customers", "Clienti", "Customers", "One row per customer (cliente).")

    code: Code = column("Codice", "Code", "Unique customer code", "C001")
    name: Text = column(
        "Ragione sociale", "Name", "Legal name", "Bar Centrale S.n.c.", aliases=("Nome", "Cliente", "Customer"),
        short=("Rag. Soc.", "Rag. sociale", "Denominazione"))
    vat_number: VatNumber | None = column(
        "Partita IVA", "VAT number",
        "Partita IVA; this or the tax code is required. Abroad (Paese not IT) the VAT number with its country "
        "prefix (DE123456789, CHE116281710), required of a business; empty for a private person (its e-invoice names it "
        "99999999999, and by its codice fiscale if it has an Italian one)", "IT01234560157", default=None,
        short=("P.IVA", "Part. IVA", "P.I.", "VAT no.", "VAT ID"))
    tax_code: TaxCode | None = column(
        "Codice fiscale", "Tax code", "Codice fiscale (16 characters for people, 11 digits for companies)",
        "RSSMRA80A01H501U", default=None, short=("C.F.", "Cod. Fisc.", "Cod. fiscale"))
    address: Text = column("Indirizzo", "Address", "Billing address: street and number", "Corso Italia 4")
    postcode: Postcode | None = column(
        "CAP", "Postcode", "Billing postcode: in Italy its 5 digits, required (a number Excel cut to 9012 is read "
        "09012)", "10121", default=None)
    city: Text = column("Città", "City", "Billing city", "Torino", short=("Comune", "Località", "Loc."))
    province: Text | None = column(
        "Provincia", "Province", "Two-letter province code (sigla); required in Italy", "TO", default=None,
        short=("Prov.", "Pr.", "Sigla prov."))
    country: Country = column("Paese", "Country", "Two-letter ISO country code (empty: IT)", "IT", default="IT",
                              short=("Nazione",))
    area: Code | None = column(
        "Zona", "Area", "Delivery area or route, used to pick the carrier", "NORD", default=None)
    price_list: Code = column("Listino", "Price list", "Default price list (listino)", "BASE", refers="price_lists")
    group: Code | None = column(
        "Gruppo", "Group", "Customer group, for price rules, volume discounts and commissions", "HORECA", default=None)
    payment_method: Choice[PaymentMethod] = column(
        "Modalità di pagamento", "Payment method", "How the customer pays", "Bonifico bancario")
    payment_terms: Text = column(
        "Termini di pagamento", "Payment terms",
        "When invoices fall due: `IMM`, `30` (days), `30FM` (30 days then month end), `FM+30` (month end "
        "then 30 days), `30/60/90`, `MS10` (day 10 of next month), `CONSEGNA` (on each delivery's day; "
        "always so for *Contrassegno*); a due counted onto a Sunday or a national holiday falls on the next "
        "working day (art. 1187 and 2963 c.c.)",
        "30FM")
    invoice_terms: Choice[InvoiceTerms] = column(
        "Termini di fatturazione", "Invoice terms", "When to invoice", "Schedulazione del cliente",
        default=InvoiceTerms.CUSTOMER_SCHEDULE)
    invoice_schedule: Choice[InvoiceSchedule] = column(
        "Calendario fatturazione", "Invoice schedule",
        "For the customer-schedule terms: weekly, every two weeks or monthly", "Mensile",
        default=InvoiceSchedule.MONTHLY)
    delivery_terms: Choice[DeliveryTerms] = column(
        "Termini di consegna", "Delivery terms",
        "When goods may ship; after receipt needs the invoice terms Immediate (an invoice to pay)", "Disponibilità",
        default=DeliveryTerms.AVAILABILITY)
    credit_limit: Money | None = column(
        "Fido", "Credit limit", "Credit limit in euro; empty for none", "5000", default=None, lifts=True)
    sales_rep: Text | None = column("Agente", "Sales rep", "Sales representative", "Marco Bianchi", default=None)
    invoice_grouping: Choice[InvoiceGrouping] = column(
        "Raggruppamento fatture", "Invoice grouping", "One invoice per customer, per project or per shipping address",
        "Cliente", default=InvoiceGrouping.CUSTOMER)
    sdi_code: RecipientCode | None = column(
        "Codice SDI", "SDI code",
        "7-character recipient code for e-invoices; typed as a number, it gets its leading zeros back", "M5UXCR1",
        default=None,
        aliases=("Codice destinatario",), short=("SDI", "Cod. SDI", "Codice univoco", "Cod. destinatario"))
    pec: Email | None = column(
        "PEC", "PEC", "Certified e-mail, when there is no SDI code", "bar.centrale@pec.it", default=None)
    vat_nature: Text | None = column(
        "Natura IVA", "VAT nature",
        "Why this customer's sales carry no VAT (N3.1 export, N3.2 intra-EU supply, N2.x, N6.x …): every line of "
        "its orders at 0 % with this nature; empty: each item's own rate", "N3.2", default=None)
    split_payment: YesNo | None = column(
        "Scissione pagamenti", "Split payment",
        "Split payment (*scissione dei pagamenti*, art. 17-ter DPR 633/72): the customer pays the invoice "
        "net of VAT and pays the VAT to the State itself; empty: `sì` for a public administration (a "
        "6-character SDI code in Italy), `no` otherwise", "no", default=None)
    cig: UpperCode | None = column(
        "CIG", "CIG",
        "Codice Identificativo Gara (10 letters and digits) of a public administration's contract: its e-invoices "
        "carry it (DatiOrdineAcquisto › CodiceCIG), without it the body may refuse them", "ZA1B2C3D4E", default=None)
    cup: UpperCode | None = column(
        "CUP", "CUP",
        "Codice Unico di Progetto (15 letters and digits) of a public work: its e-invoices carry it "
        "(DatiOrdineAcquisto › CodiceCUP)", "J11B21000010001", default=None)
    intent_protocol: Text | None = column(
        "Protocollo dichiarazione d'intento", "Letter of intent protocol",
        "The protocol number the Agenzia delle Entrate gave the customer's letter of intent (*dichiarazione "
        "d'intento*: 17 digits, a dash or a slash, 6 digits), which its invoices without VAT under N3.5 cite (the printed "
        "invoice, and AltriDatiGestionali INTENTO in the e-invoice)", "26011512345678901-000001", default=None)
    intent_date: Day | None = column(
        "Data dichiarazione d'intento", "Letter of intent date",
        "The date of that protocol, the Agenzia's receipt of the letter", "15/01/2026", default=None)
    intent_amount: Money | None = column(
        "Importo dichiarazione d'intento", "Letter of intent amount",
        "The amount the letter declares the customer will buy without VAT from us (its *plafond*): invoices citing "
        "the letter stay N3.5 up to it, and what goes beyond is invoiced with VAT at each item's rate; empty: no "
        "ceiling is kept", "50000", default=None, lifts="intent_protocol")
    intent_revoked: Day | None = column(
        "Dichiarazione d'intento revocata dal", "Letter of intent revoked from",
        "The day the customer's revocation of its letter of intent takes effect (*revoca*, filed with the Agenzia): "
        "goods delivered from that day on are invoiced with each item's VAT; empty: the letter covers its whole year",
        "01/09/2026", default=None)
    excluded_months: Months | None = column(
        "Mesi esclusi", "Excluded months",
        "Months no due date may fall in (*mesi esclusi*: shops in August, schools, December): `ago,dic` or "
        "`8,12`; a due falling in one moves to *Giorno di slittamento* of the month after (of the first month "
        "not excluded). Terms due at once or on delivery are not moved",
        "ago,dic", default=None)
    excluded_months_day: DueDay | None = column(
        "Giorno di slittamento", "Moved to day",
        "With *Mesi esclusi*, required: the day of the following month a due in an excluded month moves to, "
        "`10` (31 August → 10 September), or `FM` for that month's end",
        "10", default=None)
    source: InstanceOf[Source]

    @property
    def at_home(self) -> bool:
        """Whether the customer is in Italy (*Paese* IT or empty)."""
        return vat_ids.country_code(self.country) == "IT"

    @property
    def splits_payment(self) -> bool:
        """Whether its invoices bear split payment: as the column says, else when the customer is an
        Italian public administration (its SDI code is an office's 6 characters), which by law pays
        so; a customer abroad is no Italian public body, whatever code its row holds."""
        if self.split_payment is not None:
            return self.split_payment
        return self.at_home and public_administration(self.sdi_code)


def public_administration(sdi_code: str | None) -> bool:
    """Whether a recipient code is a public administration's office code (*codice univoco
    ufficio*, 6 characters), as FPA12 reads it.

    >>> public_administration("UFABCD"), public_administration("M5UXCR1"), public_administration(None)
    (True, False, False)
    """
    return len((sdi_code or "").strip()) == 6


@record
class ShipTo(Record):
    """A shipping address (destinazione) of a customer."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "ship_to", "Destinazioni", "Shipping addresses",
        "Delivery addresses (destinazioni diverse); a customer may have many.", required=False)

    code: Code = column("Codice", "Code", "Unique address code", "D001")
    customer: Code = column("Cliente", "Customer", "Customer code", "C001", refers="customers")
    name: Text | None = column(
        "Descrizione", "Name", "What the driver reads: shop sign, branch", "Bar Centrale – Piazza", default=None,
        short=("Descr.",))
    address: Text = column("Indirizzo", "Address", "Street and number", "Piazza Castello 1")
    postcode: Postcode | None = column(
        "CAP", "Postcode", "Postcode: in Italy its 5 digits (a number Excel cut to 9012 is read 09012)", "10122",
        default=None)
    city: Text = column("Città", "City", "City", "Torino", short=("Comune", "Località", "Loc."))
    province: Text | None = column(
        "Provincia", "Province", "Two-letter province code (sigla); required in Italy", "TO", default=None,
        short=("Prov.", "Pr.", "Sigla prov."))
    country: Country = column("Paese", "Country", "Two-letter ISO country code (empty: IT)", "IT", default="IT",
                              short=("Nazione",))
    area: Code | None = column("Zona", "Area", "Route or area (else the customer's)", "NORD", default=None)
    source: InstanceOf[Source]


@record
class Contact(Record):
    """A contact person (persona di contatto) of a customer."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "contacts", "Contatti", "Contacts", "Contact persons (persone di contatto).", required=False)

    code: Code = column("Codice", "Code", "Unique contact code", "P001")
    customer: Code = column("Cliente", "Customer", "Customer code", "C001", refers="customers")
    name: Text = column("Nome", "Name", "Full name", "Giulia Verdi")
    phone: Text | None = column("Telefono", "Phone", "Phone", "+39 011 555 1234", default=None, short=("Tel.",))
    email: Email | None = column("Email", "Email", "E-mail", "giulia@barcentrale.it", default=None, short=("Mail",))
    source: InstanceOf[Source]


@record
class Item(Record):
    """An item (articolo). `vat_rate` is a percentage (22 means 22 %)."""

    sheet: ClassVar[SheetHeading] = SheetHeading("items", "Articoli", "Items", "What is sold (articoli).")

    code: Code = column("Codice", "Code", "Unique item code", "A001")
    description: Text = column(
        "Descrizione", "Description", "Description printed on documents", "Caffè in grani 1 kg",
        short=("Descr.", "Desc."))
    unit: Text = column("Unità di misura", "Unit", "Unit of measure", "pz", aliases=("UM", "U.M."))
    vat_rate: VatRate | None = column(
        "Aliquota IVA", "VAT rate",
        "VAT rate in percent (22, 10, 5, 4, 0), two decimals at most; one between 0 and 1 (`0,22` typed as text) "
        "is refused, as SDI rejects it (00424)", "22", default=None,
        short=("IVA", "Aliq. IVA", "% IVA", "IVA %", "VAT"))
    vat_nature: Text | None = column(
        "Natura", "Exemption nature", "Nature code (N1–N7, e.g. N2.1) when the rate is 0", "N4", default=None,
        aliases=("Natura IVA",))
    category: Code | None = column("Categoria", "Category", "Item category", "CAFFE", default=None)
    weight: Weight | None = column("Peso", "Weight", "Weight of one unit in kg (for the DDT)", "1.05", default=None)
    service: YesNo = column(
        "Servizio", "Service",
        "A service (insurance, a course): invoiced, but not goods that travel, so left off the DDT's goods and "
        "the production list", "no", default=False)
    new_vat_rate: VatRate | None = column(
        "Nuova aliquota IVA", "New VAT rate",
        "A VAT rate change written ahead: the rate of a DDT dated on or after the day in Dal (art. 6 DPR 633/72); "
        "empty = no change", "10", default=None)
    vat_from: Day | None = column(
        "Dal", "From", "The first day of the Nuova aliquota IVA; before it the Aliquota IVA holds", "01/01/2027",
        default=None, aliases=("Nuova aliquota dal", "New VAT rate from"))
    source: InstanceOf[Source]

    def vat_rate_on(self, day: date) -> Decimal | None:
        """The rate in force on `day`: a sale is made on delivery and taxed at that day's rate
        (art. 6 DPR 633/72), so the change written ahead holds from its *Dal* on."""
        if self.vat_from is not None and self.new_vat_rate is not None and day >= self.vat_from:
            return self.new_vat_rate
        return self.vat_rate


@record
class PriceList(Record):
    """A price list (listino)."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "price_lists", "Listini", "Price lists", "Price lists (listini prezzi).")

    code: Code = column("Codice", "Code", "Unique price-list code", "BASE")
    description: Text | None = column("Descrizione", "Description", "Description", "Listino base", default=None)
    currency: Code = column("Valuta", "Currency", "Currency (only EUR is invoiced)", "EUR", default="EUR")
    vat_included: YesNo = column("IVA inclusa", "VAT included", "Whether prices include VAT", "no", default=False)
    source: InstanceOf[Source]


@record
class PriceVersion(Record):
    """A version of a price list, valid from `valid_from` to `valid_to` inclusive (None: open)."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "price_versions", "Versioni listino", "Price list versions",
        "Versions of a price list, each valid over a date range; ranges of one list must not overlap.")

    price_list: Code = column("Listino", "Price list", "Price-list code", "BASE", refers="price_lists")
    version: Code = column("Versione", "Version", "Version code, unique within the list", "2026A")
    valid_from: Day = column("Valido dal", "Valid from", "First day of validity", "01/01/2026")
    valid_to: Day | None = column(
        "Valido al", "Valid to", "Last day of validity (inclusive); empty = open", "30/06/2026", default=None,
        narrows=True)
    base_list: Code | None = column(
        "Listino base", "Base list",
        "For a derived version: the price list its prices are computed from; empty = prices of its own", "BASE",
        default=None, refers="price_lists")
    base_version: Code | None = column(
        "Versione base", "Base version", "For a derived version: the base list's version", "2026A", default=None)
    markup: Markup | None = column(
        "Ricarico %", "Markup %",
        "For a derived version: percent added to each of the base version's three prices (negative: taken off)",
        "10", default=None, aliases=("Percentuale", "Percent"))
    rounding: RoundingStep | None = column(
        "Arrotondamento", "Rounding step",
        "For a derived version: each price is rounded half-up to a multiple of this step, positive with at most 6 "
        "decimals; empty or 0 = the cent",
        "0.05", default=None, aliases=("Passo di arrotondamento",))
    source: InstanceOf[Source]

    @property
    def derived(self) -> bool:
        """Whether its prices are computed from another list's version (Openbravo's base list)."""
        return self.base_list is not None or self.base_version is not None


@record
class Price(Record):
    """The three prices of an item in one price-list version (Openbravo's listino)."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "prices", "Prezzi", "Prices", "One row per item in a price-list version: the three prices of the listino.")

    price_list: Code = column("Listino", "Price list", "Price-list code", "BASE", refers="price_lists")
    version: Code = column("Versione", "Version", "Version code", "2026A")
    item: Code = column("Articolo", "Item", "Item code", "A001", refers="items")
    list_price: UnitPrice = column("Prezzo di listino", "List price", "Catalogue price", "18.50")
    standard_price: UnitPrice = column("Prezzo standard", "Standard price", "The company's selling price", "17.90")
    limit_price: UnitPrice | None = column("Prezzo limite", "Limit price", "Lowest price allowed", "16.00", default=None)
    discount: Discount | None = column(
        "Sconto %", "Discount %", "Discount in percent on the chosen price; 10+5 for discounts in cascade (14.5 %)",
        "5", default=None)
    """Percentage off the chosen price (5 means 5 %; `10+5` is read as 14.5)."""
    source: InstanceOf[Source]


@record
class PriceRule(Record):
    """A price rule (regola prezzo, the seed's "adeguamento di prezzo"): a special price, a discount
    or a derived price for a customer or customer group, an item or item category, or both;
    applied to every order line it matches, in its period, from its minimum quantity.
    `toolkit.core.price_rules` says which rule wins when several match."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "price_rules", "Regole prezzo", "Price rules",
        "Special prices, discounts and prices derived from a list, for a customer or customer group and an item "
        "or item category (or only one side); the most specific rule matching an order line sets its price, "
        "then the higher priority (docs/pricing.md). A template line's own price still wins.",
        required=False)

    code: Code = column("Codice", "Code", "Unique rule code, recorded on each order line it prices", "R001")
    customer: Code | None = column(
        "Cliente", "Customer", "The customer it applies to; empty = any (or the group's)", "C001", default=None,
        refers="customers", narrows=True)
    group: Code | None = column(
        "Gruppo", "Group", "The customer group it applies to (Clienti › Gruppo), instead of a customer", "HORECA",
        default=None, aliases=("Gruppo clienti", "Customer group"), narrows=True)
    item: Code | None = column(
        "Articolo", "Item", "The item it applies to; empty = any (or the category's)", "A001", default=None,
        refers="items", narrows=True)
    category: Code | None = column(
        "Categoria", "Category", "The item category it applies to (Articoli › Categoria), instead of an item",
        "CAFFE", default=None, aliases=("Categoria articoli", "Item category"), narrows=True)
    kind: Choice[PriceRuleKind] = column(
        "Tipo", "Kind", "Special price, discount on the list's price, or price derived from a list", "Sconto")
    price: UnitPrice | None = column(
        "Prezzo", "Price", "For a special price: the unit price, VAT included on a VAT-included list", "15.50",
        default=None)
    discount: Discount | None = column(
        "Sconto %", "Discount %", "For a discount: percent off the price the order's list gives; 10+5 for discounts "
        "in cascade (14.5 %)", "8", default=None)
    base_list: Code | None = column(
        "Listino base", "Base list", "For a derived price: the list whose price it starts from; empty = the "
        "order's list", "BASE", default=None, refers="price_lists")
    base_price: Choice[PriceType] = column(
        "Prezzo base", "Base price", "For a derived price: the base list's list price or standard price",
        "Prezzo di listino", default=PriceType.LIST)
    markup: Markup | None = column(
        "Ricarico %", "Markup %", "For a derived price: percent added to the base price (negative: taken off)",
        "-10", default=None, aliases=("Percentuale", "Percent"))
    rounding: RoundingStep | None = column(
        "Arrotondamento", "Rounding step",
        "For a derived price: rounded half-up to a multiple of this step, positive with at most 6 decimals; "
        "empty or 0 = the cent", "0.05", default=None,
        aliases=("Passo di arrotondamento",))
    valid_from: Day | None = column(
        "Valido dal", "Valid from", "First day of validity; empty = always", "01/04/2026", default=None,
        narrows=True)
    valid_to: Day | None = column(
        "Valido al", "Valid to", "Last day of validity (inclusive); empty = open", "30/06/2026", default=None,
        narrows=True)
    min_quantity: Quantity | None = column(
        "Quantità minima", "Minimum quantity", "Applies to lines of at least this quantity; empty = any", "10",
        default=None, aliases=("Qtà minima", "Min qty"), narrows=True)
    priority: Integer = column(
        "Priorità", "Priority", "Between rules equally specific, the higher priority wins", "1", default=0)
    source: InstanceOf[Source]


@record
class Template(Record):
    """A recurring order template (template ordine ricorrente)."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "templates", "Modelli ordine", "Order templates",
        "Recurring order templates (template ordini ricorrenti), one row per template.")

    code: Code = column("Codice", "Code", "Unique template code", "T001")
    customer: Code = column("Cliente", "Customer", "Customer code", "C001", refers="customers")
    ship_to: Code | None = column(
        "Destinazione", "Ship-to", "Shipping-address code (else the billing address)", "D001", default=None)
    contact: Code | None = column("Contatto", "Contact", "Contact-person code", "P001", default=None)
    schedule: Choice[ScheduleKind] = column("Pianificazione", "Schedule", "Kind of schedule", "Settimanale")
    weekdays: Weekdays = column(
        "Giorni", "Weekdays", "Weekdays for weekly schedules, or the weekday for the nth-weekday kind: `lun,mer,ven`, "
        "`lun-ven` (`Lun - Ven`), `lun e gio`", "lun,mer,ven",
        default=())
    """Monday = 0."""
    interval: Integer | None = column(
        "Ogni N settimane", "Every N weeks", "N for every-N-weeks, counted from Valid from", "2", default=None,
        aliases=("Intervallo", "Interval"))
    day: MonthDay | None = column(
        "Giorno del mese", "Day of month", "1–31 for the monthly-day kind; a short month uses its last day", "31",
        default=None)
    nth: Integer | None = column(
        "Occorrenza", "Nth", "Which weekday of the month: 1–4, or -1 for the last", "1", default=None)
    rrule: Text | None = column(
        "RRULE", "RRULE", "RFC 5545 rule for the RRULE kind", "FREQ=MONTHLY;BYMONTHDAY=15", default=None)
    valid_from: Day = column("Valido dal", "Valid from", "First day of the template", "01/03/2026")
    valid_to: Day | None = column(
        "Valido al", "Valid to", "Last day (inclusive); empty = open", "31/12/2026", default=None, narrows=True)
    holiday_policy: Choice[HolidayPolicy] | None = column(
        "Se festivo", "On holidays",
        "On a non-working day: skip, next or previous working day, or keep; empty = skip for daily kinds, "
        "next for the others",
        "Giorno successivo", default=None)
    """None: skip for the daily kinds, next working day for the others."""
    price_type: Choice[PriceType] = column(
        "Tipo prezzo", "Price type", "List or standard price", "Prezzo standard", default=PriceType.STANDARD)
    price_list: Code | None = column(
        "Listino", "Price list", "Price list; empty = the customer's", "BASE", default=None, refers="price_lists")
    delivery_option: Text | None = column(
        "Opzione di consegna", "Delivery option", "Free text printed on the order: time window, dock", "mattina 7-9",
        default=None)
    document_type: Choice[DocumentType] = column(
        "Tipo documento", "Document type", "Order document type", "Ordine standard", default=DocumentType.STANDARD)
    project: Code | None = column(
        "Progetto", "Project", "Project, for invoices grouped by project", "PRJ-A", default=None)
    customer_reference: Text | None = column(
        "Rif. ordine cliente", "Customer order ref.",
        "The customer's own purchase-order number, printed on order, DDT and invoice and sent in the "
        "e-invoice (DatiOrdineAcquisto: at most 20 characters as the e-invoice writes them, € as EUR)",
        "ODA 2026/118", default=None, aliases=("Riferimento cliente", "Vostro ordine", "Customer PO", "PO number"))
    payment_method: Choice[PaymentMethod] | None = column(
        "Modalità di pagamento", "Payment method",
        "How this template's orders are paid, when not as the customer; empty = the customer's", "Contrassegno",
        default=None)
    """None: the customer's payment method."""
    active: YesNo = column("Attivo", "Active", "Only active templates generate orders", "sì", default=True)
    source: InstanceOf[Source]


@record
class TemplateLine(Record):
    """An item and quantity of a template (riga modello)."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "template_lines", "Righe modello", "Template lines", "Items and quantities of each template.")

    template: Code = column("Modello", "Template", "Template code", "T001", refers="templates")
    item: Code = column("Articolo", "Item", "Item code", "A001", refers="items")
    quantity: Quantity = column(
        "Quantità", "Quantity", "Quantity (positive; the return document type makes it negative)", "12")
    price: UnitPrice | None = column("Prezzo", "Price", "Price override for this line", "15.00", default=None)
    note: Text | None = column("Nota", "Note", "Note printed on the order line", "consegnare al retro", default=None)
    source: InstanceOf[Source]


@record
class Closure(Record):
    """A company closure period (chiusura), both ends inclusive."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "closures", "Chiusure", "Closures",
        "Company closure periods: no deliveries. A closure lasts at most a year (366 days): a longer one is a "
        "mistyped year (`06/01/2207` for `06/01/2027`), refused as `closure-too-long` at its end date.",
        required=False)

    date_from: Day = column("Dal", "From", "First closed day", "24/12/2026")
    date_to: Day = column("Al", "To", "Last closed day (inclusive)", "06/01/2027")
    description: Text | None = column("Descrizione", "Description", "Reason", "Chiusura natalizia", default=None)
    source: InstanceOf[Source]


@record
class CalendarException(Record):
    """A planned change to one occurrence of a template (the calendar's eccezioni)."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "exceptions", "Eccezioni", "Exceptions",
        "The planning calendar's changes to single occurrences of a template.", required=False)

    template: Code = column("Modello", "Template", "Template code", "T001", refers="templates")
    day: Day = column("Data", "Date", "The occurrence date concerned (for extra: the delivery date)", "15/04/2026")
    action: Choice[ExceptionAction] = column(
        "Azione", "Action", "Skip, move, change quantity, or extra delivery", "Sposta")
    new_date: Day | None = column(
        "Nuova data", "New date", "Where a moved occurrence goes", "16/04/2026", default=None)
    item: Code | None = column(
        "Articolo", "Item", "Item whose quantity changes (quantity, extra)", "A001", default=None, refers="items")
    quantity: Quantity | None = column(
        "Quantità", "Quantity", "New quantity (quantity) or extra quantity (extra)", "20", default=None)
    source: InstanceOf[Source]


@record
class Carrier(Record):
    """A carrier (vettore) and the areas it serves."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "carriers", "Vettori", "Carriers", "Carriers (vettori) and the areas they serve.", required=False)

    code: Code = column("Codice", "Code", "Unique carrier code", "V01")
    name: Text = column("Ragione sociale", "Name", "Carrier's legal name", "Trasporti Veloci S.r.l.")
    vat_number: VatNumber | None = column(
        "Partita IVA", "VAT number", "Carrier's partita IVA", "IT01234560157", default=None)
    areas: Areas = column("Zone", "Areas", "Areas/routes served, comma separated", "NORD, CENTRO", default=())
    source: InstanceOf[Source]


@record
class StockLevel(Record):
    """The quantity of an item on hand (giacenza)."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "stock", "Giacenze", "Stock",
        "Stock on hand: what ships is limited to it, as each customer's delivery terms say. Without this "
        "sheet stock is not checked and every ordered quantity ships (the data check and `ship` warn: "
        "`stock-not-checked`); with the sheet and no rows there is no stock of anything, so nothing ships "
        "until it is filled in (`ship` says so: `stock-sheet-empty`; delete the sheet if you keep no stock "
        "in the workbook).",
        required=False)

    item: Code = column("Articolo", "Item", "Item code", "A001", refers="items")
    quantity: Quantity = column("Quantità", "Quantity", "Quantity on hand", "150")
    source: InstanceOf[Source]


@record
class VolumeDiscount(Record):
    """One bracket (scaglione) of a volume discount (sconto volume, the Openbravo seed's *Sconti
    per volume*): rows sharing a code are one discount, settled per customer at the end of each
    period as a credit note (`toolkit discounts settle`)."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "volume_discounts", "Sconti volume", "Volume discounts",
        "Volume discounts settled at period end as credit notes: one row per bracket, rows with the same code "
        "are one discount and say the same customer, group, category, period, basis and mode. See "
        "docs/discounts-and-commissions.md.",
        required=False)

    code: Code = column("Codice", "Code", "Discount code; one row per bracket", "SV1")
    customer: Code | None = column(
        "Cliente", "Customer", "Only this customer; empty = the group's, or every customer", "C001", default=None,
        refers="customers", narrows=True)
    group: Code | None = column(
        "Gruppo", "Group", "Only customers of this group (Clienti › Gruppo)", "HORECA", default=None, narrows=True)
    category: Code | None = column(
        "Categoria", "Category", "Only items of this category; empty = every item", "CAFFE", default=None,
        narrows=True)
    period: Choice[DiscountPeriod] = column(
        "Periodo", "Period", "What is counted and settled together: month, quarter or year", "Trimestre")
    basis: Choice[BracketBasis] = column(
        "Base", "Basis", "What the brackets measure: the net amount invoiced, or the quantity", "Importo",
        default=BracketBasis.AMOUNT)
    mode: Choice[BracketMode] = column(
        "Modalità", "Mode",
        "`A scaglioni`: each bracket's % on its share; `Sul totale`: the reached bracket's % on everything",
        "A scaglioni", default=BracketMode.SCALED)
    threshold: Money = column(
        "Da", "From", "Where the bracket starts: amount in euro or quantity (0 for the first)", "5000",
        aliases=("Soglia", "Threshold"))
    percent: Percent = column("Sconto %", "Discount %", "The bracket's discount in percent", "2")
    source: InstanceOf[Source]


@record
class Commission(Record):
    """One bracket of an agent's commission rule (provvigione, the seed's *Provvigioni*): rows
    sharing a code are one rule; an invoice line is paid by the most specific rule that matches it."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "commissions", "Provvigioni", "Commissions",
        "Agents' commission rules: one row per rate bracket, rows with the same code are one rule and say the "
        "same agent, criteria and base. A line is paid by the most specific rule (customer, item, group, "
        "category, agent). See docs/discounts-and-commissions.md.",
        required=False)

    code: Code = column("Codice", "Code", "Rule code; one row per bracket", "PV1")
    agent: Text | None = column(
        "Agente", "Agent", "Only this agent; empty = every agent", "Marco Bianchi", default=None, narrows=True)
    customer: Code | None = column(
        "Cliente", "Customer", "Only this customer", "C001", default=None, refers="customers", narrows=True)
    group: Code | None = column("Gruppo", "Group", "Only customers of this group", "HORECA", default=None, narrows=True)
    item: Code | None = column("Articolo", "Item", "Only this item", "A001", default=None, refers="items", narrows=True)
    category: Code | None = column(
        "Categoria", "Category", "Only items of this category", "CAFFE", default=None, narrows=True)
    base: Choice[CommissionBase] = column(
        "Base", "Base", "`Fatturato`: net invoiced in the period; `Incassato`: collected in the period",
        "Fatturato", default=CommissionBase.INVOICED)
    threshold: Money = column(
        "Da", "From", "The agent's base for the rule in the period from which the rate applies (0 for the first)",
        "0", aliases=("Soglia", "Threshold"))
    percent: Percent = column("Provvigione %", "Commission %", "The rate, on the whole base once reached", "5")
    source: InstanceOf[Source]


@record
class CustomerAgent(Record):
    """An agent who follows a customer, and the share of the customer's commissions theirs."""

    sheet: ClassVar[SheetHeading] = SheetHeading(
        "customer_agents", "Agenti clienti", "Customer agents",
        "Several agents per customer, each with a share of the commissions; a customer with no row here has "
        "the agent of its Clienti › Agente column, at 100 %.",
        required=False)

    customer: Code = column("Cliente", "Customer", "Customer code", "C001", refers="customers")
    agent: Text = column("Agente", "Agent", "The agent's name, as the Provvigioni sheet writes it", "Marco Bianchi")
    share: Percent = column("Quota %", "Share %", "The agent's share of the customer's commissions", "60")
    source: InstanceOf[Source]


class MasterData(BaseModel):
    """Everything read from one master workbook, after validation."""

    model_config = ConfigDict(frozen=True)

    workbook: str
    settings: Settings
    customers: tuple[Customer, ...]
    ship_to: tuple[ShipTo, ...] = ()
    contacts: tuple[Contact, ...] = ()
    items: tuple[Item, ...]
    price_lists: tuple[PriceList, ...]
    price_versions: tuple[PriceVersion, ...]
    prices: tuple[Price, ...]
    price_rules: tuple[PriceRule, ...] = ()
    templates: tuple[Template, ...]
    template_lines: tuple[TemplateLine, ...]
    closures: tuple[Closure, ...] = ()
    exceptions: tuple[CalendarException, ...] = ()
    carriers: tuple[Carrier, ...] = ()
    stock: tuple[StockLevel, ...] | None = None
    """None when the workbook has no stock sheet: everything counts as available."""
    volume_discounts: tuple[VolumeDiscount, ...] = ()
    commissions: tuple[Commission, ...] = ()
    customer_agents: tuple[CustomerAgent, ...] = ()
    layout: Any = None
    """Where each sheet and column was found (`toolkit.intake.validation.layout.Layout`)."""

    def locate(self, source: Source, field: str | None = None) -> Location:
        """The cell a record's field came from, as the user sees it: `'Righe modello'!C12`."""
        if self.layout is None:
            return Location(source.sheet, f"A{source.row}", self.workbook)
        return self.layout.locate(source.sheet, source.row, field)

    def locate_setting(self, field: str) -> Location:
        """The cell of one setting (*Impostazioni*), as the user sees it: `Impostazioni!B21`."""
        if self.layout is None:
            return Location(Settings.sheet.it, None, self.workbook)
        return self.layout.locate(Settings.sheet.key, field=field)

    def locate_row_to_add(self, records: Sequence[Item | Customer | ShipTo], heading: SheetHeading) -> Location:
        """Where a record taken off its sheet goes back: the code cell of the row below the
        sheet's last record (the tab when it has none), the one cell a warning of a code no
        longer on the sheet can name."""
        if not records:
            return self.locate_sheet(heading)
        last = max(record.source for record in records)
        return self.locate(last._replace(row=last.row + 1), "code")

    def locate_sheet(self, heading: SheetHeading) -> Location:
        """A sheet as the user sees it, by the name on its tab: `Stock` in an English workbook,
        the Italian name when the sheet is missing (the one to add)."""
        if self.layout is None:
            return Location(heading.it, None, self.workbook)
        return self.layout.locate(heading.key)
