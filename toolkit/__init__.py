"""Recurring customer orders for sales desks that live in Excel.

From the master-data workbook (customers, items, price lists, order templates) to the
orders due on a date, their shipments (DDT), and the month-end deferred invoices.
"""

__version__ = "0.1.0"
