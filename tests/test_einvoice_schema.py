"""The toolkit's own value checks agree with the official schema, field by field.

The installed toolkit has no XSD: it vouches for a file by writing elements in the schema's
order and checking every value against `toolkit.core.einvoice.fields` first. Here each field
we write is given values around its type's limits (lengths, character sets, patterns,
decimals) and the check's verdict is compared with the official schema's on the whole file:
where the check passes the schema must too, and (but for the few fields the toolkit is
deliberately stricter on) where the schema refuses, the check must refuse.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from einvoice_factories import billable, ddt, invoice, tree
from fatturapa_reading import official_schema, schema_errors

from toolkit.core.einvoice.checks import field_problems
from toolkit.writers.fatturapa import xml_bytes

TEXTS = ["", "a", "A B", "Caffè", "Łódź", "日本", "12345", "1234", "MI", "mi", "UFABCD", "ABCDEFG", "0000000",
         "RSSMRA80A01H501U", "IT60X0542811101000000123456", "bar@pec.it", "bar@", "a&b<c>", *("x" * n for n in (
             5, 6, 10, 11, 16, 17, 20, 21, 28, 29, 35, 36, 60, 61, 80, 81, 100, 101, 256, 257, 1000, 1001))]
NUMBERS = ["0", "-0", "1", "1.5", "0.125", "1.12345678", "1.123456789", "-3", "22", "100", "100.01",
           "99999999999.99", "100000000000", "999999999999.5", "1000000000000"]


def _line(doc, **fields):
    lines = list(doc.body.lines)
    lines[0] = dataclasses.replace(lines[0], **fields)
    return dataclasses.replace(doc, body=dataclasses.replace(doc.body, lines=tuple(lines)))


def _body(doc, **fields):
    return dataclasses.replace(doc, body=dataclasses.replace(doc.body, **fields))


def _buyer(doc, **fields):
    return dataclasses.replace(doc, buyer=dataclasses.replace(doc.buyer, **fields))


def _buyer_address(doc, **fields):
    return _buyer(doc, address=dataclasses.replace(doc.buyer.address, **fields))


def _transmission(doc, **fields):
    return dataclasses.replace(doc, transmission=dataclasses.replace(doc.transmission, **fields))


def _summary(doc, **fields):
    rows = list(doc.body.summary)
    rows[0] = dataclasses.replace(rows[0], **fields)
    return _body(doc, summary=tuple(rows))


def _instalment(doc, **fields):
    payment = doc.body.payment
    first = dataclasses.replace(payment.instalments[0], **fields)
    return _body(doc, payment=dataclasses.replace(payment, instalments=(first, *payment.instalments[1:])))


def base():
    return tree(invoice(billable("A059", "1", "40.00", "0", "N4", delivery=ddt()), billable(delivery=ddt(), line=2)),
                purchase_orders={"OC-2026-00001": "PO-1"})


TEXT_FIELDS = {
    "CessionarioCommittente/Anagrafica/Denominazione": lambda d, v: _buyer(d, name=v),
    "CessionarioCommittente/CodiceFiscale": lambda d, v: _buyer(d, tax_code=v),
    "Sede/Indirizzo": lambda d, v: _buyer_address(d, street=v),
    "Sede/CAP": lambda d, v: _buyer_address(d, postcode=v),
    "Sede/Comune": lambda d, v: _buyer_address(d, city=v),
    "Sede/Provincia": lambda d, v: _buyer_address(d, province=v),
    "CodiceDestinatario": lambda d, v: _transmission(d, recipient_code=v),
    "Numero": lambda d, v: _body(d, number=v),
    "Divisa": lambda d, v: _body(d, currency=v),
    "DatiDDT/NumeroDDT": lambda d, v: _body(d, delivery_notes=(dataclasses.replace(d.body.delivery_notes[0], number=v),)),
    "DatiOrdineAcquisto/IdDocumento": lambda d, v: _body(d, purchase_orders=(
        dataclasses.replace(d.body.purchase_orders[0], reference=v),)),
    "DettaglioLinee/Descrizione": lambda d, v: _line(d, description=v),
    "DettaglioLinee/UnitaMisura": lambda d, v: _line(d, unit=v),
    "DettaglioLinee/CodiceValore": lambda d, v: _line(d, item=v),
    "DettaglioPagamento/IBAN": lambda d, v: _instalment(d, iban=v),
}
STRICTER = {
    "PECDestinatario": lambda d, v: _transmission(d, recipient_code="0000000", pec=v),
    "ProgressivoInvio": lambda d, v: _transmission(d, progressive=v),
    "IdTrasmittente/IdCodice": lambda d, v: _transmission(d, transmitter=dataclasses.replace(d.transmission.transmitter,
                                                                                              code=v)),
    "DatiRiepilogo/RiferimentoNormativo": lambda d, v: _summary(d, legal_reference=v),
    "Sede/Nazione": lambda d, v: _buyer_address(d, country=v),
}
"""Fields where the toolkit asks more than the schema: a plain PEC address, a progressive and a
transmitter id that can make a file name, and the legal reference of a nature (optional in the
schema, required by the law that lets a line go without VAT), and a country always written
(the schema reads an empty Nazione as its default, IT)."""

NUMBER_FIELDS = {
    "DettaglioLinee/Quantita": lambda d, v: _line(d, quantity=v),
    "DettaglioLinee/PrezzoUnitario": lambda d, v: _line(d, unit_price=v),
    "DettaglioLinee/PrezzoTotale": lambda d, v: _line(d, total=v),
    "DettaglioLinee/AliquotaIVA": lambda d, v: _line(d, rate=v),
    "DatiRiepilogo/ImponibileImporto": lambda d, v: _summary(d, taxable=v),
    "DatiRiepilogo/Imposta": lambda d, v: _summary(d, vat=v),
    "ImportoTotaleDocumento": lambda d, v: _body(d, total=v),
    "DettaglioPagamento/ImportoPagamento": lambda d, v: _instalment(d, amount=v),
}


def verdicts(change, values):
    official_schema()
    doc = base()
    assert field_problems(doc) == [] and schema_errors(xml_bytes(doc)) == []
    for value in values:
        changed = change(doc, value)
        yield value, not field_problems(changed), not schema_errors(xml_bytes(changed))


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_the_check_and_the_schema_agree_on_each_text_field(field):
    disagree = [(v[:12], ours, schema) for v, ours, schema in verdicts(TEXT_FIELDS[field], TEXTS) if ours != schema]
    assert disagree == []


@pytest.mark.parametrize("field", STRICTER)
def test_where_the_check_is_stricter_what_it_passes_the_schema_passes(field):
    assert [v for v, ours, schema in verdicts(STRICTER[field], TEXTS) if ours and not schema] == []


@pytest.mark.parametrize("field", NUMBER_FIELDS)
def test_the_check_and_the_schema_agree_on_each_number_field(field):
    values = [Decimal(n) for n in NUMBERS]
    assert [(str(v), ours, schema) for v, ours, schema in verdicts(NUMBER_FIELDS[field], values) if ours != schema] == []
