"""The sample master data: a food and beverage distributor in Milano and its HoReCa customers.

One generator serves three purposes: the workbook shipped in `samples/` that a new user opens
first, the fixtures of the tests, and the benchmark data sets (scales S, M, L). So the data is
realistic where a user looks (Italian names, real cities with their postcodes, valid partite
IVA and codici fiscali), covers every choice of the vocabulary where the tests look, and stays
cheap per row where the benchmarks look: check digits are computed here by formula, not by a
validation library, and nothing is done per row that is not needed.

The same seed gives the same rows, byte for byte, on every machine.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from toolkit.basics.vocab import (
    BracketBasis,
    BracketMode,
    CommissionBase,
    DeliveryTerms,
    DiscountPeriod,
    DocumentType,
    ExceptionAction,
    HolidayPolicy,
    InvoiceGrouping,
    InvoiceSchedule,
    InvoiceTerms,
    PaymentMethod,
    PriceRuleKind,
    PriceType,
    ScheduleKind,
)
from toolkit.core.orders import EFFECTS
from toolkit.core.payment_terms import AT_DELIVERY

if TYPE_CHECKING:
    from toolkit.model.records import Customer

SAMPLE_FILE = "anagrafiche.xlsx"
SAMPLE_CREATED = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)

JAN_1, MAR_1 = date(2026, 1, 1), date(2026, 3, 1)

# --- places -------------------------------------------------------------------------------

# city, province, first and last postcode, VAT office code, cadastral code (for the codice
# fiscale), area, phone prefix, weight (a Milano distributor sells mostly in the north)
CITIES = (
    ("Milano", "MI", 20121, 20162, 15, "F205", "NORD", "02", 14),
    ("Monza", "MB", 20900, 20900, 15, "F704", "NORD", "039", 3),
    ("Bergamo", "BG", 24121, 24129, 16, "A794", "NORD", "035", 3),
    ("Brescia", "BS", 25121, 25136, 17, "B157", "NORD", "030", 3),
    ("Como", "CO", 22100, 22100, 13, "C933", "NORD", "031", 2),
    ("Varese", "VA", 21100, 21100, 12, "L682", "NORD", "0332", 2),
    ("Torino", "TO", 10121, 10156, 1, "L219", "NORD", "011", 5),
    ("Genova", "GE", 16121, 16167, 10, "D969", "NORD", "010", 3),
    ("Verona", "VR", 37121, 37142, 23, "L781", "NORD", "045", 3),
    ("Padova", "PD", 35121, 35143, 28, "G224", "NORD", "049", 2),
    ("Venezia", "VE", 30121, 30176, 27, "L736", "NORD", "041", 2),
    ("Trento", "TN", 38121, 38123, 22, "L378", "NORD", "0461", 1),
    ("Bolzano", "BZ", 39100, 39100, 21, "A952", "NORD", "0471", 1),
    ("Trieste", "TS", 34121, 34151, 32, "L424", "NORD", "040", 1),
    ("Udine", "UD", 33100, 33100, 30, "L483", "NORD", "0432", 1),
    ("Bologna", "BO", 40121, 40141, 37, "A944", "NORD", "051", 3),
    ("Parma", "PR", 43121, 43126, 34, "G337", "NORD", "0521", 2),
    ("Modena", "MO", 41121, 41126, 36, "F257", "NORD", "059", 2),
    ("Firenze", "FI", 50121, 50145, 48, "D612", "CENTRO", "055", 3),
    ("Pisa", "PI", 56121, 56128, 50, "G702", "CENTRO", "050", 1),
    ("Siena", "SI", 53100, 53100, 52, "I726", "CENTRO", "0577", 1),
    ("Perugia", "PG", 6121, 6135, 54, "G478", "CENTRO", "075", 1),
    ("Ancona", "AN", 60121, 60131, 42, "A271", "CENTRO", "071", 1),
    ("Roma", "RM", 118, 199, 58, "H501", "CENTRO", "06", 5),
    ("Pescara", "PE", 65121, 65129, 68, "G482", "SUD", "085", 1),
    ("Napoli", "NA", 80121, 80147, 63, "F839", "SUD", "081", 3),
    ("Salerno", "SA", 84121, 84135, 65, "H703", "SUD", "089", 1),
    ("Bari", "BA", 70121, 70132, 72, "A662", "SUD", "080", 2),
    ("Lecce", "LE", 73100, 73100, 75, "E506", "SUD", "0832", 1),
    ("Reggio Calabria", "RC", 89121, 89135, 80, "H224", "SUD", "0965", 1),
    ("Palermo", "PA", 90121, 90151, 82, "G273", "SUD", "091", 2),
    ("Catania", "CT", 95121, 95131, 87, "C351", "SUD", "095", 1),
    ("Cagliari", "CA", 9121, 9134, 92, "B354", "SUD", "070", 1),
)

STREETS = (
    "Via Roma", "Corso Italia", "Via Giuseppe Garibaldi", "Via Giuseppe Mazzini", "Piazza del Duomo",
    "Via Cavour", "Via XX Settembre", "Corso Vittorio Emanuele II", "Via Dante Alighieri",
    "Viale della Repubblica", "Via Giuseppe Verdi", "Via Alessandro Manzoni", "Via Guglielmo Marconi",
    "Via Giacomo Matteotti", "Piazza della Libertà", "Via Nazionale", "Via San Francesco d'Assisi",
    "Via IV Novembre", "Viale Europa", "Via della Stazione", "Piazza Garibaldi", "Via dei Mille",
    "Corso Garibaldi", "Via Solferino", "Via Torino", "Via Venezia", "Via Cesare Battisti",
    "Via Nino Bixio", "Viale dei Tigli", "Via delle Rose",
)

# --- people -------------------------------------------------------------------------------

MALE_NAMES = ("Mario", "Giuseppe", "Luca", "Marco", "Andrea", "Francesco", "Alessandro", "Paolo",
              "Giovanni", "Stefano", "Roberto", "Davide", "Matteo", "Antonio", "Salvatore", "Fabio")
FEMALE_NAMES = ("Giulia", "Francesca", "Chiara", "Sara", "Laura", "Anna", "Elena", "Valentina",
                "Maria", "Silvia", "Federica", "Paola", "Alessandra", "Martina", "Roberta", "Lucia")
SURNAMES = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano",
            "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi",
            "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Vitale", "Serra")
SALES_REPS = ("Marco Bianchi", "Laura Colombo", "Davide Ferrari", "Silvia Moretti")

# --- customers ----------------------------------------------------------------------------

# code, customer, group, category, period, basis, mode, from, percent: one row per bracket
VOLUME_DISCOUNTS = (
    ("SV-CAFFE", None, "BAR", "CAFFE", DiscountPeriod.MONTH, BracketBasis.AMOUNT, BracketMode.SCALED, "0", "2"),
    ("SV-CAFFE", None, "BAR", "CAFFE", DiscountPeriod.MONTH, BracketBasis.AMOUNT, BracketMode.SCALED, "100", "5"),
    ("SV-ACQUA", None, None, "ACQUA", DiscountPeriod.MONTH, BracketBasis.QUANTITY, BracketMode.WHOLE, "0", "0"),
    ("SV-ACQUA", None, None, "ACQUA", DiscountPeriod.MONTH, BracketBasis.QUANTITY, BracketMode.WHOLE, "60", "1.5"),
    ("SV-ACQUA", None, None, "ACQUA", DiscountPeriod.MONTH, BracketBasis.QUANTITY, BracketMode.WHOLE, "150", "3"),
    ("SV-BASE", None, "NEGOZI", None, DiscountPeriod.QUARTER, BracketBasis.AMOUNT, BracketMode.WHOLE, "10000", "1"),
    ("SV-BASE", None, "NEGOZI", None, DiscountPeriod.QUARTER, BracketBasis.AMOUNT, BracketMode.WHOLE, "25000", "2"),
)
# code, agent, customer, group, item, category, base, from, percent: one row per bracket
COMMISSIONS = (
    ("PV-STD", None, None, None, None, None, CommissionBase.INVOICED, "0", "3"),
    ("PV-STD", None, None, None, None, None, CommissionBase.INVOICED, "5000", "4"),
    ("PV-CAFFE", None, None, "BAR", None, "CAFFE", CommissionBase.INVOICED, "0", "5"),
    ("PV-INCASSI", "Silvia Moretti", None, None, None, None, CommissionBase.COLLECTED, "0", "4"),
)
# agent, share %: the first customer is followed by two agents
CUSTOMER_AGENTS = (
    ("Marco Bianchi", "60"),
    ("Laura Colombo", "40"),
)

BAR_GOODS = ("CAFFE", "LATTE", "PASTICCERIA", "ACQUA", "BEVANDE", "DISPENSA", "CONSUMO")
KITCHEN_GOODS = ("PANE", "VINO", "ACQUA", "DISPENSA", "LATTE", "DETERSIVI", "BEVANDE")
ALL_GOODS = ("CAFFE", "LATTE", "PANE", "PASTICCERIA", "ACQUA", "BEVANDE", "VINO", "DISPENSA",
             "DETERSIVI", "CONSUMO")

# shop sign prefix, price list, categories it buys, weight
BUSINESSES = (
    ("Bar", "HORECA", BAR_GOODS, 20),
    ("Caffè", "HORECA", BAR_GOODS, 6),
    ("Pasticceria", "HORECA", ("CAFFE", "LATTE", "PASTICCERIA", "DISPENSA", "CONSUMO"), 4),
    ("Trattoria", "HORECA", KITCHEN_GOODS, 8),
    ("Ristorante", "HORECA", KITCHEN_GOODS, 8),
    ("Pizzeria", "HORECA", ("LATTE", "DISPENSA", "BEVANDE", "ACQUA", "VINO", "DETERSIVI"), 6),
    ("Osteria", "HORECA", KITCHEN_GOODS, 3),
    ("Hotel", "HORECA", ALL_GOODS, 5),
    ("Albergo", "HORECA", ALL_GOODS, 2),
    ("Gelateria", "HORECA", ("LATTE", "DISPENSA", "CAFFE", "ACQUA", "CONSUMO"), 2),
    ("Enoteca", "BASE", ("VINO", "BEVANDE", "ACQUA", "CONSUMO"), 2),
    ("Alimentari", "BASE", ALL_GOODS, 5),
    ("Minimarket", "BASE", ALL_GOODS, 3),
    ("Panificio", "BASE", ("PANE", "PASTICCERIA", "LATTE", "DISPENSA"), 3),
)
ASSOCIATION = ("Circolo Ricreativo", "BASE", BAR_GOODS)
"""A non-profit club: no partita IVA, only a numeric codice fiscale."""

GROUPS = {"Bar": "BAR", "Caffè": "BAR", "Pasticceria": "BAR", "Gelateria": "BAR", "Trattoria": "RISTORAZIONE",
          "Ristorante": "RISTORAZIONE", "Pizzeria": "RISTORAZIONE", "Osteria": "RISTORAZIONE", "Hotel": "HOTEL",
          "Albergo": "HOTEL", "Enoteca": "NEGOZI", "Alimentari": "NEGOZI", "Minimarket": "NEGOZI",
          "Panificio": "NEGOZI"}
"""Shop sign → customer group (Clienti › Gruppo), for the price rules; a club has none."""

SIGNS = (
    "Centrale", "Da Mario", "Da Gino", "Al Duomo", "La Pergola", "Roma", "Stazione", "Il Gabbiano",
    "Bella Napoli", "Dei Fiori", "Sport", "Garibaldi", "La Lanterna", "Il Portico", "Aurora",
    "Savoia", "Excelsior", "Del Corso", "Italia", "Europa", "Il Girasole", "La Piazzetta", "Da Nino",
    "Al Vecchio Mulino", "La Rosa", "Il Glicine", "San Marco", "Le Terrazze", "Al Castello",
    "Da Luigi", "La Bottega", "Il Chiosco", "Miramare", "Belvedere", "Le Due Torri", "Al Ponte",
    "Il Borgo", "La Fontana", "Stella", "Da Rosa", "Vittoria", "Il Faro", "Al Mercato", "La Corte",
    "Dolce Vita", "Il Cantuccio", "Tre Archi", "La Dispensa", "Da Franco", "Il Ritrovo",
)
# legal form, weight; "" is a sole trader (ditta individuale: "Bar Sport di Rossi Mario")
LEGAL_FORMS = (("S.r.l.", 40), ("S.n.c.", 22), ("S.a.s.", 10), ("S.r.l.s.", 6), ("S.p.A.", 2), ("", 18))
ASSOCIATION_SHARE = 0.03

PAYMENT_TERMS = ("IMM", "30", "60", "30FM", "FM+30", "30/60/90", "MS10")
CREDIT_LIMITS = tuple(Decimal(x) for x in ("1500", "3000", "5000", "10000", "20000"))
PEC_DOMAINS = ("pec.it", "legalmail.it", "arubapec.it")
BRANCHES = ("Stazione", "Centro", "Aeroporto", "Fiera", "Ospedale", "Piazza", "Corso", "Porto", "Università")

# --- items --------------------------------------------------------------------------------

# description, unit, VAT rate, nature, category, weight in kg, BASE list price in cents
CATALOG = (
    ("Caffè in grani miscela Bar 1 kg", "pz", 22, None, "CAFFE", "1.05", 1850),
    ("Caffè in grani 100% Arabica 1 kg", "pz", 22, None, "CAFFE", "1.05", 2490),
    ("Caffè macinato per moka 250 g", "pz", 22, None, "CAFFE", "0.26", 390),
    ("Caffè decaffeinato in grani 500 g", "pz", 22, None, "CAFFE", "0.53", 1120),
    ("Capsule caffè espresso (conf. 100)", "cf", 22, None, "CAFFE", "0.65", 2800),
    ("Cialde caffè ESE 44 mm (conf. 150)", "cf", 22, None, "CAFFE", "1.10", 3150),
    ("Orzo solubile 500 g", "pz", 10, None, "CAFFE", "0.52", 690),
    ("Cioccolata calda in preparato 1 kg", "pz", 10, None, "CAFFE", "1.02", 980),
    ("Tè nero in filtri (conf. 100)", "cf", 10, None, "CAFFE", "0.22", 650),
    ("Latte fresco intero 1 l", "lt", 4, None, "LATTE", "1.03", 145),
    ("Latte fresco parzialmente scremato 1 l", "lt", 4, None, "LATTE", "1.03", 139),
    ("Latte UHT intero 1 l", "lt", 4, None, "LATTE", "1.03", 98),
    ("Latte UHT senza lattosio 1 l", "lt", 4, None, "LATTE", "1.03", 135),
    ("Panna fresca da montare 1 l", "lt", 4, None, "LATTE", "1.02", 520),
    ("Burro 1 kg", "kg", 4, None, "LATTE", "1.00", 990),
    ("Mozzarella fior di latte 1 kg", "kg", 4, None, "LATTE", "1.00", 780),
    ("Grana Padano DOP 1 kg", "kg", 4, None, "LATTE", "1.00", 1450),
    ("Pane comune filone 500 g", "pz", 4, None, "PANE", "0.50", 160),
    ("Rosette 60 g (conf. 20)", "cf", 4, None, "PANE", "1.20", 420),
    ("Pane integrale 500 g", "pz", 4, None, "PANE", "0.50", 210),
    ("Focaccia genovese in teglia", "pz", 4, None, "PANE", "1.20", 650),
    ("Grissini torinesi 250 g", "pz", 4, None, "PANE", "0.25", 240),
    ("Pane per tramezzini 1 kg", "pz", 4, None, "PANE", "1.00", 380),
    ("Cornetti vuoti surgelati (ct 50)", "ct", 10, None, "PASTICCERIA", "3.50", 1990),
    ("Cornetti alla crema surgelati (ct 50)", "ct", 10, None, "PASTICCERIA", "4.00", 2350),
    ("Brioche integrali al miele (ct 40)", "ct", 10, None, "PASTICCERIA", "3.20", 2180),
    ("Krapfen alla crema (ct 36)", "ct", 10, None, "PASTICCERIA", "3.60", 2260),
    ("Muffin al cioccolato (ct 24)", "ct", 10, None, "PASTICCERIA", "2.40", 1690),
    ("Biscotti frollini 1 kg", "pz", 10, None, "PASTICCERIA", "1.00", 560),
    ("Pasticcini mignon assortiti 1 kg", "kg", 10, None, "PASTICCERIA", "1.00", 1800),
    ("Acqua minerale naturale 0,5 l (ct 24)", "ct", 22, None, "ACQUA", "12.60", 580),
    ("Acqua minerale frizzante 0,5 l (ct 24)", "ct", 22, None, "ACQUA", "12.60", 580),
    ("Acqua minerale naturale 1 l vetro (ct 12)", "ct", 22, None, "ACQUA", "18.00", 720),
    ("Acqua minerale frizzante 1 l vetro (ct 12)", "ct", 22, None, "ACQUA", "18.00", 720),
    ("Acqua minerale naturale 1,5 l (conf. 6)", "cf", 22, None, "ACQUA", "9.20", 270),
    ("Aranciata 33 cl lattina (ct 24)", "ct", 22, None, "BEVANDE", "8.40", 1260),
    ("Cola 33 cl lattina (ct 24)", "ct", 22, None, "BEVANDE", "8.40", 1390),
    ("Tè freddo al limone 33 cl (ct 24)", "ct", 22, None, "BEVANDE", "8.40", 1180),
    ("Succo di frutta pesca 200 ml (ct 24)", "ct", 22, None, "BEVANDE", "5.90", 1080),
    ("Birra lager 33 cl vetro (ct 24)", "ct", 22, None, "BEVANDE", "13.50", 2150),
    ("Aperitivo bitter 1 l", "bt", 22, None, "BEVANDE", "1.60", 1390),
    ("Sciroppo di menta 1 l", "bt", 22, None, "BEVANDE", "1.50", 590),
    ("Vino rosso Chianti DOCG 75 cl", "bt", 22, None, "VINO", "1.30", 690),
    ("Vino bianco Soave DOC 75 cl", "bt", 22, None, "VINO", "1.30", 560),
    ("Prosecco DOC extra dry 75 cl", "bt", 22, None, "VINO", "1.40", 740),
    ("Vino rosso della casa 5 l (bag in box)", "pz", 22, None, "VINO", "5.30", 1450),
    ("Lambrusco 75 cl", "bt", 22, None, "VINO", "1.30", 450),
    ("Zucchero semolato 1 kg", "kg", 10, None, "DISPENSA", "1.00", 130),
    ("Zucchero in bustine (ct 1000)", "ct", 10, None, "DISPENSA", "5.10", 1290),
    ("Olio extravergine di oliva 1 l", "lt", 4, None, "DISPENSA", "0.95", 890),
    ("Spaghetti di semola 1 kg", "pz", 4, None, "DISPENSA", "1.00", 180),
    ("Passata di pomodoro 700 g", "pz", 4, None, "DISPENSA", "0.75", 120),
    ("Farina tipo 00 25 kg", "pz", 4, None, "DISPENSA", "25.00", 1750),
    ("Detersivo lavastoviglie professionale 10 kg", "pz", 22, None, "DETERSIVI", "10.00", 3200),
    ("Brillantante lavastoviglie 5 l", "pz", 22, None, "DETERSIVI", "5.10", 1850),
    ("Detergente pavimenti 5 l", "pz", 22, None, "DETERSIVI", "5.10", 990),
    ("Sapone liquido mani 5 l", "pz", 22, None, "DETERSIVI", "5.10", 1150),
    ("Tovaglioli carta 33x33 (conf. 100)", "cf", 22, None, "CONSUMO", "0.40", 290),
    ("Assicurazione merci trasportate", "serv", 0, "N4", "SERVIZI", None, 1500),
    ("Corso di formazione baristi", "serv", 0, "N4", "SERVIZI", None, 12000),
)
"""The first items, in code order; larger scales add brand lines of the goods."""

BRANDS = ("Aurora", "Dolomiti", "Vesuvio", "Etna", "Tirreno", "Adriatica", "Monviso", "Gran Sasso",
          "Sila", "Brenta", "Ticino", "Arno", "Tevere", "Po", "Lario", "Garda", "Murgia", "Langhe",
          "Maremma", "Cilento")
LINES = ("Classico", "Bio", "Premium", "Linea Bar", "Selezione", "Tradizione", "Professional",
         "Oro", "Leggero", "Gourmet", "Easy", "Riserva", "Casa", "Fresco", "Delizia", "Natura", "Plus")

# unit → quantities a customer orders of it
QUANTITIES = {unit: tuple(Decimal(q) for q in quantities) for unit, quantities in {
    "pz": ("1", "2", "3", "4", "5", "6", "10", "12", "20", "24"),
    "kg": ("0.5", "1", "2", "2.5", "5", "10"),
    "lt": ("6", "12", "18", "24", "30", "48"),
    "cf": ("1", "2", "3", "4", "6"),
    "ct": ("1", "2", "3", "4", "5", "10"),
    "bt": ("6", "12", "18", "24"),
    "serv": ("1",),
}.items()}
NOTES = ("consegnare al retro", "solo se disponibile", "chiedere di Luca", "lasciare in cella",
         "non prima delle 7", "confezioni integre")
DELIVERY_OPTIONS = ("mattina 7-9", "entro le 10", "pomeriggio 14-17", "scarico dal retro",
                    "citofonare al magazzino", None, None, None)

# --- price lists --------------------------------------------------------------------------

PRICE_LISTS = (("BASE", "Listino base", 1.00), ("HORECA", "Listino Ho.Re.Ca.", 0.94))
PRICE_VERSIONS = (("2026A", date(2026, 1, 1), date(2026, 6, 30), 1.00), ("2026B", date(2026, 7, 1), None, 1.035))
LIMIT_RATIO = 0.85
DERIVED_LIST = ("INGROSSO", "Listino ingrosso (base -10 %)", Decimal(-10), Decimal("0.05"))
"""A list whose versions are derived from BASE's (Openbravo's base list): code, description,
markup, rounding step. No customer uses it yet; `toolkit prices` shows it."""

APRIL_1 = date(2026, 4, 1)
SERVICE_STOCK = Decimal(9999)
"""Services are not stocked; a large quantity keeps them from ever holding a shipment back."""

# --- the rest of the workbook -------------------------------------------------------------

SELLER = {
    "company_name": "Forniture Rossi S.r.l.",
    "address": "Via Carlo Farini 41",
    "postcode": "20159",
    "city": "Milano",
    "province": "MI",
    "country": "IT",
    "language": "it",
    "holiday_region": "MI",
    "saturday_working": False,
    "stock_date": date(2026, 4, 1),
    "order_series": "OC",
    "ddt_series": "DDT",
    "invoice_series": "FT",
    "credit_note_series": "NC",
    "iban": "IT60X0542811101000000123456",
    "stamp_duty_customer": True,
}
SELLER_VAT_SERIAL = 987654
SELLER_VAT = "09876540155"
"""The sample company's partita IVA (`vat_number(SELLER_VAT_SERIAL, 15)`): a ledger whose
documents it issued holds only what was tried on the sample."""

CARRIERS = (
    ("V01", "Trasporti Veloci S.r.l.", 15, "NORD"),
    ("V02", "Autotrasporti Bianchi & C. S.n.c.", 16, "NORD, CENTRO"),
    ("V03", "Logistica Tirrenica S.r.l.", 58, "CENTRO"),
    ("V04", "Trasporti del Sud S.p.A.", 63, "SUD"),
)

CLOSURES = (
    (date(2026, 6, 1), date(2026, 6, 1), "Ponte della Festa della Repubblica"),
    (date(2026, 8, 10), date(2026, 8, 21), "Chiusura estiva"),
    (date(2026, 12, 24), date(2027, 1, 6), "Chiusura natalizia"),
)

S, H = ScheduleKind, HolidayPolicy
D, P = DocumentType, PriceType


@dataclass(frozen=True, slots=True)
class Plan:
    """One template the sample must have, whatever the seed: the cases the tests and docs use."""

    schedule: ScheduleKind
    weekdays: tuple[int, ...] = ()
    interval: int | None = None
    day: int | None = None
    nth: int | None = None
    rrule: str | None = None
    policy: HolidayPolicy | None = None
    document: DocumentType = D.STANDARD
    price_type: PriceType = P.STANDARD
    valid_from: date = JAN_1
    valid_to: date | None = None
    services: bool = False
    """Its first lines are the monthly services (among them the VAT-exempt N4 one)."""
    customer_reference: str | None = None
    """The customer's own purchase-order number, printed on documents and sent in the e-invoice."""
    payment_method: PaymentMethod | None = None
    """How this template's orders are paid, when not as the customer."""


PLANS = (
    Plan(S.WEEKLY, (0,), policy=H.SKIP),                                # T001: nothing on Easter Monday
    Plan(S.WEEKLY, (0,), policy=H.NEXT),                                # T002: Tuesday 7 April instead
    Plan(S.WEEKLY, (0, 3), price_type=P.LIST, customer_reference="ODA 2026/118"),  # T003: the customer's PO
    Plan(S.WEEKLY, (1, 4), policy=H.KEEP, document=D.POS),
    Plan(S.WEEKLY, (2,), policy=H.NEXT),                                # T005: skipped 15/04
    Plan(S.WEEKLY, (4,), policy=H.PREVIOUS),                            # T006: 17/04 moved to 16/04
    Plan(S.WEEKLY, (3,), valid_from=MAR_1),                             # T007: quantity 16/04, extra 22/04
    Plan(S.DAILY, policy=H.SKIP, document=D.WAREHOUSE),
    Plan(S.DAILY, policy=H.KEEP, valid_from=MAR_1),
    Plan(S.WORKING_DAYS),
    Plan(S.WORKING_DAYS, policy=H.SKIP, document=D.ON_CREDIT, valid_to=date(2026, 12, 31)),
    Plan(S.EVERY_N_WEEKS, (3,), interval=2, policy=H.NEXT, customer_reference="PO-4471",  # T012: paid on
         payment_method=PaymentMethod.CASH_ON_DELIVERY),                                  # delivery
    Plan(S.EVERY_N_WEEKS, (0,), interval=3, policy=H.SKIP, valid_from=MAR_1),
    Plan(S.EVERY_N_WEEKS, (1, 4), interval=2, policy=H.PREVIOUS, document=D.PREPAY),
    Plan(S.MONTHLY_DAY, day=9, policy=H.NEXT),
    Plan(S.MONTHLY_DAY, day=31, policy=H.PREVIOUS, price_type=P.LIST),
    Plan(S.MONTHLY_DAY, day=15, document=D.QUOTATION, valid_to=date(2026, 9, 30)),
    Plan(S.MONTHLY_LAST_DAY, policy=H.PREVIOUS, document=D.RETURN),
    Plan(S.MONTHLY_LAST_DAY, policy=H.KEEP, valid_from=MAR_1),
    Plan(S.MONTHLY_LAST_WORKING_DAY, services=True),
    Plan(S.MONTHLY_LAST_WORKING_DAY, policy=H.NEXT, document=D.PROPOSAL),
    Plan(S.MONTHLY_NTH_WEEKDAY, (3,), nth=2, policy=H.NEXT),
    Plan(S.MONTHLY_NTH_WEEKDAY, (4,), nth=-1, policy=H.PREVIOUS),
    Plan(S.MONTHLY_NTH_WEEKDAY, (0,), nth=1, policy=H.SKIP, valid_from=MAR_1),
    Plan(S.RRULE, rrule="FREQ=WEEKLY;BYDAY=TH"),
    Plan(S.RRULE, rrule="FREQ=MONTHLY;BYMONTHDAY=1,15", policy=H.NEXT),
    Plan(S.RRULE, rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", policy=H.KEEP, valid_to=date(2026, 6, 30)),
)

# (plan index, action, date, new date, line index of the item, quantity)
EXCEPTIONS = (
    (4, ExceptionAction.SKIP, date(2026, 4, 15), None, None, None),
    (5, ExceptionAction.MOVE, date(2026, 4, 17), date(2026, 4, 16), None, None),
    (6, ExceptionAction.QUANTITY, date(2026, 4, 16), None, 0, "24"),
    (6, ExceptionAction.EXTRA, date(2026, 4, 22), None, -1, "10"),
)

# the templates beyond the plans: kind → weight
SCHEDULE_WEIGHTS = {
    S.WEEKLY: 45, S.WORKING_DAYS: 8, S.DAILY: 4, S.EVERY_N_WEEKS: 10, S.MONTHLY_DAY: 10,
    S.MONTHLY_LAST_DAY: 5, S.MONTHLY_LAST_WORKING_DAY: 5, S.MONTHLY_NTH_WEEKDAY: 8, S.RRULE: 5,
}
POLICY_WEIGHTS = {None: 40, H.SKIP: 15, H.NEXT: 25, H.PREVIOUS: 12, H.KEEP: 8}
DOCUMENT_WEIGHTS = {D.STANDARD: 80, D.POS: 4, D.WAREHOUSE: 4, D.ON_CREDIT: 4, D.PREPAY: 3,
                    D.RETURN: 2, D.QUOTATION: 1, D.PROPOSAL: 2}
VALID_FROM_WEIGHTS = {JAN_1: 50, MAR_1: 35, date(2026, 2, 1): 5, date(2026, 4, 15): 5, date(2026, 5, 4): 5}
VALID_TO = (date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31))
RRULES = ("FREQ=WEEKLY;BYDAY=TU,FR", "FREQ=MONTHLY;BYMONTHDAY=5,20", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
          "FREQ=MONTHLY;BYDAY=1MO,3MO", "FREQ=WEEKLY;BYDAY=MO,WE,FR")
WEEKDAY_WEIGHTS = (20, 18, 18, 22, 18, 4, 0)
"""Monday … Sunday: deliveries to shops and restaurants, rarely on Saturday, never Sunday."""


@dataclass(frozen=True, slots=True)
class Scale:
    """How much data to generate; prices are every item in 2 price lists × 2 versions."""

    name: str
    customers: int
    items: int
    templates: int
    template_lines: int

    SAMPLE: ClassVar[Scale]
    S: ClassVar[Scale]
    M: ClassVar[Scale]
    L: ClassVar[Scale]

    @property
    def max_lines(self) -> int:
        """Lines per template: 1–6, unless the requested total needs more (M and L do)."""
        if self.template_lines <= 5 * self.templates:
            return 6
        return math.ceil(self.template_lines / self.templates) + 3


Scale.SAMPLE = Scale("sample", customers=30, items=60, templates=40, template_lines=130)
Scale.S = Scale("S", customers=50, items=200, templates=100, template_lines=500)
Scale.M = Scale("M", customers=1_000, items=2_000, templates=3_000, template_lines=20_000)
Scale.L = Scale("L", customers=10_000, items=20_000, templates=30_000, template_lines=200_000)


def sample_rows(scale: Scale = Scale.SAMPLE, seed: int = 2026) -> dict[str, list[dict]]:
    """All sheets' rows (schema sheet key → row dicts keyed by column key), as Python values."""
    if scale.templates < len(PLANS) or scale.items < len(CATALOG) or scale.customers < len(PLANS):
        raise ValueError(f"scale {scale.name} is smaller than the sample's fixed cases")
    if not scale.templates <= scale.template_lines <= scale.templates * scale.max_lines:
        raise ValueError(f"scale {scale.name}: cannot spread {scale.template_lines} lines "
                         f"over {scale.templates} templates")
    return _Generator(scale, random.Random(seed)).rows()


# --- check digits -------------------------------------------------------------------------

def vat_number(serial: int, office: int) -> str:
    """A partita IVA: 7-digit serial, 3-digit office code, Luhn check digit.

    >>> vat_number(48841, 1)
    '00488410010'
    """
    body = f"{serial:07d}{office:03d}"
    total = 0
    for i, ch in enumerate(body):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str(-total % 10)


_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                   (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
                    2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23)))
_CF_EVEN = {**{str(d): d for d in range(10)}, **{chr(65 + i): i for i in range(26)}}
_CF_MONTHS = "ABCDEHLMPRST"


def tax_code(surname: str, name: str, born: date, female: bool, town: str) -> str:
    """A person's codice fiscale, check character included.

    >>> tax_code("Rossi", "Mario", date(1980, 1, 1), False, "H501")
    'RSSMRA80A01H501U'
    """
    day = born.day + (40 if female else 0)
    birth = f"{born.year % 100:02d}{_CF_MONTHS[born.month - 1]}{day:02d}"
    body = f"{_cf_part(surname, False)}{_cf_part(name, True)}{birth}{town}"
    total = sum(_CF_ODD[c] if i % 2 == 0 else _CF_EVEN[c] for i, c in enumerate(body))
    return body + chr(65 + total % 26)


def _cf_part(word: str, first_name: bool) -> str:
    letters = re.sub(r"[^A-Z]", "", _ascii(word).upper())
    consonants = [c for c in letters if c not in "AEIOU"]
    vowels = [c for c in letters if c in "AEIOU"]
    if first_name and len(consonants) >= 4:
        consonants = [consonants[0], consonants[2], consonants[3]]
    return "".join(consonants + vowels + ["X", "X", "X"])[:3]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", _ascii(text).lower())


# --- the generator ------------------------------------------------------------------------

@dataclass
class _Customer:
    """What later sheets need to know about a generated customer."""

    code: str
    sign: str
    business: tuple
    price_list: str
    grouping: InvoiceGrouping
    ship_to: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    held: bool = False
    """Invoiced *Non fatturare*: its invoices wait for its go-ahead."""


def identity_serial(i: int, association: bool) -> int:
    """The 7-digit serial of the partita IVA (a club's numeric codice fiscale) of the i-th
    customer the generator makes, whatever the scale."""
    serial = (i * 7_919 + 104_729) % 9_000_000 + 100_000
    return 9_000_000 + serial % 1_000_000 if association else serial


def generated_customers(customers: Sequence[Customer]) -> bool:
    """Whether these are the customers `sample_rows` makes at a scale larger than the sample's
    (S, M, L: the benchmarks' workbooks, under the sample's company too): each has the code and
    the partita IVA serial the generator gives its row, which no desk's own customers have."""
    if len(customers) not in {scale.customers for scale in (Scale.S, Scale.M, Scale.L)}:
        return False
    return all(c.code == code and (c.vat_number or c.tax_code or "").upper().removeprefix("IT")[:7]
               == f"{identity_serial(i, not c.vat_number):07d}"
               for i, (c, code) in enumerate(zip(customers, _codes("C", len(customers)))))


def _codes(prefix: str, count: int) -> list[str]:
    width = max(3, len(str(count)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, count + 1)]


SAMPLE_PAYMENT_METHODS = (PaymentMethod.BANK_TRANSFER, PaymentMethod.RIBA, PaymentMethod.CASH, PaymentMethod.CARD,
                          PaymentMethod.DIRECT_DEBIT)
"""The methods the sample's customers pay by: those of its first release, so that a seed draws
the same random numbers as before methods were added to the vocabulary."""
LATER_PAYMENT_METHODS = tuple(m for m in PaymentMethod if m not in SAMPLE_PAYMENT_METHODS)
"""The methods added since, given without a draw to customers never invoiced (all but the first
of them): the sample then offers every method while its documents stay as approved. One paying
cash on delivery is due at delivery (`CONSEGNA`): the terms drawn for it go to the first customer
never invoiced, so that the sample still shows every code."""


def _spread(rng: random.Random, members: list | tuple, count: int) -> list:
    """`count` values in random order in which every member appears at least once."""
    values = list(members[:count]) + rng.choices(members, k=max(0, count - len(members)))
    rng.shuffle(values)
    return values


def _paid_ones_invoiced_at_once(terms: list[InvoiceTerms], delivery: list[DeliveryTerms]) -> list[DeliveryTerms]:
    """The delivery terms with *Dopo l'incasso* (goods leave once paid) only on customers
    invoiced *Immediato*: with any other invoice terms their orders would wait for a payment
    of an invoice that waits for the delivery (the data check's
    `ships-after-payment-invoiced-after-delivery`). Each such customer swaps terms with an
    immediately invoiced one, so every delivery term stays in the sample; any left over ship
    by availability."""
    delivery = list(delivery)
    waiting = [i for i, d in enumerate(delivery)
               if d is DeliveryTerms.AFTER_RECEIPT and terms[i] is not InvoiceTerms.IMMEDIATE]
    free = [i for i, d in enumerate(delivery)
            if d is not DeliveryTerms.AFTER_RECEIPT and terms[i] is InvoiceTerms.IMMEDIATE]
    for i, j in zip(waiting, free):
        delivery[i], delivery[j] = delivery[j], delivery[i]
    for i in waiting[len(free):]:
        delivery[i] = DeliveryTerms.AVAILABILITY
    return delivery


def _waiting_for_go_ahead(plan: Plan, customer: _Customer) -> Plan:
    """The plan, a standard order for a customer *Non fatturare* where its document type would
    invoice at the order (POS, on credit, prepay): that invoice would leave without the go-ahead,
    which the data check warns of (`do-not-invoice-template-invoiced-at-order`), so a large
    workbook showed every command that warning and its count. The document changes, not the
    draws: the rest of the workbook stays as the seed made it."""
    if customer.held and EFFECTS[plan.document].invoice_at_once:
        return replace(plan, document=D.STANDARD)
    return plan


class _Generator:
    def __init__(self, scale: Scale, rng: random.Random):
        self.scale = scale
        self.rng = rng
        self.city_weights = [c[8] for c in CITIES]

    def rows(self) -> dict[str, list[dict]]:
        items = self.items()
        customers, customer_rows = self.customers()
        ship_to = self.ship_to(customers, customer_rows)
        contacts = self.contacts(customers, customer_rows)
        prices = self.prices()
        templates, lines = self.templates(customers, items)
        return {
            "settings": [self.settings()],
            "customers": customer_rows,
            "ship_to": ship_to,
            "contacts": contacts,
            "items": items,
            "price_lists": [{"code": c, "description": d, "currency": "EUR", "vat_included": False}
                            for c, d, _ in PRICE_LISTS] + [self.derived_list()],
            "price_versions": [{"price_list": pl, "version": v, "valid_from": f, "valid_to": t}
                               for pl, _, _ in PRICE_LISTS for v, f, t, _ in PRICE_VERSIONS]
                              + self.derived_versions(),
            "prices": prices,
            "price_rules": self.price_rules(customer_rows, items, templates, lines),
            "templates": templates,
            "template_lines": lines,
            "closures": [{"date_from": a, "date_to": b, "description": d} for a, b, d in CLOSURES],
            "exceptions": self.exceptions(templates, lines),
            "carriers": [{"code": c, "name": n, "vat_number": vat_number(7_000_000 + i * 1_231, office), "areas": a}
                         for i, (c, n, office, a) in enumerate(CARRIERS)],
            "stock": self.stock(items),
            **discounts_and_commissions(customer_rows[0]["code"]),
        }

    def settings(self) -> dict:
        return {**SELLER, "vat_number": SELLER_VAT}

    # items and prices

    def items(self) -> list[dict]:
        goods = [c for c in CATALOG if c[3] is None]
        rows, self.base_cents = [], []
        for i, code in enumerate(_codes("A", self.scale.items)):
            if i < len(CATALOG):
                desc, unit, rate, nature, category, weight, cents = CATALOG[i]
            else:
                desc, unit, rate, nature, category, weight, cents = goods[i % len(goods)]
                variant = i // len(goods)
                desc = f"{desc} {BRANDS[variant % len(BRANDS)]} {LINES[variant // len(BRANDS) % len(LINES)]}"
                cents = round(cents * self.rng.uniform(0.8, 1.3))
            rows.append({"code": code, "description": desc, "unit": unit, "vat_rate": Decimal(rate),
                         "vat_nature": nature, "category": category,
                         "weight": Decimal(weight) if weight else None, "service": unit == "serv"})
            self.base_cents.append(cents)
        self.standard_ratio = [self.rng.choice((0.90, 0.92, 0.94, 0.95, 0.97)) for _ in rows]
        return rows

    def price(self, item: int, list_factor: float, version_factor: float) -> tuple[int, int, int]:
        """List, standard and limit price in cents: list ≥ standard ≥ limit by construction."""
        listed = max(3, round(self.base_cents[item] * list_factor * version_factor))
        standard = round(listed * self.standard_ratio[item])
        return listed, standard, max(1, round(standard * LIMIT_RATIO))

    def prices(self) -> list[dict]:
        rows = []
        codes = _codes("A", self.scale.items)
        for pl, _, lf in PRICE_LISTS:
            for version, _, _, vf in PRICE_VERSIONS:
                for i, code in enumerate(codes):
                    listed, standard, limit = self.price(i, lf, vf)
                    rows.append({"price_list": pl, "version": version, "item": code,
                                 "list_price": _euro(listed), "standard_price": _euro(standard),
                                 "limit_price": _euro(limit),
                                 "discount": Decimal(5) if pl == "HORECA" and i % 17 == 3 else None})
        return rows

    def derived_list(self) -> dict:
        code, description, _, _ = DERIVED_LIST
        return {"code": code, "description": description, "currency": "EUR", "vat_included": False}

    def derived_versions(self) -> list[dict]:
        """One derived version per BASE version: no prices of their own, computed on reading."""
        code, _, markup, step = DERIVED_LIST
        return [{"price_list": code, "version": v, "valid_from": f, "valid_to": t, "base_list": "BASE",
                 "base_version": v, "markup": markup, "rounding": step} for v, f, t, _ in PRICE_VERSIONS]

    def price_rules(self, customers: list[dict], items: list[dict], templates: list[dict], lines: list[dict]
                    ) -> list[dict]:
        """One rule of each kind, above the limit prices by construction (no random draw, so the
        other sheets stay as they were): coffee 8 % off for bars (a category rule, which the
        demo's April shows), a special price for the first customer whose template orders the
        first coffee, water derived from the base list for restaurants, milk 5 % off from 24 litres."""
        coffee, milk = items[0]["code"], items[9]["code"]
        first_coffee = next((r["template"] for r in lines if r["item"] == coffee), None)
        owner = next((t for t in templates if t["code"] == first_coffee), None)
        return [
            {"code": "R001", "group": "BAR", "category": "CAFFE", "kind": PriceRuleKind.DISCOUNT,
             "discount": Decimal(8), "valid_from": APRIL_1},
            {"code": "R002", "customer": owner["customer"] if owner else customers[0]["code"], "item": coffee,
             "kind": PriceRuleKind.SPECIAL, "price": Decimal("15.90"), "valid_from": APRIL_1,
             "valid_to": date(2026, 12, 31)},
            {"code": "R003", "group": "RISTORAZIONE", "category": "ACQUA", "kind": PriceRuleKind.DERIVED,
             "base_list": "BASE", "base_price": PriceType.LIST, "markup": Decimal(-12), "rounding": Decimal("0.05")},
            {"code": "R004", "item": milk, "kind": PriceRuleKind.DISCOUNT, "discount": Decimal(5),
             "min_quantity": Decimal(24), "priority": 1},
        ]

    def override(self, item: int, price_list: str) -> Decimal:
        """A line price at or above the limit price of every version: the highest standard price."""
        lf = next(f for c, _, f in PRICE_LISTS if c == price_list)
        return _euro(max(self.price(item, lf, vf)[1] for *_, vf in PRICE_VERSIONS))

    def stock(self, items: list[dict]) -> list[dict]:
        rng = self.rng
        rows = []
        for item in items:
            if item["unit"] == "serv":
                rows.append({"item": item["code"], "quantity": SERVICE_STOCK})
                continue
            low = rng.random() < 0.06
            quantity = rng.randint(2, 12) if low else rng.randrange(300, 1500, 10)
            rows.append({"item": item["code"], "quantity": Decimal(quantity)})
        return rows

    # customers and their addresses

    def city(self) -> tuple:
        return self.rng.choices(CITIES, self.city_weights)[0]

    def address(self) -> str:
        return f"{self.rng.choice(STREETS)} {self.rng.randint(1, 180)}"

    def postcode(self, city: tuple) -> str:
        return f"{self.rng.randint(city[2], city[3]):05d}"

    def person(self) -> tuple[str, str, bool]:
        female = self.rng.random() < 0.45
        return self.rng.choice(SURNAMES), self.rng.choice(FEMALE_NAMES if female else MALE_NAMES), female

    def customers(self) -> tuple[list[_Customer], list[dict]]:
        rng, n = self.rng, self.scale.customers
        terms = _spread(rng, list(InvoiceTerms), n)
        delivery = _paid_ones_invoiced_at_once(terms, _spread(rng, list(DeliveryTerms), n))
        grouping = _spread(rng, list(InvoiceGrouping), n)
        methods = _spread(rng, SAMPLE_PAYMENT_METHODS, n)
        never_invoiced = [i for i, t in enumerate(terms) if t is InvoiceTerms.DO_NOT_INVOICE]
        for i, method in zip(never_invoiced[1:], LATER_PAYMENT_METHODS):
            methods[i] = method
        payment = _spread(rng, PAYMENT_TERMS, n)
        for i in never_invoiced[1:]:
            if methods[i] is PaymentMethod.CASH_ON_DELIVERY:
                payment[never_invoiced[0]], payment[i] = payment[i], AT_DELIVERY
        schedules = list(InvoiceSchedule)
        businesses, weights = BUSINESSES, [b[3] for b in BUSINESSES]
        forms, form_weights = [f for f, _ in LEGAL_FORMS], [w for _, w in LEGAL_FORMS]
        customers, rows = [], []
        for i, code in enumerate(_codes("C", n)):
            city = self.city()
            association = i % 29 == 11 or rng.random() < ASSOCIATION_SHARE
            business = ASSOCIATION if association else rng.choices(businesses, weights)[0]
            sign = f"{business[0]} {rng.choice(SIGNS)}"
            form = "A.P.S." if association else rng.choices(forms, form_weights)[0]
            row = {"code": code, "address": self.address(), "postcode": self.postcode(city),
                   "city": city[0], "province": city[1], "country": "IT", "area": city[6]}
            row.update(self.identity(i, sign, form, city, association))
            scheduled = terms[i] is InvoiceTerms.CUSTOMER_SCHEDULE
            row.update({
                "price_list": business[1],
                "payment_method": methods[i],
                "payment_terms": payment[i],
                "invoice_terms": terms[i],
                "invoice_schedule": schedules[i % 3] if scheduled else None,
                "delivery_terms": delivery[i],
                "credit_limit": rng.choice(CREDIT_LIMITS) if rng.random() < 0.3 else None,
                "sales_rep": SALES_REPS[i % len(SALES_REPS)],
                "group": GROUPS.get(business[0].split()[0]),
                "invoice_grouping": grouping[i],
            })
            row.update(self.e_invoicing(row["name"]))
            rows.append(row)
            customers.append(_Customer(code, sign, business, business[1], grouping[i],
                                       held=terms[i] is InvoiceTerms.DO_NOT_INVOICE))
        return customers, rows

    def identity(self, i: int, sign: str, form: str, city: tuple, association: bool) -> dict:
        """Name, partita IVA and codice fiscale: companies have the first, sole traders both,
        clubs only a numeric codice fiscale."""
        if association:
            return {"name": f"{sign} {form}", "tax_code": vat_number(identity_serial(i, association), city[4])}
        vat = vat_number(identity_serial(i, association), city[4])
        if form:
            return {"name": f"{sign} {form}", "vat_number": vat}
        surname, name, female = self.person()
        born = date(self.rng.randint(1955, 1998), self.rng.randint(1, 12), self.rng.randint(1, 28))
        town = self.city()[5]
        return {"name": f"{sign} di {surname} {name}", "vat_number": vat,
                "tax_code": tax_code(surname, name, born, female, town)}

    def e_invoicing(self, name: str) -> dict:
        """An SDI recipient code for most, a PEC address for the others."""
        if self.rng.random() < 0.8:
            return {"sdi_code": "".join(self.rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=7))}
        return {"sdi_code": None, "pec": f"{_slug(name)[:30]}@{self.rng.choice(PEC_DOMAINS)}"}

    def ship_to(self, customers: list[_Customer], rows: list[dict]) -> list[dict]:
        out = []
        for customer, row in zip(customers, rows):
            wanted = customer.grouping is InvoiceGrouping.SHIPPING_ADDRESS or self.rng.random() < 0.2
            if not wanted:
                continue
            for branch in self.rng.sample(BRANCHES, self.rng.randint(2, 3)):
                city = self.same_area_city(row["area"]) if self.rng.random() < 0.3 else _city(row["city"])
                out.append({"code": "", "customer": customer.code, "name": f"{customer.sign} – {branch}",
                            "address": self.address(), "postcode": self.postcode(city), "city": city[0],
                            "province": city[1], "country": "IT", "area": city[6]})
        _renumber(out, "D")
        for row in out:
            customers[_index(row["customer"])].ship_to.append(row["code"])
        return out

    def same_area_city(self, area: str) -> tuple:
        return self.rng.choice([c for c in CITIES if c[6] == area])

    def contacts(self, customers: list[_Customer], rows: list[dict]) -> list[dict]:
        out = []
        for customer, row in zip(customers, rows):
            count = self.rng.choices((0, 1, 2), (1, 6, 2))[0]
            domain = _slug(customer.sign)[:24] + ".it"
            prefix = _city(row["city"])[7]
            for _ in range(count):
                surname, name, _ = self.person()
                phone = (f"+39 3{self.rng.randint(20, 49)} {self.rng.randint(100, 999)} {self.rng.randint(1000, 9999)}"
                         if self.rng.random() < 0.5 else f"+39 {prefix} {self.rng.randint(100000, 9999999)}")
                out.append({"code": "", "customer": customer.code, "name": f"{name} {surname}", "phone": phone,
                            "email": f"{_slug(name)}.{_slug(surname)}@{domain}"})
        _renumber(out, "P")
        for row in out:
            customers[_index(row["customer"])].contacts.append(row["code"])
        return out

    # templates

    def templates(self, customers: list[_Customer], items: list[dict]) -> tuple[list[dict], list[dict]]:
        rng, scale = self.rng, self.scale
        owners = _spread(rng, list(range(len(customers))), scale.templates)
        owners[:len(PLANS)] = rng.sample(range(len(customers)), len(PLANS))
        counts = self.line_counts()
        pools = self.pools(items)
        templates, lines = [], []
        for i, code in enumerate(_codes("T", scale.templates)):
            scripted = i < len(PLANS)
            customer = customers[owners[i]]
            plan = _waiting_for_go_ahead(PLANS[i] if scripted else self.random_plan(), customer)
            row = self.template(code, plan, customer, scripted)
            templates.append(row)
            price_list = row["price_list"] or customer.price_list
            lines += self.lines(code, plan, customer, price_list, counts[i], pools, items)
        return templates, lines

    def template(self, code: str, plan: Plan, customer: _Customer, scripted: bool) -> dict:
        rng = self.rng
        other_list = "BASE" if customer.price_list == "HORECA" else "HORECA"
        return {
            "code": code, "customer": customer.code,
            "ship_to": rng.choice(customer.ship_to) if customer.ship_to and rng.random() < 0.7 else None,
            "contact": rng.choice(customer.contacts) if customer.contacts and rng.random() < 0.5 else None,
            "schedule": plan.schedule, "weekdays": plan.weekdays or None, "interval": plan.interval,
            "day": plan.day, "nth": plan.nth, "rrule": plan.rrule,
            "valid_from": plan.valid_from, "valid_to": plan.valid_to, "holiday_policy": plan.policy,
            "price_type": plan.price_type,
            "price_list": other_list if rng.random() < 0.1 else None,
            "delivery_option": rng.choice(DELIVERY_OPTIONS),
            "document_type": plan.document,
            "project": f"PRJ-{rng.choice('ABC')}" if customer.grouping is InvoiceGrouping.PROJECT else None,
            "customer_reference": plan.customer_reference,
            "payment_method": plan.payment_method,
            "active": scripted or rng.random() >= 0.04,
        }

    def random_plan(self) -> Plan:
        rng = self.rng
        kind = _weighted(rng, SCHEDULE_WEIGHTS)
        valid_from = _weighted(rng, VALID_FROM_WEIGHTS)
        valid_to = rng.choice(VALID_TO) if rng.random() < 0.15 else None
        if valid_to is not None and valid_to < valid_from:
            valid_to = None
        params: dict = {}
        if kind is S.WEEKLY:
            params["weekdays"] = self.weekdays(rng.choices((1, 2, 3), (5, 3, 1))[0])
        elif kind is S.EVERY_N_WEEKS:
            params.update(weekdays=self.weekdays(1), interval=rng.choice((2, 2, 3, 4)))
        elif kind is S.MONTHLY_DAY:
            params["day"] = rng.randint(1, 31)
        elif kind is S.MONTHLY_NTH_WEEKDAY:
            params.update(weekdays=self.weekdays(1), nth=rng.choice((1, 2, 3, 4, -1)))
        elif kind is S.RRULE:
            params["rrule"] = rng.choice(RRULES)
        return Plan(kind, policy=_weighted(rng, POLICY_WEIGHTS), document=_weighted(rng, DOCUMENT_WEIGHTS),
                    price_type=P.LIST if rng.random() < 0.2 else P.STANDARD,
                    valid_from=valid_from, valid_to=valid_to, **params)

    def weekdays(self, count: int) -> tuple[int, ...]:
        days: set[int] = set()
        while len(days) < count:
            days.add(self.rng.choices(range(7), WEEKDAY_WEIGHTS)[0])
        return tuple(sorted(days))

    def line_counts(self) -> list[int]:
        """Lines per template, at least one each, at most `max_lines`, exactly the total asked."""
        n, cap = self.scale.templates, self.scale.max_lines
        counts = [1] * n
        open_ = list(range(n))
        for _ in range(self.scale.template_lines - n):
            j = self.rng.randrange(len(open_))
            t = open_[j]
            counts[t] += 1
            if counts[t] == cap:
                open_[j] = open_[-1]
                open_.pop()
        return counts

    def pools(self, items: list[dict]) -> dict[tuple, list[int]]:
        """Item indexes each kind of business buys."""
        by_category: dict[str, list[int]] = {}
        for i, item in enumerate(items):
            by_category.setdefault(item["category"], []).append(i)
        pools = {}
        for business in (*BUSINESSES, ASSOCIATION):
            pool = [i for cat in business[2] for i in by_category.get(cat, ())]
            pools[business[2]] = pool if len(pool) >= self.scale.max_lines else list(range(len(items)))
        return pools

    def lines(self, template: str, plan: Plan, customer: _Customer, price_list: str, count: int,
              pools: dict, items: list[dict]) -> list[dict]:
        rng = self.rng
        if plan.services:
            services = [i for i, item in enumerate(items[:len(CATALOG)]) if item["category"] == "SERVIZI"]
            picked = services[:count] + rng.sample(pools[customer.business[2]], max(0, count - len(services)))
        else:
            picked = rng.sample(pools[customer.business[2]], count)
        out = []
        for i in picked:
            item = items[i]
            row = {"template": template, "item": item["code"],
                   "quantity": rng.choice(QUANTITIES[item["unit"]])}
            if rng.random() < 0.05 and item["unit"] != "serv":
                row["price"] = self.override(i, price_list)
            if rng.random() < 0.03:
                row["note"] = rng.choice(NOTES)
            out.append(row)
        return out

    def exceptions(self, templates: list[dict], lines: list[dict]) -> list[dict]:
        rows = []
        for plan_index, action, day, new_day, line, quantity in EXCEPTIONS:
            code = templates[plan_index]["code"]
            row = {"template": code, "day": day, "action": action, "new_date": new_day}
            if line is not None:
                own = [r for r in lines if r["template"] == code]
                assert quantity is not None  # an exception with a line sets its quantity
                row.update(item=own[line]["item"], quantity=Decimal(quantity))
            rows.append(row)
        return rows


def discounts_and_commissions(first_customer: str) -> dict[str, list[dict]]:
    """The sample's volume discounts, commission rules and customer agents: one discount of each
    bracket mode and basis, and commission rules of each kind of criterion and base (the worked
    examples of docs/discounts-and-commissions.md are of the same shapes). The first customer
    (C001 in the sample, C0001 at the benchmarks' scales) is followed by two agents."""
    def rows(keys: tuple[str, ...], values: tuple[tuple, ...]) -> list[dict]:
        return [dict(zip(keys, v)) for v in values]

    discount_keys = ("code", "customer", "group", "category", "period", "basis", "mode", "threshold", "percent")
    commission_keys = ("code", "agent", "customer", "group", "item", "category", "base", "threshold", "percent")
    return {
        "volume_discounts": rows(discount_keys, tuple(
            (code, customer, group, category, period, basis, mode, Decimal(threshold), Decimal(percent))
            for code, customer, group, category, period, basis, mode, threshold, percent in VOLUME_DISCOUNTS)),
        "commissions": rows(commission_keys, tuple(
            (*r[:7], Decimal(r[7]), Decimal(r[8])) for r in COMMISSIONS)),
        "customer_agents": [{"customer": first_customer, "agent": a, "share": Decimal(x)} for a, x in CUSTOMER_AGENTS],
    }


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def _euro(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _city(name: str) -> tuple:
    return next(c for c in CITIES if c[0] == name)


def _index(code: str) -> int:
    return int(code[1:]) - 1


def _renumber(rows: list[dict], prefix: str) -> None:
    """Codes numbered in row order, as a user's sheet would have them."""
    for row, code in zip(rows, _codes(prefix, len(rows))):
        row["code"] = code
