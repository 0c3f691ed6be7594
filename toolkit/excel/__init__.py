"""The Excel front end: the functions the workbook's buttons run, through xlwings.

`macros/Pannello.bas` calls them as `RunPython "import toolkit.excel as x; x.check_data()"`.
This package is a thin shim: it reads the live book (`book`), calls the services the command
line calls, and writes the result back (`report`, `cells`); it holds no business rule.
"""

from toolkit.excel.buttons import (
    BUTTONS,
    Button,
    calendar,
    check_data,
    complete_list,
    create_orders,
    distribution_list,
    einvoices,
    month_end_invoicing,
    payment_status,
    preview_orders,
    production_list,
    reprint_delivery_notes,
    ship,
)

__all__ = [
    "BUTTONS", "Button", "calendar", "check_data", "complete_list", "create_orders",
    "distribution_list", "einvoices", "month_end_invoicing", "payment_status", "preview_orders", "production_list",
    "reprint_delivery_notes", "ship",
]
