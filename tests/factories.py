"""Small builders of master-data records for the schedule and plan tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from toolkit.basics.vocab import ExceptionAction, PaymentMethod, ScheduleKind
from toolkit.core.workdays import WorkingCalendar, working_calendar
from toolkit.model.records import (
    CalendarException,
    Closure,
    Customer,
    MasterData,
    Settings,
    Source,
    Template,
    TemplateLine,
)


def source(sheet: str = "templates", row: int = 2) -> Source:
    return Source(sheet=sheet, row=row)


def template(schedule: ScheduleKind = ScheduleKind.WEEKLY, code: str = "T001", **fields: Any) -> Template:
    fields.setdefault("customer", "C001")
    fields.setdefault("valid_from", date(2025, 1, 1))
    fields.setdefault("source", source())
    return Template(code=code, schedule=schedule, **fields)


def settings(**fields: Any) -> Settings:
    base = dict(company_name="Forniture Rossi S.r.l.", vat_number="IT00743110157", address="Via Roma 10",
                postcode="20121", city="Milano")
    return Settings(**{**base, **fields})


def closure(date_from: date, date_to: date, description: str | None = None, row: int = 2) -> Closure:
    return Closure(date_from=date_from, date_to=date_to, description=description, source=source("closures", row))


def calendar(saturday_working: bool = False, closures: tuple[Closure, ...] = (), **fields: Any) -> WorkingCalendar:
    return working_calendar(settings(saturday_working=saturday_working, **fields), closures)


def line(template_code: str = "T001", item: str = "A001", quantity: str = "10", row: int = 2, **fields: Any) -> TemplateLine:
    return TemplateLine(template=template_code, item=item, quantity=Decimal(quantity),
                        source=source("template_lines", row), **fields)


def exception(action: ExceptionAction, day: date, template_code: str = "T001", row: int = 2,
              **fields: Any) -> CalendarException:
    if isinstance(fields.get("quantity"), str):
        fields["quantity"] = Decimal(fields["quantity"])
    return CalendarException(template=template_code, day=day, action=action, source=source("exceptions", row), **fields)


def customer(code: str = "C001", name: str = "Bar Centrale S.n.c.", row: int = 2) -> Customer:
    return Customer(code=code, name=name, address="Corso Italia 4", city="Torino", price_list="BASE",
                    payment_method=PaymentMethod.BANK_TRANSFER, payment_terms="30FM", source=source("customers", row))


def master(templates: tuple[Template, ...], lines: tuple[TemplateLine, ...] = (), *,
           exceptions: tuple[CalendarException, ...] = (), closures: tuple[Closure, ...] = (),
           customers: tuple[Customer, ...] | None = None, **setting_fields: Any) -> MasterData:
    return MasterData(
        workbook="anagrafiche.xlsx", settings=settings(**setting_fields),
        customers=customers if customers is not None else (customer(),),
        items=(), price_lists=(), price_versions=(), prices=(),
        templates=templates, template_lines=lines, closures=closures, exceptions=exceptions,
    )
