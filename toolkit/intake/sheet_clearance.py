"""The guard's sheet checks beside calamine's parse: each sheet cleared before calamine reads it.

The guard (`toolkit.intake.guard`) searches every worksheet part for a far cell before calamine
may open the file: at L 110 MB of XML, about 0.6 s during which nothing else can start. Most of
that search only matters to the sheet it is about, because calamine reads a workbook in two
steps (calamine 0.37, `Xlsx::new` and `worksheet_range`, as python-calamine calls them):

- *opening* reads `_rels/.rels`, then, in the folder it names, `sharedStrings.xml`,
  `styles.xml`, `_rels/workbook.xml.rels` and `workbook.xml`: no worksheet part;
- *a sheet* (`get_sheet_by_name`) reads that sheet's part, for its cells and its merged cells,
  and nothing else.

So every check the guard makes of the package but the sheets' extent (the zip directory, the
declared sizes and expansion, the content types, every XML part's head for a DTD, the number
of sheets) still runs before calamine opens the file, and refuses as before. Then a thread of
the guard checks the sheet parts one by one, in the order calamine will be asked for them, and
the parser takes a sheet only once its part is cleared (`SheetClearance.wait`): the guard
searches sheet k+1 while calamine parses sheet k, and calamine never reads a part the guard
has not cleared.

That needs the guard to know which part calamine reads for each sheet name.
`calamine_sheet_parts` resolves them as calamine does (the workbook's folder from
`_rels/.rels`, each sheet's relationship from `workbook.xml.rels`, names matched without ASCII
case), and gives up, leaving the guard to finish before the opening as ever, wherever the two
readings could part: a name with `&`, a backslash or a control character (calamine reads
attributes undecoded where ElementTree decodes them; it turns backslashes into slashes), two
parts alike but for case, more than one relationship by an id or document relationship, two
sheets by one name, a sheet part calamine also reads at opening, or the parts another of
calamine's readers (xlsb, ods) would open if the xlsx one failed. After the opening the sheet
names calamine found must be those resolved, in the same order (`SheetClearance.expect`), or
every sheet waits for every part. A name with no cleared part of its own also waits for every
part.

A refusal is the guard's own: on the first fault the thread runs the guard's sheet checks
again in the guard's order (`guard.check_ooxml_sheets`) and that verdict, the same problem the
user got before, is what every waiter raises. A sheet calamine cannot parse, or a workbook it
cannot open, gives way to that refusal too: the guard's checks are finished first
(`SheetClearance.verdict`).
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from toolkit.basics.problems import UnusableInput
from toolkit.intake import guard
from toolkit.intake.error_cells import ErrorMarks


def vet_beside_the_parser(path: Path) -> tuple[guard.Vetted, SheetClearance | AllCleared]:
    """`guard.vet_workbook`, leaving the sheets' extent to be checked in a thread of its own
    when calamine's sheet parts are known (see the module): an unusable file raises here as
    before, unless what makes it unusable is a sheet's extent, raised by the clearance."""
    started: list[SheetClearance] = []

    def stage(file: BinaryIO, zf: zipfile.ZipFile, path: Path, fmt: str, workbook: str) -> bool:
        parts = calamine_sheet_parts(zf, fmt, workbook)
        if parts is None:
            return False
        started.append(SheetClearance(file, zf, path, fmt, workbook, parts))
        return True

    vetted = guard.vet_in_stages(path, stage)
    return vetted, (started[0] if started else AllCleared())


LARGE_PART = 1 << 20
"""A sheet part of at least this many bytes of XML (about 6,000 rows of five cells) takes the
parser tens of milliseconds, and its records' reading as long again."""


def parse_order(names: list[str], sizes: Mapping[str, int]) -> list[str]:
    """The workbook's sheets in the order calamine is to parse them: the workbook's, but for the
    largest sheet, parsed just before the large sheet (`LARGE_PART`) that comes before it.

    The data check reads a sheet's records while calamine parses the next ones; whatever it
    reads after the last large sheet's parse is added to the step's time. The format's largest
    sheet, *Righe modello* (200,000 rows at L, whose reading took the main thread 0.3 s), comes
    last of the large ones but *Giacenze*, a parse too short to cover its reading. Parsed before
    *Modelli ordine*, it is read while that sheet is parsed, and the templates' reading, half as
    long, is what waits on the parse. The reader gives the sheets in this order; the caller puts
    them back in the workbook's (`sources.ParsedSheets.in_workbook_order`)."""
    large = [i for i, name in enumerate(names) if sizes.get(name, 0) >= LARGE_PART]
    if len(large) < 2:
        return names
    largest = max(large, key=lambda i: sizes[names[i]])
    if largest == large[0]:
        return names
    before = large[large.index(largest) - 1]
    return names[:before] + [names[largest]] + names[before:largest] + names[largest + 1:]


def _size(zf: zipfile.ZipFile, part: str | None) -> int:
    """A part's size as its zip entry declares it (the guard has checked the declared sizes)."""
    try:
        return zf.getinfo(part).file_size if part is not None else 0
    except KeyError:
        return 0


class AllCleared:
    """Nothing left to clear: the guard finished before the opening."""

    def expect(self, names: list[str]) -> None:
        pass

    def order(self, names: list[str]) -> list[str]:
        return names

    def wait(self, sheet: str) -> None:
        pass

    def holds_errors(self, part: str) -> bool | None:
        return None

    def verdict(self) -> UnusableInput | None:
        return None

    def abandon(self) -> None:
        pass


class _Abandoned(Exception):
    """The reader stopped asking: no sheet may be parsed after this."""


class SheetClearance:
    """The sheet parts the guard has cleared so far, checked by a thread of its own in the
    order calamine will be asked for them (the module says why this is safe)."""

    def __init__(self, file: BinaryIO, zf: zipfile.ZipFile, path: Path, fmt: str, workbook: str,
                 parts: dict[str, str | None]):
        self._file, self._zf, self._path, self._fmt, self._workbook = file, zf, path, fmt, workbook
        self._parts = parts
        self._cleared: set[str] = set()
        self._marked: dict[str, bool] = {}
        self._fault: BaseException | None = None
        self._done = False
        self._changed = threading.Condition()
        self._order = parse_order(list(parts), {name: _size(zf, part) for name, part in parts.items()})
        planned = list(dict.fromkeys(p for p in map(parts.get, self._order) if p is not None))
        order = planned + [p for p in guard.readable_as_sheets(zf) if p not in set(planned)]
        self._checked = frozenset(order)
        threading.Thread(target=self._check, args=(order,), name="guard-sheets", daemon=True).start()

    def expect(self, names: list[str]) -> None:
        """The sheet names calamine found on opening: unless they are those resolved, in the
        same order, every sheet waits for every part."""
        if names != list(self._parts):
            with self._changed:
                self._parts = {}

    def order(self, names: list[str]) -> list[str]:
        """The order calamine is to parse the sheets in (`parse_order`), the guard clearing
        them in that order; the names as given when they are not those resolved."""
        return self._order if names == list(self._parts) else names

    def wait(self, sheet: str) -> None:
        """Return once the part calamine reads for `sheet` is cleared (every part, when it has
        none of its own); raise the guard's refusal when there is one."""
        part = self._parts.get(sheet)
        with self._changed:
            while True:
                if self._fault is not None:
                    raise self._fault
                if self._done or (part is not None and part in self._cleared):
                    return
                self._changed.wait()

    def holds_errors(self, part: str) -> bool | None:
        """Whether a sheet part holds an error cell's mark or a formula saved with no value
        (`error_cells.ErrorMarks`), looked for in the chunks the guard inflated to clear it,
        once it is cleared; None when the guard does not clear it (not a part it checks, a
        refusal, the reader gone), for the error cells' search to look itself."""
        if part not in self._checked:
            return None
        with self._changed:
            while part not in self._cleared and self._fault is None and not self._done:
                self._changed.wait()
            return self._marked.get(part) if part in self._cleared else None

    def verdict(self) -> UnusableInput | None:
        """The guard's refusal once every part is checked, or None; raises what the guard
        would have raised that is no refusal (a fault of ours)."""
        with self._changed:
            while not self._done:
                self._changed.wait()
            if self._fault is None or isinstance(self._fault, UnusableInput):
                return self._fault
            raise self._fault

    def abandon(self) -> None:
        """The reader will ask for no more sheets: a waiting parse raises instead of going on."""
        with self._changed:
            if self._fault is None:
                self._fault = _Abandoned()
            self._changed.notify_all()

    def _check(self, order: list[str]) -> None:
        fault: BaseException | None = None
        try:
            for part in order:
                if isinstance(self._fault, _Abandoned):
                    return
                marks = ErrorMarks()
                guard.check_sheet_part(self._zf, self._path, self._workbook, part, seen=marks.look)
                with self._changed:
                    self._marked[part] = marks.found
                    self._cleared.add(part)
                    self._changed.notify_all()
            guard.check_names_a_sheet(self._zf, self._path, self._fmt, self._workbook)
        except Exception as exc:
            fault = self._guard_verdict(exc)
        finally:
            self._zf.close()
            self._file.close()
            with self._changed:
                if fault is not None and not isinstance(self._fault, _Abandoned):
                    self._fault = fault
                self._done = True
                self._changed.notify_all()

    def _guard_verdict(self, first: Exception) -> BaseException:
        """What the guard, checking the sheets in its own order, refuses the file for: the
        first fault found here may be another part's than the one the guard names first."""
        try:
            guard.check_ooxml_sheets(self._zf, self._path, self._fmt, self._workbook)
        except UnusableInput as refusal:
            return refusal
        except guard.ZIP_FAULTS:
            return guard.corrupt(self._path)
        except Exception as exc:
            return exc
        return guard.corrupt(self._path) if isinstance(first, guard.ZIP_FAULTS) else first


_OTHER_READERS = ("xl/workbook.bin", "xl/_rels/workbook.bin.rels", "content.xml", "mimetype")
"""Parts calamine's xlsb and ods readers open, tried when its xlsx reader fails."""


def calamine_sheet_parts(zf: zipfile.ZipFile, fmt: str, workbook: str) -> dict[str, str | None] | None:
    """Each sheet name calamine will find, in its order, and the worksheet part it reads for
    it (None: no part the guard checks as a sheet); None when calamine's reading and ours
    could part (the module lists where)."""
    if fmt not in ("xlsx", "xlsm") or len(guard.sheet_parts(zf)) > guard.MAX_SHEETS:
        return None  # the guard refuses too many sheets before anything else about them
    members = zf.namelist()
    if any(ch in name for name in members for ch in "&\\\t\n\r"):
        return None
    by_key = {guard.part_key(name): name for name in members}
    if len(by_key) != len(members):
        return None

    def member(name: str) -> str | None:
        return by_key.get(guard.part_key(name))

    if any(member(name) is not None for name in _OTHER_READERS):
        return None
    try:
        documents = [target for _, kind, target in _relationships(zf, member("_rels/.rels"))
                     if kind.endswith("/relationships/officeDocument")]
        if len(documents) != 1:
            return None
        folder = documents[0][:documents[0].rfind("/") + 1]
        folder = folder.removeprefix("/")
        opened = {member(folder + name) for name in
                  ("sharedStrings.xml", "styles.xml", "_rels/workbook.xml.rels", "workbook.xml", "_rels/.rels")}
        if member(folder + "workbook.xml") != workbook:
            return None
        relationships = _relationships(zf, member(folder + "_rels/workbook.xml.rels"))
        targets = {rid: target for rid, _, target in relationships}
        if len(targets) != len(relationships):
            return None
        sheets = guard.readable_as_sheets(zf)
        parts: dict[str, str | None] = {}
        for elem in guard.xml_starts(zf, workbook):
            if guard.local_name(elem) != "sheet":
                continue
            ids = [value for key, value in elem.attrib.items() if key.rpartition("}")[2] == "id"]
            name = elem.get("name")
            if len(ids) != 1 or name is None or name in parts or ids[0] not in targets:
                return None
            target = targets[ids[0]]
            part = member(target[1:] if target.startswith("/") else folder + target)
            if part in opened:
                return None
            parts[name] = part if part in sheets else None
    except (UnusableInput, *guard.ZIP_FAULTS):
        return None
    return parts or None


def _relationships(zf: zipfile.ZipFile, part: str | None) -> list[tuple[str, str, str]]:
    """(Id, Type, Target) of each relationship with an id in a relationships part."""
    if part is None:
        raise ValueError("no relationships part")
    return [(rid, kind, target or "") for rid, kind, target in guard.relationships(zf, part) if rid is not None]
