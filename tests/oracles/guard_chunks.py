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


FAR = re.compile(rb"""r(?:\s+=|=(?:\s|["'](?:(?:[A-Za-z]{3,}|[B-Zb-z][A-Za-z]|[Aa][I-Zi-z])\d"""
                 rb"""|[A-Za-z]{0,2}(?:\d{7}|(?:29|[3-9]\d)\d{4})|\$)))""")
"""The guard's search for a far reference spelt plainly, as a pattern of bytes, before it was
spelt for speed: a column from AI (two letters past AH, or three and more: `AAAA7` reaches past
AH as `AAA7` does) or a row from 290,000 (`guard.NEAR_BOX`)."""
