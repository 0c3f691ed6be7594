"""The Excel front end: the functions the workbook's buttons run, through xlwings.

`macros/Pannello.bas` calls them as `RunPython "import toolkit.excel as x; x.check_data()"`.
This package is a thin shim: it reads the live book (`book`), calls the services the command
line calls, and writes the result back (`report`, `cells`); it holds no business rule.

The buttons are imported when one is first asked for (`__getattr__`), not with the package: the
command line reads the workbook's paths from it (`paths`) at every command, and importing every
button's services with XlsxWriter cost each command 30–40 ms of its start, about 4 % of a
preview or a create at S (docs/performance-history.md, thirty-sixth round).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.excel.buttons import (
        BUTTONS,
        Button,
        act_on_request,
        calendar,
        change_order_status,
        check_data,
        close_request,
        commissions,
        complete_list,
        confirm_quotation,
        control_panel,
        create_orders,
        credit_note,
        debit_note,
        distribution_list,
        einvoices,
        finalize_run,
        invoice_register,
        month_end_invoicing,
        no_credit_due,
        open_request,
        open_requests,
        payment_status,
        preview_orders,
        production_list,
        production_list_earlier_orders,
        record_payment,
        reprint_delivery_notes,
        sales_report,
        settle_volume_discounts,
        ship,
        ship_and_invoice,
        ship_forced,
        undo_run,
        void_delivery_note,
    )

__all__ = [
    "Button", "BUTTONS", "act_on_request", "calendar", "change_order_status", "check_data", "close_request",
    "commissions", "complete_list", "confirm_quotation", "control_panel", "create_orders", "credit_note",
    "debit_note", "distribution_list", "einvoices", "finalize_run", "invoice_register", "month_end_invoicing", "no_credit_due",
    "open_request", "open_requests", "payment_status", "preview_orders", "production_list",
    "production_list_earlier_orders", "record_payment",
    "reprint_delivery_notes", "sales_report", "settle_volume_discounts", "ship", "ship_and_invoice",
    "ship_forced", "undo_run", "void_delivery_note",
]


def __getattr__(name: str) -> Any:
    """A button, or the buttons' records, from `toolkit.excel.buttons`, imported at the first asked."""
    if name in __all__:
        return getattr(import_module("toolkit.excel.buttons"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
