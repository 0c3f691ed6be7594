"""calamine's panics kept off the user's screen, every other line written to stderr kept.

calamine (Rust) panics on some malformed records; pyo3 raises it as `PanicException` and the file
is refused as damaged (`sources._broken`), but Rust's panic hook has written its own lines to the
process's stderr first (`thread '<unnamed>' panicked at …/xls.rs:811:15:`, the message, a
backtrace when `RUST_BACKTRACE` is set): lines a user cannot act on, above the refusal that says
what to do. The hook cannot be replaced from Python, so while calamine reads, file descriptor 2
goes to a temporary file, and what is written there goes on to stderr but for the panics' lines
(with `TOOLKIT_DEBUG` set, all of it): every twentieth of a second while calamine reads, by a
thread of the guard's (`PASSED_EVERY`), the rest when the read ends. The redirection is the
process's: readers in several threads share one, made by the first to enter and undone by the
last to leave, so another thread's line (a progress bar, a warning) written meanwhile reaches the
screen as it is written, in order, where it arrived whole and late at the read's end. A line that
may be a panic's is held until its end says. A forked child (`convert`'s workers) has one of its own.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

_PANICKED_WITHIN = re.compile(rb"thread '[^']*'(?: \(\d+\))? panicked at ")
_PANIC_START = b"thread '"


def _may_begin_panic(piece: bytes) -> bool:
    """Whether a piece of a line under way may be the start of a panic's first line."""
    return _PANIC_START.startswith(piece[:len(_PANIC_START)])

PASSED_EVERY = 0.05
"""Seconds between two passings on of what was written while calamine reads: a progress bar's
step late by as much at most, and an idle guard's thread wakes only while a read goes on."""


class _Sieve:
    """`without_panics` a piece at a time, as the pieces are written: a line is let through once
    it cannot be a panic's, a line of text under way at once unless it may begin one (`thread '`);
    a blank line waits for the next, which may be the report it comes before. A report Rust writes
    into another thread's line under way (a progress bar's step, `\\r` before each) is cut from it.

    >>> sieve = _Sieve()
    >>> sieve.sift(b"45 %\\r50 %"), sieve.sift(b"\\r\\nthread 'x' panicked at a.rs:1:1:\\nbo"), sieve.sift(b"om\\nnote: x\\n")
    (b'45 %\\r50 %', b'\\r\\n', b'')
    >>> sieve.sift(b"thread 'main' said"), sieve.sift(b" hello\\n\\n"), sieve.sift(b"", ended=True)
    (b'', b"thread 'main' said hello\\n", b'\\n')
    >>> sieve.sift(b"\\r20 %"), sieve.sift(b"thread 'x' panicked at a.rs:1:1:\\nboom\\nnote: x\\n\\r30 %")
    (b'\\r20 %', b'\\r30 %')
    """

    def __init__(self) -> None:
        self.skipping = False  # within a panic's report
        self.message = False  # its message's first line to come: Rust writes the note after the first panic only
        self.blank: bytes | None = None  # a blank line kept, unless a panic's report follows
        self.under_way = b""  # a line not yet ended, held
        self.passing = False  # a line not yet ended, let through: the rest of it goes too

    def sift(self, written: bytes, *, ended: bool = False) -> bytes:
        kept: list[bytes] = []
        for line in (self.under_way + written).splitlines(keepends=True):
            self.under_way = b""
            whole = line.endswith((b"\n", b"\r"))
            if self.passing and not (_PANICKED_WITHIN.search(line) or not (whole or ended) and _may_begin_panic(line)):
                kept.append(line)
                self.passing = not whole
            elif whole or ended:
                self.passing = False
                self._line(line, kept)
            elif self.skipping or _may_begin_panic(line):
                self.under_way = line
            else:
                self._let_through(line, kept)
                self.passing = True
        if ended:
            self._let_through(b"", kept)
        return b"".join(kept)

    def _line(self, line: bytes, kept: list[bytes]) -> None:
        if panic := _PANICKED_WITHIN.search(line):  # within: written into another thread's line under way
            if panic.start():
                self._let_through(line[:panic.start()], kept)
            self.skipping, self.message = True, True
            self.blank = None  # the blank line Rust writes before the report
        elif self.skipping and self.message:
            self.message = False
        elif self.skipping and line[:1] in (b" ", b"\t") and line.strip():  # frames, a message's indented lines
            pass
        elif self.skipping and line.startswith((b"stack backtrace:", b"note: ")):
            self.skipping = not line.startswith(b"note: ")
        elif not line.strip():
            self.skipping = False
            self._let_through(b"", kept)
            self.blank = line
        else:
            self.skipping = False
            self._let_through(line, kept)

    def _let_through(self, line: bytes, kept: list[bytes]) -> None:
        if self.blank is not None:
            kept.append(self.blank)
            self.blank = None
        if line:
            kept.append(line)


class _Redirection:
    """fd 2 as calamine's readers left it: how many read, the real stderr kept, the file it went
    to, how far into it has been passed on and through which sieve, the thread passing it on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.readers = 0
        self.saved: int | None = None
        self.caught: IO[bytes] | None = None
        self.sent = 0
        self.sieve = _Sieve()
        self.reading = threading.Event()
        self.passer: threading.Thread | None = None


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
        if _now.passer is None:  # before fd 2 moves: a Ctrl-C while the thread started left it moved for good
            passer = threading.Thread(target=_passing_on, args=(_now,), name="toolkit-stderr", daemon=True)
            passer.start()
            _now.passer = passer
        _now.reading.set()
        os.dup2(_now.caught.fileno(), 2)
    except OSError:
        os.close(saved)
        _now.reading.clear()
        return False
    except BaseException:  # a Ctrl-C: fd 2 put back, wherever it was
        os.dup2(saved, 2)
        os.close(saved)
        raise
    _now.saved = saved
    return True


def _passing_on(now: _Redirection) -> None:
    """While fd 2 is held aside, what was written to it passed on every `PASSED_EVERY` seconds,
    the panics' lines left out: another thread's progress bar or warning is not held back until
    the read ends. One thread per process, waiting while no read goes on."""
    while True:
        now.reading.wait()
        time.sleep(PASSED_EVERY)
        with now.lock:
            if now.saved is not None and now.caught is not None:
                now.sent = _sent(now.caught.fileno(), now.sent, now.saved, now.sieve)


def _given_back() -> None:
    """The lines caught sent to the real stderr before fd 2 goes back to it, then those another
    thread wrote in between: sent after, a thread's line written as fd 2 came back reached the
    screen before its own earlier ones. The file is read without moving the offset it shares
    with fd 2, at which other threads may still be writing."""
    saved, caught, sieve = _now.saved, _now.caught, _now.sieve
    assert saved is not None and caught is not None
    try:
        _now.saved = None
        fd = caught.fileno()
        try:
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        _now.sent = _sent(fd, _now.sent, saved, sieve)
    finally:  # a Ctrl-C here left fd 2 in the file for good, the interruption's own message unseen
        os.dup2(saved, 2)
        os.close(saved)
    _now.reading.clear()
    _now.sieve = _Sieve()
    if _sent(fd, _now.sent, 2, sieve, ended=True):
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
    _now.sent = 0


def _sent(fd: int, start: int, to: int, sieve: _Sieve, *, ended: bool = False) -> int:
    """What the caught file holds from `start` written to `to` (without the panics' lines but
    with `TOOLKIT_DEBUG` set), read with `pread`; where it ends. Until the read has `ended`, a
    line that may still turn out a panic's stays in `sieve`."""
    end = os.lseek(fd, 0, os.SEEK_CUR)  # what was written through fd 2, which shares the offset
    if end == start and not (ended and (sieve.under_way or sieve.blank is not None)):
        return end  # nothing new: most reads, which write nothing, each sheet of them twice
    written = b"".join(os.pread(fd, min(1 << 16, end - at), at) for at in range(start, end, 1 << 16))
    kept = written if os.environ.get("TOOLKIT_DEBUG") else sieve.sift(written, ended=ended)
    try:
        while kept:
            kept = kept[os.write(to, kept):]
    except OSError:  # stderr gone (a pipe its reader closed, a full disk): nothing can be shown there
        pass
    return end


def without_panics(written: bytes) -> bytes:
    """`written` but for Rust's panic reports: the `thread '…' panicked at` line (and the blank
    one before it), the message (its first line and any indented ones: after the process's first
    panic Rust writes no `note:` that would end it), the note, the backtrace's indented frames and
    its note.

    >>> without_panics(b"before\\nthread '<unnamed>' (25436) panicked at src/xls.rs:811:15:\\n"
    ...                b"index out of bounds\\nnote: run with `RUST_BACKTRACE=1` to display a backtrace\\nafter\\n")
    b'before\\nafter\\n'
    >>> without_panics(b"thread 'x' panicked at a.rs:1:1:\\nboom\\nstack backtrace:\\n   0: f\\n"
    ...                b"             at a.rs:1\\nnote: Some details are omitted\\nWarning: mine\\n")
    b'Warning: mine\\n'
    >>> without_panics(b"thread 'x' panicked at a.rs:1:1:\\nassertion failed\\n  left: 1\\n right: 2\\nWarning: mine\\n")
    b'Warning: mine\\n'
    """
    return _Sieve().sift(written, ended=True)
