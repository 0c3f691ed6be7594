"""A folder of foreign inputs as a desk switching to the toolkit brings them, made from the sample.

The sample's master data is spread over the formats and layouts of other programs: customers in
an xls written by LibreOffice (a merged title row, headings of their own, "mese"/"settimana" for
the invoicing calendar), items in an ods with English headings, the prices in a CSV with `;` and
decimal commas, price lists and versions in a workbook whose headings are merged over two rows,
the templates in an xlsx that already has the format's names. Beside them: a corrupt workbook,
a password-protected one, a text file. And the mapping that ties the foreign names to the format.
The order forms (one workbook per order) are made by `order_form`.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from toolkit.services.sample import write_sample
from toolkit.writers.libreoffice import soffice

CUSTOMER_HEADINGS = {"Codice": "Cod. cliente", "Ragione sociale": "Denominazione",
                     "Calendario fatturazione": "Periodicità", "Termini di pagamento": "Pagamento a gg"}
SCHEDULE_WORDS = {"Mensile": "mese", "Settimanale": "settimana", "Quindicinale": "quindicina"}

MAPPING = """
[settings]
{settings}

[master.customers]
from = ["Anagrafica clienti"]
header_row = 2
[master.customers.columns]
code = ["Cod. cliente", "Customer ID"]
name = "Denominazione"
invoice_schedule = "Periodicità"
payment_terms = "Pagamento a gg"
[master.customers.values.invoice_schedule]
"mese" = "monthly"
"settimana" = "weekly"
"quindicina" = "biweekly"

[master.prices]
from = ["prezzi"]
[master.prices.columns]
item = "Cod. articolo"

[orders]
customer = "Cliente:"
date = "B4"
reference = "Vs. riferimento"
[orders.lines]
item = "Codice articolo"
quantity = "Q.tà"
"""


def sample_sheets(folder: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(write_sample(folder)))
    return {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}


def _xlsx(path: Path, sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
        for merged in (merges or {}).get(name, []):
            sheet.merge_cells(merged)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def libreoffice_copy(source: Path, fmt: str, target: Path) -> Path:
    """`source` saved by LibreOffice as `fmt` (xls, ods) at `target`."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([soffice(), f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to", fmt,
                        "--outdir", out, str(source)], check=True, capture_output=True, timeout=180)
        shutil.move(Path(out) / f"{source.stem}.{fmt}", target)
    return target


def encrypted(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = _xlsx(path.with_suffix(".plain.xlsx"), sheets)
    with plain.open("rb") as f:
        secret = io.BytesIO()
        OOXMLFile(f).encrypt("segreto", secret)
    plain.unlink()
    path.write_bytes(secret.getvalue())
    return path


def foreign_folder(root: Path) -> tuple[Path, Path]:
    """The folder of foreign master data and its mapping file (LibreOffice is needed)."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: the xls and ods inputs are written by it")
    pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool writes the password-protected input")
    sheets = sample_sheets(root / "sample")
    folder = root / "da convertire"
    work = root / "work"
    customers = [list(r) for r in sheets["Clienti"]]
    heads = customers[0]
    customers[0] = [CUSTOMER_HEADINGS.get(h, h) for h in heads]
    column = heads.index("Calendario fatturazione")
    for row in customers[1:]:
        row[column] = SCHEDULE_WORDS.get(row[column], row[column])
    title = [["Elenco clienti — esportazione del vecchio gestionale"] + [None] * (len(heads) - 1)]
    _xlsx(work / "clienti.xlsx", {"Anagrafica clienti": title + customers}, {"Anagrafica clienti": ["A1:U1"]})
    (folder / "vecchio gestionale").mkdir(parents=True)
    libreoffice_copy(work / "clienti.xlsx", "xls", folder / "vecchio gestionale" / "clienti.xls")
    items = [["Code", "Description", "Unit", "VAT rate", "VAT nature", "Category", "Weight"], *sheets["Articoli"][1:]]
    _xlsx(work / "articoli.xlsx", {"Items": items})
    libreoffice_copy(work / "articoli.xlsx", "ods", folder / "vecchio gestionale" / "articoli.ods")
    prices = sheets["Prezzi"]
    lines = [";".join(["Listino", "Versione", "Cod. articolo", *prices[0][3:]])]
    for row in prices[1:]:
        lines.append(";".join(_italian(v) for v in row))
    (folder / "listini").mkdir()
    (folder / "listini" / "prezzi.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    versions = sheets["Versioni listino"]
    two_rows = [["Listino", "Versione", "Validità", None], [None, None, "Valido dal", "Valido al"], *versions[1:]]
    _xlsx(folder / "listini" / "listini.xlsx", {"Listini": sheets["Listini"], "Versioni listino": two_rows},
          {"Versioni listino": ["A1:A2", "B1:B2", "C1:D1"]})
    rest = ("Destinazioni", "Contatti", "Modelli ordine", "Righe modello", "Chiusure", "Eccezioni", "Vettori",
            "Giacenze")
    _xlsx(folder / "modelli.xlsx", {name: sheets[name] for name in rest})
    (folder / "rotto.xlsx").write_bytes((folder / "modelli.xlsx").read_bytes()[:3000])
    encrypted(folder / "protetto.xlsx", {"Clienti": customers})
    (folder / "leggimi.txt").write_text("Esportazione del 2025\n", encoding="utf-8")
    settings = "\n".join(f'"{k}" = {_toml(v)}' for k, v in sheets["Impostazioni"][1:] if v not in ("", None))
    mapping = root / "corrispondenze.toml"
    mapping.write_text(MAPPING.format(settings=settings), encoding="utf-8")
    return folder, mapping


def _italian(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def _toml(value: Any) -> str:
    if isinstance(value, date):
        return f'"{value.strftime("%d/%m/%Y")}"'
    if isinstance(value, float):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def order_form(path: Path, customer: str, day: date, lines: list[tuple[str, float]], reference: str = "") -> Path:
    """A customer's order form, one workbook per order, in the layout the mapping describes."""
    rows: list[list[Any]] = [
        ["MODULO D'ORDINE", None, None, None],
        [None, None, None, None],
        ["Cliente:", customer, None, None],
        ["Data:", day, None, None],
        ["Vs. riferimento", reference or None, None, None],
        [None, None, None, None],
        ["Codice articolo", "Descrizione", "Q.tà", "Note"],
        *[[item, f"articolo {item}", quantity, None] for item, quantity in lines],
        ["Totale pezzi", None, sum(q for _, q in lines), None],
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ordine"
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A1:D1")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
