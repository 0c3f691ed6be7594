"""What the XML writer and SDI's checks remember across a month's files (a repeated line's
text, a sound line, a party) changes nothing they write or report: the demo month's files
are compared byte for byte with those the plain code writes, and a fault is reported on
every line that has it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from einvoice_factories import billable, customer, ddt, invoice, tree
from hypothesis import given
from hypothesis import strategies as st

from toolkit.core.einvoice.checks import check
from toolkit.writers import fatturapa
from toolkit.writers.fatturapa import _line_text, _number, xml_bytes


@given(st.decimals(min_value=-10**9, max_value=10**9, places=6, allow_nan=False, allow_infinity=False),
       st.integers(min_value=0, max_value=4))
def test_a_number_is_spelled_by_its_value_alone(value, more_places):
    """Why a line's text may be remembered by its values: equal numbers with other trailing
    zeros (the ledger keeps cents, thousandths, millionths) are spelled alike."""
    padded = value.quantize(Decimal(1).scaleb(value.as_tuple().exponent - more_places)) if value else Decimal("0E-9")
    assert padded == value
    assert _number(padded) == _number(value) == _number(value.normalize())


def _plain_xml(doc) -> bytes:
    """The file as the writer spells it with nothing remembered."""
    remembered = dict(fatturapa._LINE_TEXTS), dict(fatturapa._PARTY_TEXTS)
    fatturapa._LINE_TEXTS.clear()
    fatturapa._PARTY_TEXTS.clear()
    try:
        return xml_bytes(doc)
    finally:
        fatturapa._LINE_TEXTS.update(remembered[0])
        fatturapa._PARTY_TEXTS.update(remembered[1])


def test_a_line_repeated_with_other_trailing_zeros_is_written_as_its_own():
    first = tree(invoice(billable(qty="10", price="1.50", delivery=ddt())))
    line = first.body.lines[0]
    again = dataclasses.replace(line, number=7, quantity=Decimal("10.000"), unit_price=Decimal("1.500000"),
                                total=Decimal("15.00"), rate=Decimal("22.00"))
    xml_bytes(first)
    assert fatturapa._line_after_number(again) == _line_text(again)
    second = dataclasses.replace(first, body=dataclasses.replace(first.body, lines=(again,)))
    assert xml_bytes(second) == _plain_xml(second)


def test_a_fault_is_reported_on_every_file_that_has_it_after_sound_ones():
    sound = invoice(billable(description="Caffè in grani", delivery=ddt()))
    faulty = invoice(billable(description="Caffè in grani 日本", delivery=ddt()), number="FT-2026-00002")
    for inv in (sound, faulty, sound, faulty):
        codes = [p.code for p in check(tree(inv))]
        assert codes == ([] if inv is sound else ["einvoice-invalid-field"])
    shouting = customer(name="Bar “Centrale” 日本")
    for _ in range(2):
        assert [p.code for p in check(tree(invoice(buyer=shouting), shouting))] == ["einvoice-invalid-field"]
