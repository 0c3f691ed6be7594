"""The catalogue of words shown to users on documents and screens, Italian and English.

Each module registers the labels it prints with `define`, beside the code that prints them;
the registry keeps one word per key for the whole product (a second, different definition of
a key is an error), so "Imponibile" is "Taxable amount" everywhere.

>>> define({"demo.total": ("Totale", "Total")})
>>> label("demo.total", "it"), label("demo.total", "en")
('Totale', 'Total')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

_LABELS: dict[str, tuple[str, str]] = {}


def define(labels: Mapping[str, tuple[str, str]]) -> None:
    for key, words in labels.items():
        if key in _LABELS and _LABELS[key] != tuple(words):
            raise ValueError(f"label defined twice: {key}")
        _LABELS[key] = (words[0], words[1])


def label(key: str, lang: str = "it") -> str:
    it, en = _LABELS[key]
    return en if lang == "en" else it


def labeller(lang: str) -> Callable[[str], str]:
    """A one-argument `label` for a writer that prints many labels in one language."""
    return lambda key: label(key, lang)


define({
    "doc.number": ("Numero", "Number"),
    "doc.date": ("Data", "Date"),
    "doc.customer": ("Cliente", "Customer"),
    "doc.ship_to": ("Destinazione", "Ship to"),
    "doc.contact": ("Contatto", "Contact"),
    "doc.item": ("Articolo", "Item"),
    "doc.description": ("Descrizione", "Description"),
    "doc.unit": ("UM", "Unit"),
    "doc.quantity": ("Quantità", "Quantity"),
    "doc.unit_price": ("Prezzo unitario", "Unit price"),
    "doc.amount": ("Importo", "Amount"),
    "doc.vat_rate": ("IVA %", "VAT %"),
    "doc.note": ("Nota", "Note"),
    "doc.taxable": ("Imponibile", "Taxable amount"),
    "doc.vat": ("IVA", "VAT"),
    "doc.total": ("Totale", "Total"),
    "doc.status": ("Stato", "Status"),
    "doc.template": ("Modello", "Template"),
    "doc.document_type": ("Tipo documento", "Document type"),
    "doc.nature": ("Natura", "Nature"),
    "doc.page": ("Pagina", "Page"),
    "doc.customer_reference": ("Vs. ordine", "Your order ref."),
    "doc.payment_method": ("Pagamento", "Payment"),
    "doc.file_part": ("parte", "part"),
})
