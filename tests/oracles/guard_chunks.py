"""A part's chunks as the guard read them before the next chunk was inflated ahead (one
`stream.read` after the other in the thread that searches them), and its search for a far
reference as first spelt."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator

from toolkit.intake import guard


def chunks(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    carried = b""
    with zf.open(part) as stream:
        while chunk := stream.read(guard._CHUNK):
            text = carried + chunk
            yield text
            end = len(text.rstrip())
            carried = text[max(0, end - guard._TAIL):end] + (b" " if end < len(text) else b"")


FAR = re.compile(rb"""r(?:\s+=|=(?:\s|["'](?:[A-Za-z]{2,}\d|[A-Za-z]?(?:\d{7}|[3-9]\d{5})|\$)))""")
"""The guard's search for a far reference as first written, before it was spelt for speed (a
column of four letters and more, `AAAA7`, reaches past Z as those of two and three do)."""
