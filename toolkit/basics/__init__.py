"""Basics every layer uses: money, dates, cell addresses, problems, labels, vocabularies, files.

Nothing here knows about customers or orders; everything here is safe to import from the pure
core (no spreadsheet or database library).
"""
