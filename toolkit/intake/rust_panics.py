"""calamine's panics kept off the user's screen, every other line written to stderr kept.

calamine (Rust) panics on some malformed records; pyo3 raises it as `PanicException` and the file
is refused as damaged (`sources._broken`), but Rust's panic hook has written its own lines to the
process's stderr first (`thread '<unnamed>' panicked at …/xls.rs:811:15:`, the message, a
backtrace when `RUST_BACKTRACE` is set): lines a user cannot act on, above the refusal that says
what to do. The hook cannot be replaced from Python, so while calamine reads, file descriptor 2
goes to a temporary file, and what is written there goes on to stderr but for the panics' lines
(with `TOOLKIT_DEBUG` set, all of it): every twentieth of a second while calamine reads, by a
thread of the guard's (`PASSED_EVERY`), the rest when the read ends. That thread alone writes to
the real stderr, never holding the lock the readers take, so a stderr that nobody drains stops
no read (`HANDED_OVER_WITHIN`); it ends when no read holds stderr aside. The redirection is the
process's: readers in several threads share one, made by the first to enter and undone by the
last to leave, so another thread's line (a progress bar, a warning) written meanwhile reaches the
screen as it is written, in order, where it arrived whole and late at the read's end. A line that
may be a panic's is held until its end says. A forked child (`convert`'s workers) has one of its own.
"""

from __future__ import annotations

import os
import queue
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

_PANICKED_WITHIN = re.compile(rb"thread '[^']*'(?: \(\d+\))? panicked at ")
_PANIC_START = b"thread '"


def _may_begin_panic(piece: bytes) -> bool:
    """Whether a piece of a line under way may be the start of a panic's first line."""
    return _PANIC_START.startswith(piece[:len(_PANIC_START)])

PASSED_EVERY = 0.05
"""Seconds between two passings on of what was written while calamine reads: a progress bar's
step late by as much at most. The thread passing it on ends once no read has held stderr aside
for as long (`_passing_on`)."""

HANDED_OVER_WITHIN = 0.5
"""Seconds a read's end waits in all for the lines caught during it, and those written as it
gives stderr back, to be written to the real stderr before going on: a stderr that nobody
drains (a pipe whose reader reads only stdout, until the process ends) takes nothing, and the
read must not hang on it; the lines are written when it drains, in order, by the thread
passing them on."""


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
    """fd 2 as calamine's readers left it: how many read, the real stderr kept and the passing
    thread's own copy of it, the file it went to, how far into it has been passed on and through
    which sieve, the thread passing it on, what it is handed to write and the last so handed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.readers = 0
        self.saved: int | None = None
        self.out: int | None = None
        self.caught: IO[bytes] | None = None
        self.sent = 0
        self.sieve = _Sieve()
        self.passer: threading.Thread | None = None
        self.outbox: queue.SimpleQueue[_Handed] = queue.SimpleQueue()
        self.handed: _Handed | None = None


@dataclass(frozen=True, slots=True)
class _Handed:
    """Lines handed to the passing thread at a read's end: what to write, the copy of the real
    stderr to write it to (closed after when `last`), and the event it sets once written."""

    kept: bytes
    out: int
    last: bool
    written: threading.Event = field(default_factory=threading.Event)


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
    if held.out is not None:
        os.close(held.out)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)

HELD_ASIDE = hasattr(os, "pread") and hasattr(os, "register_at_fork")
"""Whether this system can hold stderr aside: Windows has neither `os.pread` nor
`os.register_at_fork`, so there Rust's lines reach the screen as they always did, and nothing else
is touched (a desk's buttons on Windows show no console anyway)."""


@contextmanager
def panics_off_screen() -> Iterator[None]:
    """stderr held aside while calamine reads, given back without Rust's panic lines. A read
    that starts while the last one ends (`_left`, waiting for its lines without the lock) joins
    the redirection still made: holding it aside again kept the temporary file as the real stderr,
    and the end of that read left fd 2 there for good."""
    with _now.lock:
        entered = _now.readers > 0 or _now.saved is not None or _held()
        if entered:
            _now.readers += 1
    try:
        yield
    finally:
        if entered:
            _left()


def _left() -> None:
    """A read has ended; the last one gives stderr back. What was caught is written first, by the
    passing thread, waited for `HANDED_OVER_WITHIN` without the lock, then fd 2 goes back and
    the few lines written meanwhile follow: in order, as another thread wrote them, unless
    nobody drains stderr, when the read goes on all the same. A read that starts meanwhile
    finds stderr still held aside, and gives it back in its turn. A Ctrl-C meanwhile waits as
    long for what was handed: the interruption's own message was shown before the lines caught
    ahead of it, the passing thread writing them after."""
    with _now.lock:
        _now.readers -= 1
        if _now.readers:
            return
    until = time.monotonic() + HANDED_OVER_WITHIN  # both waits together: each its own made a second
    try:
        _given_back_in_turn(until)
    except BaseException:
        if (handed := _now.handed) is not None:
            handed.written.wait(max(until - time.monotonic(), 0))
        raise


def _given_back_in_turn(until: float) -> None:
    handed = last = None
    try:
        with _now.lock:
            if not _now.readers and _now.saved is not None:
                handed = _handed(last=False)
        if handed is not None:
            handed.written.wait(max(until - time.monotonic(), 0))
    finally:
        with _now.lock:
            if not _now.readers and _now.saved is not None:
                last = _given_back()
    if last is not None and last.kept:
        last.written.wait(max(until - time.monotonic(), 0))


def _held() -> bool:
    """fd 2 sent to the temporary file (one for the process, emptied after each use: made anew,
    it cost a batch of order forms a sixth of its reading), the real one kept, and a copy of it
    for the thread passing lines on, started if none is running; False where there is no fd 2 to
    move (a process started without one, as Excel may start Python) or no way to read it back
    (`HELD_ASIDE`)."""
    if not HELD_ASIDE:
        return False
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, AttributeError, ValueError):
        return False
    out = None
    try:
        out = os.dup(saved)
        if _now.caught is None:
            _now.caught = tempfile.TemporaryFile()
        if _now.passer is None:  # before fd 2 moves: a Ctrl-C while the thread started left it moved for good
            passer = threading.Thread(target=_passing_on, args=(_now,), name="toolkit-stderr", daemon=True)
            passer.start()
            _now.passer = passer
        os.dup2(_now.caught.fileno(), 2)
    except OSError:
        os.close(saved)
        if out is not None:
            os.close(out)
        return False
    except BaseException:  # a Ctrl-C: fd 2 put back, wherever it was
        os.dup2(saved, 2)
        os.close(saved)
        if out is not None:
            os.close(out)
        raise
    _now.saved, _now.out = saved, out
    return True


def _passing_on(now: _Redirection) -> None:
    """While fd 2 is held aside, what was written to it passed on every `PASSED_EVERY` seconds,
    the panics' lines left out: another thread's progress bar or warning is not held back until
    the read ends; and the lines each read's end hands over (`_given_back`).

    Only this thread writes to the real stderr, and never holding the lock: a pipe nobody drains
    stops it alone, where a write under the lock stopped every read at its end, waiting for it.
    It ends once stderr is no longer held aside and nothing is left to write, so it does not
    linger between reads; the next read starts another."""
    while True:
        try:
            handed = now.outbox.get(timeout=PASSED_EVERY)
        except queue.Empty:
            with now.lock:
                if now.saved is None or now.caught is None or now.out is None:
                    if now.outbox.empty():
                        now.passer = None
                        return
                    continue
                out = now.out
                kept, now.sent = _caught(now.caught.fileno(), now.sent, now.sieve)
            _write(out, kept)
            continue
        _write(handed.out, handed.kept)
        if handed.last:
            os.close(handed.out)
        handed.written.set()


def _handed(*, last: bool) -> _Handed | None:
    """What was caught since last passed on, handed to the passing thread; None when nothing
    was (most reads write nothing). Python's own stderr is flushed into the file first, unless
    fd 2 has been given back (`last`)."""
    assert _now.caught is not None and _now.out is not None
    if not last:
        _flushed()
    kept, _now.sent = _caught(_now.caught.fileno(), _now.sent, _now.sieve, ended=last)
    if not (kept or last):
        return None
    handed = _now.handed = _Handed(kept, _now.out, last)
    _now.outbox.put(handed)
    return handed


def _given_back() -> _Handed:
    """fd 2 given back to the real stderr, then the lines another thread wrote since the rest
    was handed over, handed in their turn with the copy of stderr for the passing thread to
    close. The file is read without moving the offset it shares with fd 2, at which other
    threads may still be writing."""
    saved, caught = _now.saved, _now.caught
    assert saved is not None and caught is not None
    try:
        _now.saved = None
        _flushed()
    finally:  # a Ctrl-C here left fd 2 in the file for good, the interruption's own message unseen
        os.dup2(saved, 2)
        os.close(saved)
    handed = _handed(last=True)
    assert handed is not None
    fd = caught.fileno()
    if _now.sent:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
    _now.sieve, _now.sent, _now.out = _Sieve(), 0, None
    return handed


def _flushed() -> None:
    try:
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def _caught(fd: int, start: int, sieve: _Sieve, *, ended: bool = False) -> tuple[bytes, int]:
    """What the caught file holds from `start`, without the panics' lines but with `TOOLKIT_DEBUG`
    set, read with `pread`; and where it ends. Until the read has `ended`, a line that may still
    turn out a panic's stays in `sieve`."""
    end = os.lseek(fd, 0, os.SEEK_CUR)  # what was written through fd 2, which shares the offset
    if end == start and not (ended and (sieve.under_way or sieve.blank is not None)):
        return b"", end  # nothing new: most reads, which write nothing, each sheet of them twice
    written = b"".join(os.pread(fd, min(1 << 16, end - at), at) for at in range(start, end, 1 << 16))
    return (written if os.environ.get("TOOLKIT_DEBUG") else sieve.sift(written, ended=ended)), end


def _write(to: int, kept: bytes) -> None:
    try:
        while kept:
            kept = kept[os.write(to, kept):]
    except OSError:  # stderr gone (a pipe its reader closed, a full disk): nothing can be shown there
        pass


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
