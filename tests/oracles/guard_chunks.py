"""A part's chunks as the guard read them before the next chunk was inflated ahead: one
`stream.read` after the other in the thread that searches them."""

from __future__ import annotations

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
