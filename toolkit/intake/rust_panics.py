"""calamine's panics kept off the user's screen, every other line written to stderr kept.

calamine (Rust) panics on some malformed records; pyo3 raises it as `PanicException` and the file
is refused as damaged (`sources._broken`), but Rust's panic hook has written its own lines to the
process's stderr first (`thread '<unnamed>' panicked at …/xls.rs:811:15:`, the message, a
backtrace when `RUST_BACKTRACE` is set): lines a user cannot act on, above the refusal that says
what to do. The hook cannot be replaced from Python, so while calamine reads, file descriptor 2
goes to a temporary file; afterwards what was written there goes to stderr but for the panics'
lines (with `TOOLKIT_DEBUG` set, all of it). The redirection is the process's: readers in several
threads share one, made by the first to enter and undone by the last to leave, and a line
Python wrote meanwhile reaches the screen when it is undone, late but whole and in order. A forked child
(`convert`'s workers) has one of its own.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

_PANICKED = re.compile(rb"^thread '[^']*'(?: \(\d+\))? panicked at ")


class _Redirection:
    """fd 2 as calamine's readers left it: how many read, the real stderr kept, the file it went to."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.readers = 0
        self.saved: int | None = None
        self.caught: IO[bytes] | None = None


_now = _Redirection()


def _forked() -> None:
    """A forked child (`convert`'s workers) starts with a redirection of its own: sharing the
    parent's file (and its offset), one process giving stderr back took the other's lines. A
    redirection the parent held at the fork is undone in the child."""
    global _now
    held, _now = _now, _Redirection()
    if held.saved is not None:
        os.dup2(held.saved, 2)
        os.close(held.saved)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)

HELD_ASIDE = hasattr(os, "pread") and hasattr(os, "register_at_fork")
"""Whether this system can hold stderr aside: Windows has neither `os.pread` nor
`os.register_at_fork`, so there Rust's lines reach the screen as they always did, and nothing else
is touched (a desk's buttons on Windows show no console anyway)."""


@contextmanager
def panics_off_screen() -> Iterator[None]:
    """stderr held aside while calamine reads, given back without Rust's panic lines."""
    with _now.lock:
        entered = _now.readers > 0 or _held()
        if entered:
            _now.readers += 1
    try:
        yield
    finally:
        if entered:
            with _now.lock:
                _now.readers -= 1
                if not _now.readers:
                    _given_back()


def _held() -> bool:
    """fd 2 sent to the temporary file (one for the process, emptied after each use: made anew,
    it cost a batch of order forms a sixth of its reading), the real one kept; False where there
    is no fd 2 to move (a process started without one, as Excel may start Python) or no way to
    read it back (`HELD_ASIDE`)."""
    if not HELD_ASIDE:
        return False
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, AttributeError, ValueError):
        return False
    try:
        if _now.caught is None:
            _now.caught = tempfile.TemporaryFile()
        os.dup2(_now.caught.fileno(), 2)
    except OSError:
        os.close(saved)
        return False
    _now.saved = saved
    return True


def _given_back() -> None:
    """The lines caught sent to the real stderr before fd 2 goes back to it, then those another
    thread wrote in between: sent after, a thread's line written as fd 2 came back reached the
    screen before its own earlier ones. The file is read without moving the offset it shares
    with fd 2, at which other threads may still be writing."""
    saved, caught = _now.saved, _now.caught
    _now.saved = None
    assert saved is not None and caught is not None
    fd = caught.fileno()
    try:
        try:
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        sent = _sent(fd, 0, saved)
    finally:  # a Ctrl-C here left fd 2 in the file for good, the interruption's own message unseen
        os.dup2(saved, 2)
        os.close(saved)
    if _sent(fd, sent, 2):
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)


def _sent(fd: int, start: int, to: int) -> int:
    """What the caught file holds from `start` written to `to` (without the panics' lines but
    with `TOOLKIT_DEBUG` set), read with `pread`; where it ends."""
    end = os.lseek(fd, 0, os.SEEK_CUR)  # what was written through fd 2, which shares the offset
    if end == start:
        return end
    written = b"".join(os.pread(fd, min(1 << 16, end - at), at) for at in range(start, end, 1 << 16))
    kept = written if os.environ.get("TOOLKIT_DEBUG") else without_panics(written)
    while kept:
        kept = kept[os.write(to, kept):]
    return end


def without_panics(written: bytes) -> bytes:
    """`written` but for Rust's panic reports: the `thread '…' panicked at` line (and the blank
    one before it), the message's lines up to Rust's `note:` or its backtrace, the backtrace's
    indented frames and its note.

    >>> without_panics(b"before\\nthread '<unnamed>' (25436) panicked at src/xls.rs:811:15:\\n"
    ...                b"index out of bounds\\nnote: run with `RUST_BACKTRACE=1` to display a backtrace\\nafter\\n")
    b'before\\nafter\\n'
    >>> without_panics(b"thread 'x' panicked at a.rs:1:1:\\nboom\\nstack backtrace:\\n   0: f\\n"
    ...                b"             at a.rs:1\\nnote: Some details are omitted\\nWarning: mine\\n")
    b'Warning: mine\\n'
    """
    kept: list[bytes] = []
    skipping, frames = False, False
    for line in written.splitlines(keepends=True):
        if _PANICKED.match(line):
            skipping, frames = True, False
            if kept and not kept[-1].strip():  # the blank line Rust writes before the report
                kept.pop()
        elif skipping and frames and line[:1].isspace():
            pass
        elif skipping and line.startswith(b"stack backtrace:"):
            frames = True
        elif skipping and line.startswith(b"note: "):
            skipping = False
        elif skipping and not frames:
            pass
        else:
            skipping = False
            kept.append(line)
    return b"".join(kept)
