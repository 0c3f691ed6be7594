"""The master-data workbook format: which sheets, which columns, in Italian and English.

This table is the single source of the format: the reader finds sheets and columns by these
names, the sample and the Excel front end write them, and `docs/workbook-format.md` is
generated from it (`python -m toolkit.model.sheets > docs/workbook-format.md`, a test keeps them
equal). Column order is free and extra columns are ignored; names match whatever the case,
accents or spacing (`Quantità` = `quantita` = `Quantity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from toolkit.basics import vocab
from toolkit.basics.vocab import normalize


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"
    INTEGER = "integer"
    QUANTITY = "quantity"
    MONEY = "money"
    PERCENT = "percent"
    DATE = "date"
    BOOL = "yes/no"
    CHOICE = "choice"
    WEEKDAYS = "weekdays"
    VAT_NUMBER = "VAT number"
    TAX_CODE = "tax code"
    EMAIL = "e-mail"
    DAY_MONTH = "day/month"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    it: str
    en: str
    kind: Kind
    required: bool = False
    meaning: str = ""
    example: str = ""
    choice: type[StrEnum] | None = None
    default: Any = None
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.it, self.en, self.key, *self.aliases)

    def label(self, lang: str) -> str:
        return self.it if lang == "it" else self.en


@dataclass(frozen=True, slots=True)
class Sheet:
    key: str
    it: str
    en: str
    columns: tuple[Column, ...]
    required: bool = True
    meaning: str = ""
    key_value: bool = False
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.it, self.en, self.key, *self.aliases)

    def label(self, lang: str) -> str:
        return self.it if lang == "it" else self.en

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def match_column(self, header: str) -> Column | None:
        wanted = normalize(header)
        for c in self.columns:
            if any(normalize(n) == wanted for n in c.names()):
                return c
        return None


def _c(key, it, en, kind, required=False, meaning="", example="", **kw) -> Column:
    return Column(key, it, en, kind, required, meaning, example, **kw)


K = Kind

SETTINGS = Sheet("settings", "Impostazioni", "Settings", key_value=True, meaning=(
    "The seller's company data (printed on DDTs and invoices) and the toolkit's options. Two "
    "columns, `Voce`/`Setting` and `Valore`/`Value`, one setting per row."), columns=(
    _c("company_name", "Ragione sociale", "Company name", K.TEXT, True, "Seller's legal name", "Forniture Rossi S.r.l."),
    _c("vat_number", "Partita IVA", "VAT number", K.VAT_NUMBER, True, "Seller's partita IVA (11 digits, `IT` prefix optional)", "IT01234560157"),
    _c("tax_code", "Codice fiscale", "Tax code", K.TAX_CODE, False, "Seller's codice fiscale, if it differs from the VAT number", "01234567897"),
    _c("address", "Indirizzo", "Address", K.TEXT, True, "Street and number", "Via Roma 10"),
    _c("postcode", "CAP", "Postcode", K.TEXT, True, "Postcode", "20121"),
    _c("city", "Città", "City", K.TEXT, True, "City", "Milano"),
    _c("province", "Provincia", "Province", K.TEXT, False, "Two-letter province code", "MI"),
    _c("country", "Paese", "Country", K.TEXT, False, "ISO country code", "IT", default="IT"),
    _c("language", "Lingua", "Language", K.TEXT, False, "`it` or `en`: language of messages and documents", "it", default="it"),
    _c("holiday_region", "Regione festività", "Holiday region", K.TEXT, False,
       "Province whose patron saint's day is a holiday (as the `holidays` package knows it)", "MI"),
    _c("patron_day", "Santo patrono", "Patron saint day", K.DAY_MONTH, False,
       "A local holiday as day/month, when the region is not enough", "07/12"),
    _c("saturday_working", "Sabato lavorativo", "Saturday working", K.BOOL, False,
       "Whether Saturday is a working day (\"giorni feriali\" Monday–Saturday)", "no", default=False),
    _c("stock_date", "Data giacenze", "Stock date", K.DATE, False,
       "The day the Giacenze sheet was counted: goods shipped from that day on are taken off it; "
       "empty = the sheet is today's stock", "01/04/2026"),
    _c("order_series", "Serie ordini", "Order series", K.CODE, False, "Prefix of order numbers", "OC", default="OC"),
    _c("ddt_series", "Serie DDT", "DDT series", K.CODE, False, "Prefix of delivery-note numbers", "DDT", default="DDT"),
    _c("invoice_series", "Serie fatture", "Invoice series", K.CODE, False, "Prefix of invoice numbers", "FT", default="FT"),
    _c("credit_note_series", "Serie note di credito", "Credit note series", K.CODE, False,
       "Prefix of credit-note numbers (the invoice series to share its numbering)", "NC", default="NC"),
    _c("iban", "IBAN", "IBAN", K.TEXT, False, "Bank account printed on invoices for transfers", "IT60X0542811101000000123456"),
))

CUSTOMERS = Sheet("customers", "Clienti", "Customers", meaning="One row per customer (cliente).", columns=(
    _c("code", "Codice", "Code", K.CODE, True, "Unique customer code", "C001"),
    _c("name", "Ragione sociale", "Name", K.TEXT, True, "Legal name", "Bar Centrale S.n.c.", aliases=("Nome", "Cliente", "Customer")),
    _c("vat_number", "Partita IVA", "VAT number", K.VAT_NUMBER, False, "Partita IVA; this or the tax code is required", "IT01234560157"),
    _c("tax_code", "Codice fiscale", "Tax code", K.TAX_CODE, False, "Codice fiscale (16 characters for people, 11 digits for companies)", "RSSMRA80A01H501U"),
    _c("address", "Indirizzo", "Address", K.TEXT, True, "Billing address: street and number", "Corso Italia 4"),
    _c("postcode", "CAP", "Postcode", K.TEXT, False, "Billing postcode", "10121"),
    _c("city", "Città", "City", K.TEXT, True, "Billing city", "Torino"),
    _c("province", "Provincia", "Province", K.TEXT, False, "Two-letter province code", "TO"),
    _c("country", "Paese", "Country", K.TEXT, False, "ISO country code", "IT", default="IT"),
    _c("area", "Zona", "Area", K.CODE, False, "Delivery area or route, used to pick the carrier", "NORD"),
    _c("price_list", "Listino", "Price list", K.CODE, True, "Default price list (listino)", "BASE"),
    _c("payment_method", "Modalità di pagamento", "Payment method", K.CHOICE, True, "How the customer pays", "Bonifico bancario", choice=vocab.PaymentMethod),
    _c("payment_terms", "Termini di pagamento", "Payment terms", K.TEXT, True,
       "When invoices fall due: `IMM`, `30` (days), `30FM` (30 days then month end), `FM+30` (month end then 30 days), `30/60/90`, `MS10` (day 10 of next month)", "30FM"),
    _c("invoice_terms", "Termini di fatturazione", "Invoice terms", K.CHOICE, False, "When to invoice", "Schedulazione del cliente",
       choice=vocab.InvoiceTerms, default=vocab.InvoiceTerms.CUSTOMER_SCHEDULE),
    _c("invoice_schedule", "Calendario fatturazione", "Invoice schedule", K.CHOICE, False,
       "For the customer-schedule terms: weekly, every two weeks or monthly", "Mensile",
       choice=vocab.InvoiceSchedule, default=vocab.InvoiceSchedule.MONTHLY),
    _c("delivery_terms", "Termini di consegna", "Delivery terms", K.CHOICE, False, "When goods may ship", "Disponibilità",
       choice=vocab.DeliveryTerms, default=vocab.DeliveryTerms.AVAILABILITY),
    _c("credit_limit", "Fido", "Credit limit", K.MONEY, False, "Credit limit in euro; empty for none", "5000"),
    _c("sales_rep", "Agente", "Sales rep", K.TEXT, False, "Sales representative", "Marco Bianchi"),
    _c("invoice_grouping", "Raggruppamento fatture", "Invoice grouping", K.CHOICE, False,
       "One invoice per customer, per project or per shipping address", "Cliente",
       choice=vocab.InvoiceGrouping, default=vocab.InvoiceGrouping.CUSTOMER),
    _c("sdi_code", "Codice SDI", "SDI code", K.TEXT, False, "7-character recipient code for e-invoices", "M5UXCR1", aliases=("Codice destinatario",)),
    _c("pec", "PEC", "PEC", K.EMAIL, False, "Certified e-mail, when there is no SDI code", "bar.centrale@pec.it"),
))

SHIP_TO = Sheet("ship_to", "Destinazioni", "Shipping addresses", required=False,
                meaning="Delivery addresses (destinazioni diverse); a customer may have many.", columns=(
    _c("code", "Codice", "Code", K.CODE, True, "Unique address code", "D001"),
    _c("customer", "Cliente", "Customer", K.CODE, True, "Customer code", "C001"),
    _c("name", "Descrizione", "Name", K.TEXT, False, "What the driver reads: shop sign, branch", "Bar Centrale – Piazza"),
    _c("address", "Indirizzo", "Address", K.TEXT, True, "Street and number", "Piazza Castello 1"),
    _c("postcode", "CAP", "Postcode", K.TEXT, False, "Postcode", "10122"),
    _c("city", "Città", "City", K.TEXT, True, "City", "Torino"),
    _c("province", "Provincia", "Province", K.TEXT, False, "Province", "TO"),
    _c("country", "Paese", "Country", K.TEXT, False, "Country", "IT", default="IT"),
    _c("area", "Zona", "Area", K.CODE, False, "Route or area (else the customer's)", "NORD"),
))

CONTACTS = Sheet("contacts", "Contatti", "Contacts", required=False, meaning="Contact persons (persone di contatto).", columns=(
    _c("code", "Codice", "Code", K.CODE, True, "Unique contact code", "P001"),
    _c("customer", "Cliente", "Customer", K.CODE, True, "Customer code", "C001"),
    _c("name", "Nome", "Name", K.TEXT, True, "Full name", "Giulia Verdi"),
    _c("phone", "Telefono", "Phone", K.TEXT, False, "Phone", "+39 011 555 1234"),
    _c("email", "Email", "Email", K.EMAIL, False, "E-mail", "giulia@barcentrale.it"),
))

ITEMS = Sheet("items", "Articoli", "Items", meaning="What is sold (articoli).", columns=(
    _c("code", "Codice", "Code", K.CODE, True, "Unique item code", "A001"),
    _c("description", "Descrizione", "Description", K.TEXT, True, "Description printed on documents", "Caffè in grani 1 kg"),
    _c("unit", "Unità di misura", "Unit", K.TEXT, True, "Unit of measure", "pz", aliases=("UM", "U.M.")),
    _c("vat_rate", "Aliquota IVA", "VAT rate", K.PERCENT, False, "VAT rate in percent (22, 10, 5, 4, 0)", "22"),
    _c("vat_nature", "Natura", "Exemption nature", K.TEXT, False, "Nature code (N1–N7, e.g. N2.1) when the rate is 0", "N4", aliases=("Natura IVA",)),
    _c("category", "Categoria", "Category", K.CODE, False, "Item category", "CAFFE"),
    _c("weight", "Peso", "Weight", K.QUANTITY, False, "Weight of one unit in kg (for the DDT)", "1.05"),
))

PRICE_LISTS = Sheet("price_lists", "Listini", "Price lists", meaning="Price lists (listini prezzi).", columns=(
    _c("code", "Codice", "Code", K.CODE, True, "Unique price-list code", "BASE"),
    _c("description", "Descrizione", "Description", K.TEXT, False, "Description", "Listino base"),
    _c("currency", "Valuta", "Currency", K.CODE, False, "Currency (only EUR is invoiced)", "EUR", default="EUR"),
    _c("vat_included", "IVA inclusa", "VAT included", K.BOOL, False, "Whether prices include VAT", "no", default=False),
))

PRICE_VERSIONS = Sheet("price_versions", "Versioni listino", "Price list versions",
                       meaning="Versions of a price list, each valid over a date range; ranges of one list must not overlap.", columns=(
    _c("price_list", "Listino", "Price list", K.CODE, True, "Price-list code", "BASE"),
    _c("version", "Versione", "Version", K.CODE, True, "Version code, unique within the list", "2026A"),
    _c("valid_from", "Valido dal", "Valid from", K.DATE, True, "First day of validity", "01/01/2026"),
    _c("valid_to", "Valido al", "Valid to", K.DATE, False, "Last day of validity (inclusive); empty = open", "30/06/2026"),
))

PRICES = Sheet("prices", "Prezzi", "Prices", meaning="One row per item in a price-list version: the three prices of the listino.", columns=(
    _c("price_list", "Listino", "Price list", K.CODE, True, "Price-list code", "BASE"),
    _c("version", "Versione", "Version", K.CODE, True, "Version code", "2026A"),
    _c("item", "Articolo", "Item", K.CODE, True, "Item code", "A001"),
    _c("list_price", "Prezzo di listino", "List price", K.MONEY, True, "Catalogue price", "18.50"),
    _c("standard_price", "Prezzo standard", "Standard price", K.MONEY, True, "The company's selling price", "17.90"),
    _c("limit_price", "Prezzo limite", "Limit price", K.MONEY, False, "Lowest price allowed", "16.00"),
    _c("discount", "Sconto %", "Discount %", K.PERCENT, False, "Discount in percent on the chosen price", "5"),
))

TEMPLATES = Sheet("templates", "Modelli ordine", "Order templates",
                  meaning="Recurring order templates (template ordini ricorrenti), one row per template.", columns=(
    _c("code", "Codice", "Code", K.CODE, True, "Unique template code", "T001"),
    _c("customer", "Cliente", "Customer", K.CODE, True, "Customer code", "C001"),
    _c("ship_to", "Destinazione", "Ship-to", K.CODE, False, "Shipping-address code (else the billing address)", "D001"),
    _c("contact", "Contatto", "Contact", K.CODE, False, "Contact-person code", "P001"),
    _c("schedule", "Pianificazione", "Schedule", K.CHOICE, True, "Kind of schedule", "Settimanale", choice=vocab.ScheduleKind),
    _c("weekdays", "Giorni", "Weekdays", K.WEEKDAYS, False, "Weekdays for weekly schedules, or the weekday for the nth-weekday kind", "lun,mer,ven"),
    _c("interval", "Ogni N settimane", "Every N weeks", K.INTEGER, False, "N for every-N-weeks, counted from Valid from", "2", aliases=("Intervallo", "Interval")),
    _c("day", "Giorno del mese", "Day of month", K.INTEGER, False, "1–31 for the monthly-day kind; a short month uses its last day", "31"),
    _c("nth", "Occorrenza", "Nth", K.INTEGER, False, "Which weekday of the month: 1–4, or -1 for the last", "1"),
    _c("rrule", "RRULE", "RRULE", K.TEXT, False, "RFC 5545 rule for the RRULE kind", "FREQ=MONTHLY;BYMONTHDAY=15"),
    _c("valid_from", "Valido dal", "Valid from", K.DATE, True, "First day of the template", "01/03/2026"),
    _c("valid_to", "Valido al", "Valid to", K.DATE, False, "Last day (inclusive); empty = open", "31/12/2026"),
    _c("holiday_policy", "Se festivo", "On holidays", K.CHOICE, False,
       "On a non-working day: skip, next or previous working day, or keep; empty = skip for daily kinds, next for the others",
       "Giorno successivo", choice=vocab.HolidayPolicy),
    _c("price_type", "Tipo prezzo", "Price type", K.CHOICE, False, "List or standard price", "Prezzo standard",
       choice=vocab.PriceType, default=vocab.PriceType.STANDARD),
    _c("price_list", "Listino", "Price list", K.CODE, False, "Price list; empty = the customer's", "BASE"),
    _c("delivery_option", "Opzione di consegna", "Delivery option", K.TEXT, False, "Free text printed on the order: time window, dock", "mattina 7-9"),
    _c("document_type", "Tipo documento", "Document type", K.CHOICE, False, "Order document type", "Ordine standard",
       choice=vocab.DocumentType, default=vocab.DocumentType.STANDARD),
    _c("project", "Progetto", "Project", K.CODE, False, "Project, for invoices grouped by project", "PRJ-A"),
    _c("active", "Attivo", "Active", K.BOOL, False, "Only active templates generate orders", "sì", default=True),
))

TEMPLATE_LINES = Sheet("template_lines", "Righe modello", "Template lines", meaning="Items and quantities of each template.", columns=(
    _c("template", "Modello", "Template", K.CODE, True, "Template code", "T001"),
    _c("item", "Articolo", "Item", K.CODE, True, "Item code", "A001"),
    _c("quantity", "Quantità", "Quantity", K.QUANTITY, True, "Quantity (positive; the return document type makes it negative)", "12"),
    _c("price", "Prezzo", "Price", K.MONEY, False, "Price override for this line", "15.00"),
    _c("note", "Nota", "Note", K.TEXT, False, "Note printed on the order line", "consegnare al retro"),
))

CLOSURES = Sheet("closures", "Chiusure", "Closures", required=False, meaning="Company closure periods: no deliveries.", columns=(
    _c("date_from", "Dal", "From", K.DATE, True, "First closed day", "24/12/2026"),
    _c("date_to", "Al", "To", K.DATE, True, "Last closed day (inclusive)", "06/01/2027"),
    _c("description", "Descrizione", "Description", K.TEXT, False, "Reason", "Chiusura natalizia"),
))

EXCEPTIONS = Sheet("exceptions", "Eccezioni", "Exceptions", required=False,
                   meaning="The planning calendar's changes to single occurrences of a template.", columns=(
    _c("template", "Modello", "Template", K.CODE, True, "Template code", "T001"),
    _c("date", "Data", "Date", K.DATE, True, "The occurrence date concerned (for extra: the delivery date)", "15/04/2026"),
    _c("action", "Azione", "Action", K.CHOICE, True, "Skip, move, change quantity, or extra delivery", "Sposta", choice=vocab.ExceptionAction),
    _c("new_date", "Nuova data", "New date", K.DATE, False, "Where a moved occurrence goes", "16/04/2026"),
    _c("item", "Articolo", "Item", K.CODE, False, "Item whose quantity changes (quantity, extra)", "A001"),
    _c("quantity", "Quantità", "Quantity", K.QUANTITY, False, "New quantity (quantity) or extra quantity (extra)", "20"),
))

CARRIERS = Sheet("carriers", "Vettori", "Carriers", required=False, meaning="Carriers (vettori) and the areas they serve.", columns=(
    _c("code", "Codice", "Code", K.CODE, True, "Unique carrier code", "V01"),
    _c("name", "Ragione sociale", "Name", K.TEXT, True, "Carrier's legal name", "Trasporti Veloci S.r.l."),
    _c("vat_number", "Partita IVA", "VAT number", K.VAT_NUMBER, False, "Carrier's partita IVA", "IT01234560157"),
    _c("areas", "Zone", "Areas", K.TEXT, False, "Areas/routes served, comma separated", "NORD, CENTRO"),
))

STOCK = Sheet("stock", "Giacenze", "Stock", required=False,
              meaning="Stock on hand for the availability delivery terms; without it everything counts as available.", columns=(
    _c("item", "Articolo", "Item", K.CODE, True, "Item code", "A001"),
    _c("quantity", "Quantità", "Quantity", K.QUANTITY, True, "Quantity on hand", "150"),
))

SHEETS: tuple[Sheet, ...] = (
    SETTINGS, CUSTOMERS, SHIP_TO, CONTACTS, ITEMS, PRICE_LISTS, PRICE_VERSIONS, PRICES,
    TEMPLATES, TEMPLATE_LINES, CLOSURES, EXCEPTIONS, CARRIERS, STOCK,
)
SETTING_HEADERS = (("Voce", "Setting"), ("Valore", "Value"))


def match_sheet(name: str) -> Sheet | None:
    wanted = normalize(name)
    for s in SHEETS:
        if any(normalize(n) == wanted for n in s.names()):
            return s
    return None


def markdown() -> str:
    """The format as documentation: one table per sheet."""
    out = [
        "# The master-data workbook",
        "",
        "<!-- generated by `python -m toolkit.model.sheets`; edit toolkit/schema.py, not this file -->",
        "",
        "A workbook (`.xlsx`, `.xlsm`, `.ods` or `.xls`) with the sheets below. Each sheet is a plain",
        "range with a header row in row 1, or an Excel table; **sheet and column names may be Italian or",
        "English**, in any case, with or without accents. Column order is free and extra columns are",
        "ignored, so you can keep your own notes beside the data. Empty rows are skipped.",
        "",
        "Types: *code* is an identifier (text or number, trimmed); *quantity* and *money* are numbers",
        "(`12,50` and `12.50` both work, money is kept exact to the cent); *percent* is `22`, `22%` or",
        "`0.22`; *date* is a date cell or text written `09/04/2026` (day first) or `2026-04-09`;",
        "*yes/no* is `sì`/`no`/`yes`/`x`/empty; *choice* is one of the words listed, Italian or English.",
        "",
    ]
    for s in SHEETS:
        need = "required" if s.required else "optional"
        out += [f"## {s.it} / {s.en} ({need})", "", s.meaning, ""]
        head = "| Setting (it / en) |" if s.key_value else "| Column (it / en) |"
        out += [head + " Type | Required | Meaning | Example |", "|---|---|---|---|---|"]
        for c in s.columns:
            kind = str(c.kind)
            if c.choice is not None:
                kind = "choice: " + ", ".join(f"{vocab.label(m, 'it')} / {vocab.label(m, 'en')}" for m in c.choice)
            req = "yes" if c.required else ("no (default " + _show_default(c.default) + ")" if c.default is not None else "no")
            out.append(f"| {c.it} / {c.en} | {kind} | {req} | {c.meaning} | `{c.example}` |")
        out.append("")
    return "\n".join(out)


def _show_default(value: Any) -> str:
    if isinstance(value, StrEnum):
        return vocab.label(value, "en")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


if __name__ == "__main__":
    print(markdown())
