"""The pure core: calendar and recurrence, pricing, ordering, shipping, invoicing, VAT, payments.

Records in, decisions out. Nothing here reads or writes a file or a database; importing
`toolkit.core` loads no spreadsheet or database library (an import-linter contract says so).
"""
