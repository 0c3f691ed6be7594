"""Rows of the sample left in a desk's own workbook.

A new desk starts from the sample (`toolkit sample`, as an empty workbook is told to), types
its company into *Impostazioni* and its customers, items and templates over the sample's, and
easily leaves the sheets it never looked at as they came. Those rows then act on its own data
wherever the codes agree — the sample's C008 special price on A001, its Christmas closure, its
carriers printed on the DDTs, its agents' shares — and nothing refuses them, since they are
well formed. So, once *Impostazioni* name another company than the sample's, a sheet still
holding rows exactly as the sample wrote them is warned about at its first such row. The
sheets the desk must fill itself (customers, items, prices, templates) are not looked at: the
sample's rows left there meet the desk's codes as unknown references, or are plainly its own.
The other way round, customers of the desk's own under the sample's company in *Impostazioni*
would issue its documents and e-invoices in that company's name: warned at its partita IVA.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import fields
from functools import cache
from typing import Any

from toolkit.basics import wording
from toolkit.basics.problems import Problem, define
from toolkit.intake.validation.layout import Layout
from toolkit.model.records import MasterData, Record

SAMPLE_ROWS_LEFT = define(
    "sample-rows-left", "warning",
    title=("Righe dell'esempio rimaste", "Sample rows left"),
    it="Il foglio {sheet} ha ancora {rows_it} dell'esempio di toolkit (la prima alla riga {row}), che valgono come "
       "le tue: prezzi, sconti, chiusure, vettori, indirizzi e agenti dell'esempio finirebbero nei tuoi ordini e "
       "documenti. Cancellale se non sono tue.",
    en="Sheet {sheet} still has {rows_en} of toolkit's sample (the first in row {row}), which count as yours: the "
       "sample's prices, discounts, closures, carriers, addresses and agents would reach your orders and "
       "documents. Delete them unless they are yours.")

SHEETS = ("ship_to", "contacts", "price_rules", "closures", "exceptions", "carriers", "volume_discounts",
          "commissions", "customer_agents")
"""The sheets a desk may leave as they came (all optional), each acting on its own data."""


SAMPLE_COMPANY_LEFT = define(
    "sample-company-left", "warning",
    title=("Ditta dell'esempio in Impostazioni", "The sample's company in Impostazioni"),
    it="Impostazioni indica ancora la ditta dell'esempio, {company} (partita IVA {vat}), ma i clienti sono tuoi: "
       "ordini, DDT, fatture e fatture elettroniche uscirebbero a suo nome, e il registro sarebbe suo. Scrivi in "
       "Impostazioni i dati della tua ditta prima di creare ordini.",
    en="Impostazioni still name the sample's company, {company} (VAT number {vat}), but the customers are yours: "
       "orders, DDTs, invoices and e-invoices would be issued in its name, and the ledger would be its. Write your "
       "company's data in Impostazioni before creating orders.")


def sample_rows_left(master: MasterData, layout: Layout) -> Iterator[Problem]:
    from toolkit.intake.sample import SELLER_VAT, generated_customers

    if master.settings.vat_number.upper().removeprefix("IT") == SELLER_VAT:
        if not _sample_customers(master.customers) and not generated_customers(master.customers):
            yield SAMPLE_COMPANY_LEFT(layout.locate("settings", field="vat_number"),
                                      company=master.settings.company_name, vat=SELLER_VAT)
        return
    for key in SHEETS:
        records: Sequence[Record] = getattr(master, key) or ()
        if not records:
            continue
        left = [r for r in records if _in_sample(key, r)]
        if left:
            row = left[0].source.row  # type: ignore[attr-defined]
            yield SAMPLE_ROWS_LEFT(layout.locate(key, row), sheet=layout.locate(key).sheet, row=row,
                                   rows_it=wording.count(len(left), "riga", "righe"),
                                   rows_en=wording.count(len(left), "row", "rows"))


def _sample_customers(customers: Sequence[Record]) -> bool:
    """Whether the customers are the sample's: counted first, so a desk's workbook is told
    apart without making the sample. Each is compared on the values the sample gave it, since
    a customer's row fills some columns from others (an empty *Periodicità* from its terms)."""
    from toolkit.intake.sample import Scale

    return len(customers) == Scale.SAMPLE.customers and all(_in_sample("customers", c, _holds) for c in customers)


def _in_sample(key: str, record: Record, same: Callable[[Record, Mapping[str, Any]], bool] | None = None) -> bool:
    """Whether one of the sample's rows of the sheet `key` is `record` (`_same`, or as `same` says)."""
    same = same or _same
    return any(same(record, row) for row in _sample(key).get(_first(record, key), ()))


def _same(record: Record, row: Mapping[str, Any]) -> bool:
    """Every column of the record holds what the sample wrote, an empty cell where the sample
    left it empty: a desk that kept the sample's PV-STD and named its own agent in it has made
    the row its own. A list the sheet reads into a tuple (a carrier's areas) is left out."""
    return all(isinstance(mine := getattr(record, f.name), tuple) or mine == row.get(f.name, f.default)
               for f in fields(record) if f.name != "source")


def _holds(record: Record, row: Mapping[str, Any]) -> bool:
    """Every value the sample gave the row is the record's."""
    return all(getattr(record, field) == value for field, value in row.items()
               if value is not None and not isinstance(getattr(record, field), tuple))


def _first(record: Record, key: str) -> Any:
    return getattr(record, _FIRST[key])


_FIRST = {"customers": "code", "ship_to": "code", "contacts": "code", "price_rules": "code", "closures": "date_from",
          "exceptions": "template", "carriers": "code", "volume_discounts": "code", "commissions": "code",
          "customer_agents": "customer"}
"""The field each sheet's sample rows are looked up by, so a sheet is compared in one pass."""


@cache
def _sample(key: str) -> dict[Any, list[Mapping[str, Any]]]:
    by_first: dict[Any, list[Mapping[str, Any]]] = {}
    for row in _all_rows()[key]:
        by_first.setdefault(row.get(_FIRST[key]), []).append(row)
    return by_first


@cache
def _all_rows() -> dict[str, list[dict]]:
    from toolkit.intake.sample import sample_rows

    return sample_rows()
