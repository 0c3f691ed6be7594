"""The master-data model: the sheets of the workbook and the frozen records they become.

No I/O: reading a file is `toolkit.intake`'s job. The core computes over these records.
"""
