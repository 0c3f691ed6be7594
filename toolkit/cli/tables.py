"""Tables printed on the terminal (rich), for people at the command line."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from toolkit.services.orders import Preview

_HEAD = {
    "it": ("Data", "Modello", "Cliente", "Ragione sociale", "Righe", "Quantità", "Importo", "Ordine"),
    "en": ("Date", "Template", "Customer", "Name", "Lines", "Quantity", "Amount", "Order"),
}


def print_preview(preview: Preview, lang: str) -> None:
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = 140
    table = Table(title=("Ordini in scadenza il " if lang == "it" else "Orders due on ") + preview.day.strftime("%d/%m/%Y"))
    for i, head in enumerate(_HEAD[lang]):
        table.add_column(head, justify="right" if i in (4, 5, 6) else "left", no_wrap=True,
                         overflow="ellipsis", max_width=32 if i == 3 else None)
    for r in preview.rows:
        mark = "*" if r.changed else ""
        table.add_row(f"{r.day:%d/%m/%Y}{mark}", r.template, r.customer, r.customer_name, str(r.lines),
                      f"{r.quantity:n}", f"{r.amount:,.2f}", r.existing or "")
    console.print(table)
    if preview.missed_days:
        days = ", ".join(d.strftime("%d/%m") for d in preview.missed_days)
        console.print(("Giorni recuperati: " if lang == "it" else "Missed days caught up: ") + days)
