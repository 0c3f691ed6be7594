"""The master data as frozen records, each knowing the sheet row it came from.

Dumb records in the spirit of beancount's `core/data.py`: no behaviour beyond what a value
needs, so every rule can be a plain function over them. Money and quantities are `Decimal`,
dates are `date`. Records are built by `toolkit.intake.validation` only after each cell has been
converted and checked, so they are constructed without a second round of validation
(`trusted`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict

from toolkit.basics.cells import Location

from toolkit.basics.vocab import (
    DeliveryTerms, DocumentType, ExceptionAction, HolidayPolicy, InvoiceGrouping,
    InvoiceSchedule, InvoiceTerms, PaymentMethod, PriceType, ScheduleKind,
)


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


R = TypeVar("R", bound="Record")


def trusted(record_type: type[R], records: Iterable[dict[str, Any]]) -> list[R]:
    """Records from values already converted and checked, each dict giving every field in order.

    What `model_construct` makes, at a tenth of its cost and a third of validation's: a large
    workbook has hundreds of thousands of rows. They share one set of field names, which pydantic
    copies before changing (`model_copy`)."""
    new, put = object.__new__, object.__setattr__
    names = set(record_type.model_fields)
    made = []
    for fields in records:
        record = new(record_type)
        put(record, "__dict__", fields)
        put(record, "__pydantic_fields_set__", names)
        put(record, "__pydantic_extra__", None)
        put(record, "__pydantic_private__", None)
        made.append(record)
    return made


class Source(NamedTuple):
    """The sheet (by its schema key) and the 1-based row a record was read from.

    A named tuple, not a model: a large workbook has one per row, and a tuple is made in C."""

    sheet: str
    row: int


class Settings(Record):
    company_name: str
    vat_number: str
    tax_code: str | None = None
    address: str
    postcode: str
    city: str
    province: str | None = None
    country: str = "IT"
    language: str = "it"
    holiday_region: str | None = None
    patron_day: tuple[int, int] | None = None
    """(day, month) of a local patron saint's day."""
    saturday_working: bool = False
    stock_date: date | None = None
    """When the stock sheet was counted; shipments from then on are taken off it."""
    order_series: str = "OC"
    ddt_series: str = "DDT"
    invoice_series: str = "FT"
    credit_note_series: str = "NC"
    iban: str | None = None


class Customer(Record):
    code: str
    name: str
    vat_number: str | None = None
    tax_code: str | None = None
    address: str
    postcode: str | None = None
    city: str
    province: str | None = None
    country: str = "IT"
    area: str | None = None
    price_list: str
    payment_method: PaymentMethod
    payment_terms: str
    invoice_terms: InvoiceTerms = InvoiceTerms.CUSTOMER_SCHEDULE
    invoice_schedule: InvoiceSchedule = InvoiceSchedule.MONTHLY
    delivery_terms: DeliveryTerms = DeliveryTerms.AVAILABILITY
    credit_limit: Decimal | None = None
    sales_rep: str | None = None
    invoice_grouping: InvoiceGrouping = InvoiceGrouping.CUSTOMER
    sdi_code: str | None = None
    pec: str | None = None
    source: Source


class ShipTo(Record):
    """A shipping address (destinazione) of a customer."""

    code: str
    customer: str
    name: str | None = None
    address: str
    postcode: str | None = None
    city: str
    province: str | None = None
    country: str = "IT"
    area: str | None = None
    source: Source


class Contact(Record):
    """A contact person (persona di contatto) of a customer."""

    code: str
    customer: str
    name: str
    phone: str | None = None
    email: str | None = None
    source: Source


class Item(Record):
    """An item (articolo). `vat_rate` is a percentage (22 means 22 %)."""

    code: str
    description: str
    unit: str
    vat_rate: Decimal | None = None
    vat_nature: str | None = None
    category: str | None = None
    weight: Decimal | None = None
    source: Source


class PriceList(Record):
    """A price list (listino)."""

    code: str
    description: str | None = None
    currency: str = "EUR"
    vat_included: bool = False
    source: Source


class PriceVersion(Record):
    """A version of a price list, valid from `valid_from` to `valid_to` inclusive (None: open)."""

    price_list: str
    version: str
    valid_from: date
    valid_to: date | None = None
    source: Source


class Price(Record):
    """The three prices of an item in one price-list version (Openbravo's listino)."""

    price_list: str
    version: str
    item: str
    list_price: Decimal
    standard_price: Decimal
    limit_price: Decimal | None = None
    discount: Decimal | None = None
    """Percentage off the chosen price (5 means 5 %)."""
    source: Source


class Template(Record):
    """A recurring order template (template ordine ricorrente)."""

    code: str
    customer: str
    ship_to: str | None = None
    contact: str | None = None
    schedule: ScheduleKind
    weekdays: tuple[int, ...] = ()
    """Monday = 0."""
    interval: int | None = None
    day: int | None = None
    nth: int | None = None
    rrule: str | None = None
    valid_from: date
    valid_to: date | None = None
    holiday_policy: HolidayPolicy | None = None
    """None: skip for the daily kinds, next working day for the others."""
    price_type: PriceType = PriceType.STANDARD
    price_list: str | None = None
    delivery_option: str | None = None
    document_type: DocumentType = DocumentType.STANDARD
    project: str | None = None
    active: bool = True
    source: Source


class TemplateLine(Record):
    template: str
    item: str
    quantity: Decimal
    price: Decimal | None = None
    note: str | None = None
    source: Source


class Closure(Record):
    """A company closure period (chiusura), both ends inclusive."""

    date_from: date
    date_to: date
    description: str | None = None
    source: Source


class CalendarException(Record):
    """A planned change to one occurrence of a template (the calendar's eccezioni)."""

    template: str
    date: date
    action: ExceptionAction
    new_date: date | None = None
    item: str | None = None
    quantity: Decimal | None = None
    source: Source


class Carrier(Record):
    """A carrier (vettore) and the areas it serves."""

    code: str
    name: str
    vat_number: str | None = None
    areas: tuple[str, ...] = ()
    source: Source


class StockLevel(Record):
    item: str
    quantity: Decimal
    source: Source


class MasterData(Record):
    """Everything read from one master workbook, after validation."""

    workbook: str
    settings: Settings
    customers: tuple[Customer, ...]
    ship_to: tuple[ShipTo, ...] = ()
    contacts: tuple[Contact, ...] = ()
    items: tuple[Item, ...]
    price_lists: tuple[PriceList, ...]
    price_versions: tuple[PriceVersion, ...]
    prices: tuple[Price, ...]
    templates: tuple[Template, ...]
    template_lines: tuple[TemplateLine, ...]
    closures: tuple[Closure, ...] = ()
    exceptions: tuple[CalendarException, ...] = ()
    carriers: tuple[Carrier, ...] = ()
    stock: tuple[StockLevel, ...] | None = None
    """None when the workbook has no stock sheet: everything counts as available."""
    layout: Any = None
    """Where each sheet and column was found (`toolkit.intake.validation.layout.Layout`)."""

    def locate(self, source: Source, field: str | None = None) -> Location:
        """The cell a record's field came from, as the user sees it: `'Righe modello'!C12`."""
        if self.layout is None:
            return Location(source.sheet, f"A{source.row}", self.workbook)
        return self.layout.locate(source.sheet, source.row, field)
