"""What an outside audit of the Italian desk found in the toolkit's words: quantities with a
decimal point, counts that do not agree with their noun, placeholders the user cannot know,
the operating system's English inside an Italian sentence. Each test holds the exact text."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from toolkit.core.due_quantity import shown as due_shown
from toolkit.core.shipping import shown as quantity_shown
from toolkit.ledger.credit_notes import StillBilled
from toolkit.services.credit_notes import STILL_BILLED


def test_a_quantity_in_an_italian_message_has_the_decimal_comma():
    """`A019 1.999 cf` reads one thousand nine hundred ninety-nine in Italian."""
    refused = STILL_BILLED(None, order="OC-2026-00007", asked_in="--lines 1,2",
                           lines=(StillBilled("OC-2026-00007", "A019", D("1.999"), "cf"),
                                  StillBilled("OC-2026-00007", "A020", D("2500.500"), "kg")))
    assert "(A019 1,999 cf, A020 2.500,5 kg)" in refused.message("it")
    assert "(A019 1.999 cf, A020 2,500.5 kg)" in refused.message("en")
    assert (quantity_shown(D("1.999"), "it"), quantity_shown(D("1.999"), "en")) == ("1,999", "1.999")
    assert due_shown(D("12.500"), "kg", "it") == "12,5 kg"
