"""A message naming the first few numbers counts the rest in words that agree with what they
are (`toolkit.basics.wording.Listed`): *e altri 2* DDT, *e altre 2* fatture. The noun, and so
its gender, is the caller's to give: each message listing numbers says it in good Italian."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from toolkit.basics.wording import DDTS, Codes, Listed, Noun
from toolkit.core.shipping import Concerned
from toolkit.services.dated_before_count import _told

INVOICES = Noun(("fattura", "fatture"), ("invoice", "invoices"), feminine=True)
LINES = Noun(("riga", "righe"), ("line", "lines"), feminine=True)


def test_the_rest_of_feminine_numbers_are_altre_and_one_is_unaltra():
    """Invoices, lines, notes: *altri* and *un altro* were the only words, so a list of
    invoices read «FT-1, FT-2 e altri 3»."""
    assert Listed(("FT-1", "FT-2"), 5, INVOICES).shown("it") == "FT-1, FT-2 e altre 3"
    assert Listed(("FT-1", "FT-2"), 3, INVOICES).shown("it") == "FT-1, FT-2 e un'altra"
    assert Listed(("1", "2"), 9, LINES, said=True).shown("it") == "1, 2 e altre 7 righe"
    assert Listed(("1",), 2, LINES, said=True).shown("it") == "1 e un'altra riga"
    assert Listed(("1",), 2, LINES, said=True).shown("en") == "1 and 1 more line"
    assert Listed(("FT-1",), 1, INVOICES).shown("it") == "FT-1"


def test_each_message_counting_the_rest_says_it_in_its_nouns_gender():
    """The uses of `Listed`: orders of a gone item, templates at the panel, DDTs and items moved
    before a stock count (the DDT refusals of shipping and invoicing pass `DDTS` as the count's
    warning does). Every noun listed today is masculine, and says so."""
    orders = Concerned(tuple(f"OC-2026-{n:05d}" for n in range(1, 8))).shown("it")
    assert orders.endswith("OC-2026-00005 e altri 2")
    templates = Codes(tuple(f"T{n:02d}" for n in range(11))).at_panel.shown("it")
    assert templates.endswith("T09 e un altro")
    assert Listed(("DDT-1",), 4, DDTS).shown("it") == "DDT-1 e altri 3"


def test_the_stock_count_warning_counts_ddts_and_items_as_masculine(sample_master):
    """DDTs dated before the count: its numbers and its items moved, more than it names."""
    numbers = tuple(f"DDT-2026-{n:05d}" for n in range(1, 6))
    moved = tuple((f"A{n:03d}", D(1)) for n in range(1, 13))
    said = _told(sample_master, date(2026, 4, 10), 7, numbers, moved, just_stored=True).message("it")
    assert "DDT-2026-00005 e altri 2)" in said, said
    assert "A010 1 e altri 2 articoli" in said, said


def test_a_pie_counts_the_negative_items_it_does_not_name_in_words_agreeing_with_them():
    """The note under a report's pie named three negative items and «e altri 1» for a fourth."""
    import pandas as pd

    from toolkit.basics.labels import labeller
    from toolkit.writers.reports import LEFT_OUT_NAMED, _left_out

    def note(count: int, lang: str) -> str:
        negative = pd.Series({f"A{n:03d}": -100 * (n + 1) for n in range(LEFT_OUT_NAMED + count)})
        return _left_out(negative, {}, labeller(lang), lang)

    assert note(1, "it").endswith(" e un altro articolo.") and note(4, "it").endswith(" e altri 4 articoli.")
    assert note(1, "en").endswith(" and 1 more item.") and note(4, "en").endswith(" and 4 more items.")
