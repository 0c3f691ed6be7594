"""Invoices, customers and FatturaPA trees for the e-invoice tests, built through the core
(`build_invoice`) as the ledger builds them, without a ledger."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from factories import settings

from toolkit.basics.vocab import PaymentMethod
from toolkit.core.einvoice import Context, FatturaPA, Options, RelatedDocument, build
from toolkit.core.invoicing import Billable, DeliveryRef, Invoice, InvoiceKind, Period, build_invoice
from toolkit.core.lines import line_amount
from toolkit.model.records import Customer, Settings, Source

DAY = date(2026, 4, 30)
SELLER_VAT = "00743110157"


def seller(**fields: Any) -> Settings:
    return settings(vat_number=f"IT{SELLER_VAT}", province="MI", iban="IT60X0542811101000000123456", **fields)


def customer(code: str = "C001", **fields: Any) -> Customer:
    base = dict(name="Bar Centrale S.n.c.", vat_number="02047290222", address="Via Dante 3", postcode="38121",
                city="Trento", province="TN", price_list="L1", payment_method=PaymentMethod.RIBA,
                payment_terms="30/60", sdi_code="QN2Y2GA", source=Source("customers", 2))
    return Customer(code=code, **{**base, **fields})


def ddt(number: str = "DDT-2026-00012", day: date = date(2026, 4, 9), id: int = 12) -> DeliveryRef:
    return DeliveryRef(id, number, day)


def billable(item: str = "A001", qty: str = "10", price: str = "1.50", rate: str = "22", nature: str | None = None, *,
             delivery: DeliveryRef | None = None, order: str = "OC-2026-00001", line: int = 1,
             description: str | None = None, unit: str = "pz", customer_code: str = "C001") -> Billable:
    return Billable(order_line_id=line, delivery_line_id=line if delivery else None, delivery=delivery, order_id=1,
                    order_number=order, order_date=date(2026, 4, 8), customer=customer_code, ship_to=None, project=None,
                    item=item, description=description or f"Articolo {item}", unit=unit, quantity=Decimal(qty),
                    unit_price=Decimal(price), amount=line_amount(Decimal(qty), Decimal(price)),
                    vat_rate=Decimal(rate), vat_nature=nature)


def invoice(*billables: Billable, buyer: Customer | None = None, number: str = "FT-2026-00001",
            kind: InvoiceKind = InvoiceKind.INVOICE, day: date = DAY) -> Invoice:
    lines = billables or (billable(delivery=ddt()), billable("A002", "3", "2.99", "10", delivery=ddt(), line=2))
    made = build_invoice(buyer or customer(), kind, None, Period(day.replace(day=1), day), day, lines)
    return dataclasses.replace(made, number=number)


def credit_note(*billables: Billable, number: str = "NC-2026-00001", **fields: Any) -> Invoice:
    lines = billables or (billable(qty="-2", delivery=ddt("DDT-2026-00040", date(2026, 4, 20))),)
    return invoice(*lines, number=number, kind=InvoiceKind.CREDIT_NOTE, **fields)


def tree(inv: Invoice | None = None, buyer: Customer | None = None, progressive: str = "00001", *,
         linked: tuple[RelatedDocument, ...] = (), purchase_orders: dict[str, str] | None = None,
         options: Options = Options()) -> FatturaPA:
    buyer = buyer or customer()
    return build(inv or invoice(buyer=buyer), seller(), buyer, progressive, linked=linked,
                 purchase_orders=purchase_orders, options=options)


def context(*invoices: Invoice, buyers: tuple[Customer, ...] = ()) -> Context:
    customers = {c.code: c for c in (buyers or (customer(),))}
    return Context(seller(), customers, {inv.number: f"{n:05d}" for n, inv in enumerate(invoices, start=1)})
