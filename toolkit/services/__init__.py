"""Services: one module per user action, the same for the command line and the Excel buttons.

A service loads the master data and opens the ledger, asks the core, stores, writes, and returns
what happened as records and problems. Front ends only parse, call and show.
"""
