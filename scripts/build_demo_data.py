"""Build the embedded demo tenant "PayReady" (fictional payments-software company) from a fixed seed.

Writes every generated file of ``sophia_crew/demo_data/payready/``: the tabular CSVs, the ten call
transcripts (timed from the dialogue scripts in ``sophia_crew/demo_data/_sources/calls``) with
``calls/index.csv``, and the .docx/.pdf resumes (text in ``_sources/resumes``). Hand-written files (README, job
descriptions, text resumes, the SwiftPay web pages) are not touched.

Stdlib + numpy (+ python-docx for the two .docx resumes; the .pdf is written by hand). Every random stream is
seeded per output file, so rerunning produces byte-identical files.

Usage: ``python scripts/build_demo_data.py [--out DIR]`` (default: the package's demo folder).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import zipfile
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "sophia_crew" / "demo_data" / "payready"
SOURCES = REPO / "sophia_crew" / "demo_data" / "_sources"
TODAY = date(2026, 11, 15)
SEED = 20261115


def rng_for(name: str) -> np.random.Generator:
    """Independent stable stream per file, so editing one table never reshuffles another."""
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def d(text: str) -> date:
    return date.fromisoformat(text)


def month_range(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --------------------------------------------------------------------------------------------- world
OWNERS = [
    ("O01", "Helen Okafor", "Manager", "Sales Leadership"),
    ("O02", "Jordan Reyes", "AE", "Sales NA Mid-Market"),
    ("O03", "Priya Natarajan", "AE", "Sales Enterprise"),
    ("O04", "Tom Becker", "AE", "Sales EMEA"),
    ("O05", "Aiko Tanaka", "AE", "Sales APAC"),
    ("O06", "Sam Whitaker", "AE", "Sales NA SMB"),
    ("O07", "Lena Fischer", "CSM", "Customer Success EMEA"),
    ("O08", "Carlos Mendes", "CSM", "Customer Success NA"),
    ("O09", "Grace Liu", "CSM", "Customer Success APAC"),
]


def owner_email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@payready.io"


# id, name, domain, industry, segment, region, AE, CSM, created, contract_start, renewal, arr, seats, stage,
# churn_date, profile, monthly transactions at start, average ticket USD
ACCOUNTS = [
    ("A001", "Northwind Freight Co.", "northwindfreight.com", "Logistics & Freight", "Mid-Market", "NA", "O02",
     "O08", "2021-09-14", "2022-01-20", "2027-01-20", 148000, 60, "active", "", "risk", 5200, 2350.0),
    ("A002", "Helvetia Dental Group", "helvetiadental.ch", "Healthcare - Dental", "SMB", "EMEA", "O04", "O07",
     "2023-10-02", "2024-01-01", "2027-01-01", 28800, 15, "active", "", "risk", 3100, 185.0),
    ("A003", "Brightline Fitness Clubs", "brightlinefitness.com", "Fitness & Wellness", "SMB", "NA", "O06",
     "O08", "2022-11-08", "2023-02-10", "2027-02-10", 34500, 20, "active", "", "risk", 14500, 54.0),
    ("A004", "Kestrel Travel Group", "kestreltravel.com.au", "Travel & Tourism", "Enterprise", "APAC", "O05",
     "O09", "2021-03-15", "2021-04-01", "2027-04-01", 612000, 180, "active", "", "risk", 41000, 1120.0),
    ("A005", "Lumen Health Partners", "lumenhealth.com", "Healthcare - Provider Network", "Enterprise", "NA",
     "O03", "O08", "2020-06-10", "2020-10-01", "2027-10-01", 845000, 260, "active", "", "growth", 96000, 238.0),
    ("A006", "Coastal Commerce Collective", "coastalcommerce.co", "E-commerce Marketplace", "Mid-Market", "NA",
     "O02", "O08", "2022-03-01", "2022-06-15", "2027-06-15", 196000, 70, "active", "", "growth", 58000, 86.0),
    ("A007", "Fjordline Outdoor AS", "fjordline-outdoor.no", "Retail - Outdoor Equipment", "Mid-Market", "EMEA",
     "O04", "O07", "2023-01-10", "2023-05-01", "2027-05-01", 122000, 45, "active", "", "growth", 21000, 142.0),
    ("A008", "Sakura Mobility K.K.", "sakuramobility.jp", "Transportation & Mobility", "Enterprise", "APAC",
     "O05", "O09", "2022-08-20", "2023-03-01", "2027-03-01", 720000, 210, "active", "", "growth", 610000, 17.5),
    ("A009", "Quillon Software GmbH", "quillon.de", "B2B SaaS", "SMB", "EMEA", "O04", "O07", "2025-03-04",
     "2026-10-28", "2027-10-28", 21600, 12, "onboarding", "", "onboarding", 380, 640.0),
    ("A010", "Harborview Property Management", "harborviewpm.com", "Real Estate", "SMB", "NA", "O06", "O08",
     "2023-04-18", "2023-06-01", "2027-06-01", 14400, 8, "active", "", "stable", 1900, 1450.0),
    ("A011", "Meridian Insurance Brokers", "meridianbrokers.co.uk", "Insurance", "Mid-Market", "EMEA", "O04",
     "O07", "2021-11-01", "2022-02-01", "2027-02-01", 98000, 40, "active", "", "stable", 7400, 910.0),
    ("A012", "Tallgrass Agricultural Supply", "tallgrassag.com", "Agriculture & Wholesale", "Mid-Market", "NA",
     "O02", "O08", "2022-05-12", "2022-09-01", "2027-09-01", 118000, 38, "active", "", "stable", 3900, 3800.0),
    ("A013", "Aurora Ticketing Ltd", "auroratickets.ie", "Events & Ticketing", "SMB", "EMEA", "O04", "O07",
     "2024-01-15", "2024-03-15", "2027-03-15", 19200, 10, "active", "", "stable", 16000, 68.0),
    ("A014", "Pacific Crest Education", "pacificcrest.edu.au", "Education", "Mid-Market", "APAC", "O05", "O09",
     "2023-06-01", "2023-08-01", "2027-08-01", 86000, 35, "active", "", "stable", 2600, 2150.0),
    ("A015", "Vantage Hotels & Resorts", "vantagehotels.com", "Hospitality", "Enterprise", "EMEA", "O03", "O07",
     "2021-01-25", "2021-04-15", "2027-04-15", 540000, 150, "active", "", "growth", 88000, 405.0),
    ("A016", "Redwood Veterinary Network", "redwoodvets.com", "Healthcare - Veterinary", "SMB", "NA", "O06",
     "O08", "2024-05-20", "2024-07-01", "2027-07-01", 16800, 9, "active", "", "stable", 2700, 162.0),
    ("A017", "Ironbridge Manufacturing Ltd", "ironbridgemfg.co.uk", "Industrial Manufacturing", "Mid-Market",
     "EMEA", "O04", "O07", "2023-02-14", "2023-03-20", "2027-03-20", 92000, 32, "active", "", "stable", 640,
     14200.0),
    ("A018", "Bluegum Energy Retail", "bluegumenergy.com.au", "Utilities - Energy Retail", "Mid-Market", "APAC",
     "O05", "O09", "2024-07-15", "2024-12-01", "2026-12-01", 132000, 40, "active", "", "growth", 52000, 188.0),
    ("A019", "Cobalt Parking Systems", "cobaltparking.com", "Parking & Mobility", "SMB", "NA", "O06", "O08",
     "2022-01-10", "2022-10-01", "2025-10-01", 26400, 14, "churned", "2025-09-30", "churned", 61000, 11.5),
    ("A020", "Maison Brioche SAS", "maisonbrioche.fr", "Food & Bakery Retail", "SMB", "EMEA", "O04", "O07",
     "2023-03-01", "2023-05-01", "2026-05-01", 22800, 11, "churned", "2026-04-30", "churned", 23000, 13.8),
]
ACC = {a[0]: a for a in ACCOUNTS}
RISK_DECLINE_FROM = {"A001": "2026-06", "A002": "2026-07", "A003": "2026-07", "A004": "2026-06"}

# account, first, last, title, champion, decision maker
CONTACTS = [
    ("A001", "Dale", "Porter", "VP Finance", 1, 1), ("A001", "Rachel", "Kim", "Corporate Controller", 0, 1),
    ("A001", "Ethan", "Brooks", "Director of IT", 0, 0), ("A001", "Monica", "Alvarez", "AP Manager", 0, 0),
    ("A002", "Stefan", "Meier", "Managing Director", 0, 1), ("A002", "Sabine", "Keller", "Head of Finance & Admin", 1, 0),
    ("A002", "Luca", "Rossi", "Practice Operations Manager", 0, 0),
    ("A003", "Kevin", "Doyle", "Chief Operating Officer", 0, 1), ("A003", "Alicia", "Grant", "Membership Operations Lead", 1, 0),
    ("A003", "Marcus", "Lee", "Finance Manager", 0, 0),
    ("A004", "Olivia", "Hart", "Chief Financial Officer", 0, 1), ("A004", "James", "Whitmore", "Former Head of Payments", 0, 0),
    ("A004", "Nikhil", "Rao", "Payments Operations Lead", 0, 0), ("A004", "Chloe", "Tan", "Procurement Manager", 0, 0),
    ("A005", "Angela", "Foster", "Chief Financial Officer", 0, 1), ("A005", "Brian", "Castillo", "Director, Revenue Cycle", 1, 0),
    ("A005", "Natalie", "Wu", "VP Information Technology", 0, 1), ("A005", "Greg", "Simmons", "Strategic Sourcing Manager", 0, 0),
    ("A006", "Jenna", "Morales", "Head of Finance", 0, 1), ("A006", "Tyler", "Nguyen", "Marketplace Operations Manager", 1, 0),
    ("A006", "Sophie", "Bennett", "Engineering Lead, Payments", 0, 0),
    ("A007", "Ingrid", "Solberg", "CFO", 0, 1), ("A007", "Henrik", "Dahl", "E-commerce Director", 1, 0),
    ("A007", "Mari", "Nilsen", "Finance Operations Specialist", 0, 0),
    ("A008", "Kenji", "Watanabe", "General Manager, Payments", 0, 1), ("A008", "Yui", "Nakamura", "Senior Product Manager", 1, 0),
    ("A008", "Hiroshi", "Sato", "Engineering Manager", 0, 0), ("A008", "Emily", "Chen", "Finance Director", 0, 1),
    ("A009", "Julia", "Hoffmann", "CFO", 0, 1), ("A009", "Felix", "Wagner", "Head of Revenue Operations", 1, 0),
    ("A009", "Anna", "Schulz", "Billing Specialist", 0, 0),
    ("A010", "Patricia", "Long", "President", 1, 1), ("A010", "Derek", "Hall", "Office Manager", 0, 0),
    ("A011", "Oliver", "Grant", "Finance Director", 0, 1), ("A011", "Amelia", "Clarke", "Operations Manager", 1, 0),
    ("A011", "Harry", "Patel", "IT Lead", 0, 0),
    ("A012", "Wade", "Henderson", "CFO", 0, 1), ("A012", "Carrie", "Olson", "Controller", 1, 0),
    ("A012", "Luis", "Ortega", "AP Supervisor", 0, 0),
    ("A013", "Niamh", "Byrne", "Co-founder & CEO", 0, 1), ("A013", "Conor", "Walsh", "Head of Product", 1, 0),
    ("A014", "Rebecca", "Lawson", "Director of Finance", 0, 1), ("A014", "Daniel", "Ng", "Student Systems Manager", 1, 0),
    ("A014", "Priscilla", "Moore", "Accounts Receivable Lead", 0, 0),
    ("A015", "Claire", "Dubois", "VP Finance EMEA", 0, 1), ("A015", "Marco", "Bianchi", "Director, Guest Technology", 1, 0),
    ("A015", "Sarah", "Jensen", "Group Treasury Manager", 0, 0), ("A015", "Ahmed", "Farouk", "Procurement Lead", 0, 0),
    ("A016", "Laura", "Mitchell", "Practice Owner", 0, 1), ("A016", "Jason", "Reed", "Operations Manager", 1, 0),
    ("A017", "Gareth", "Hughes", "Finance Director", 0, 1), ("A017", "Priyanka", "Shah", "Credit Control Manager", 1, 0),
    ("A017", "Neil", "Barker", "ERP Systems Lead", 0, 0),
    ("A018", "Mark", "Sullivan", "GM Customer Operations", 0, 1), ("A018", "Hannah", "Price", "Billing Manager", 1, 0),
    ("A019", "Ray", "Dominguez", "VP Operations", 0, 1), ("A019", "Tina", "Marsh", "Finance Manager", 1, 0),
    ("A020", "Camille", "Laurent", "Directrice financiere", 0, 1), ("A020", "Julien", "Moreau", "Responsable des operations", 1, 0),
]
PHONE_PLAN = {"NA": "+1 {area} 555-01{n:02d}", "EMEA": None, "APAC": "+61 2 5550 {n:04d}"}
EMEA_PHONES = {"ch": "+41 44 668 18 {n:02d}", "de": "+49 30 23125 {n:03d}", "no": "+47 22 99 {n:02d} 00",
               "uk": "+44 20 7946 0{n:03d}", "ie": "+353 1 555 0{n:03d}", "fr": "+33 1 99 00 {n:02d} 00"}

STAGES = ["Prospecting", "Discovery", "Demo", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]
# deal id, account, name, owner, type, amount, stage ("Closed Lost@<last stage>"), created, close, original close,
# forecast category
DEALS = [
    ("D-1001", "A001", "Northwind Freight - Renewal FY25", "O08", "renewal", 139000, "Closed Won", "2024-11-04", "2025-01-17", "2025-01-17", "closed"),
    ("D-1002", "A001", "Northwind Freight - Carrier payouts", "O02", "expansion", 42000, "Closed Lost@Proposal", "2025-04-08", "2025-07-25", "2025-06-30", "omitted"),
    ("D-1003", "A001", "Northwind Freight - Renewal FY26", "O08", "renewal", 148000, "Closed Won", "2025-11-03", "2026-01-16", "2026-01-16", "closed"),
    ("D-1004", "A001", "Northwind Freight - Renewal FY27", "O08", "renewal", 148000, "Proposal", "2026-09-21", "2027-01-20", "2026-12-15", "best_case"),
    ("D-1005", "A002", "Helvetia Dental - PayReady Platform", "O04", "new", 26400, "Closed Won", "2023-10-09", "2023-12-18", "2023-11-30", "closed"),
    ("D-1006", "A002", "Helvetia Dental - Renewal 2027", "O07", "renewal", 28800, "Negotiation", "2026-09-28", "2026-12-31", "2026-12-01", "best_case"),
    ("D-1007", "A003", "Brightline Fitness - Terminal rollout (12 clubs)", "O06", "expansion", 18000, "Closed Lost@Demo", "2025-05-12", "2025-07-03", "2025-06-30", "omitted"),
    ("D-1008", "A003", "Brightline Fitness - Renewal 2027", "O08", "renewal", 34500, "Prospecting", "2026-10-20", "2027-02-10", "2027-02-10", "pipeline"),
    ("D-1009", "A004", "Kestrel Travel - 3-year renewal 2024", "O09", "renewal", 540000, "Closed Won", "2023-12-11", "2024-03-28", "2024-03-15", "closed"),
    ("D-1010", "A004", "Kestrel Travel - Risk Shield add-on", "O05", "expansion", 72000, "Closed Won", "2024-07-15", "2024-10-30", "2024-10-31", "closed"),
    ("D-1011", "A004", "Kestrel Travel - Multi-currency payouts NZ", "O05", "expansion", 95000, "Closed Lost@Negotiation", "2025-11-10", "2026-05-22", "2026-03-31", "omitted"),
    ("D-1012", "A004", "Kestrel Travel - Renewal 2027", "O09", "renewal", 612000, "Prospecting", "2026-10-05", "2027-04-01", "2027-04-01", "pipeline"),
    ("D-1013", "A005", "Lumen Health - Risk Shield", "O03", "expansion", 96000, "Closed Won", "2024-06-03", "2024-11-21", "2024-10-31", "closed"),
    ("D-1014", "A005", "Lumen Health - Renewal FY26", "O08", "renewal", 710000, "Closed Won", "2025-07-14", "2025-09-26", "2025-09-30", "closed"),
    ("D-1015", "A005", "Lumen Health - 60 seats for urgent care", "O03", "expansion", 135000, "Closed Won", "2025-12-01", "2026-03-27", "2026-03-31", "closed"),
    ("D-1016", "A005", "Lumen Health - Renewal FY27", "O08", "renewal", 845000, "Closed Won", "2026-07-13", "2026-10-14", "2026-09-30", "closed"),
    ("D-1017", "A005", "Lumen Health - AR Automation (patient billing)", "O03", "expansion", 186000, "Negotiation", "2026-06-22", "2026-12-18", "2026-12-18", "commit"),
    ("D-1018", "A006", "Coastal Commerce - Marketplace split payments", "O02", "expansion", 64000, "Closed Won", "2024-02-05", "2024-04-26", "2024-04-30", "closed"),
    ("D-1019", "A006", "Coastal Commerce - Renewal FY25", "O08", "renewal", 148000, "Closed Won", "2025-04-07", "2025-06-13", "2025-06-13", "closed"),
    ("D-1020", "A006", "Coastal Commerce - Instant payouts for sellers", "O02", "expansion", 38000, "Closed Won", "2025-08-18", "2025-10-31", "2025-10-15", "closed"),
    ("D-1021", "A006", "Coastal Commerce - Renewal FY26", "O08", "renewal", 196000, "Closed Won", "2026-04-06", "2026-06-12", "2026-06-12", "closed"),
    ("D-1022", "A006", "Coastal Commerce - Cross-border acquiring (CA/MX)", "O02", "expansion", 84000, "Negotiation", "2026-08-10", "2026-11-27", "2026-10-30", "commit"),
    ("D-1023", "A007", "Fjordline Outdoor - Renewal 2025", "O07", "renewal", 88000, "Closed Won", "2025-02-17", "2025-04-25", "2025-04-25", "closed"),
    ("D-1024", "A007", "Fjordline Outdoor - Nordic wallets (Vipps, MobilePay)", "O04", "expansion", 21000, "Closed Won", "2025-06-02", "2025-08-29", "2025-08-29", "closed"),
    ("D-1025", "A007", "Fjordline Outdoor - Renewal 2026", "O07", "renewal", 122000, "Closed Won", "2026-02-16", "2026-04-24", "2026-04-24", "closed"),
    ("D-1026", "A007", "Fjordline Outdoor - Store terminals (14 stores)", "O04", "expansion", 46000, "Demo", "2026-09-14", "2027-01-29", "2027-01-29", "pipeline"),
    ("D-1027", "A008", "Sakura Mobility - 2-year renewal", "O09", "renewal", 610000, "Closed Won", "2024-12-02", "2025-02-26", "2025-02-28", "closed"),
    ("D-1028", "A008", "Sakura Mobility - Driver payouts Japan", "O05", "expansion", 110000, "Closed Won", "2025-05-19", "2025-10-10", "2025-09-30", "closed"),
    ("D-1029", "A008", "Sakura Mobility - Korea launch", "O05", "expansion", 240000, "Proposal", "2026-06-08", "2026-12-15", "2026-10-30", "best_case"),
    ("D-1030", "A009", "Quillon Software - Payments platform 2025", "O04", "new", 18000, "Closed Lost@Discovery", "2025-03-10", "2025-04-30", "2025-04-30", "omitted"),
    ("D-1031", "A009", "Quillon Software - PayReady Platform + Invoicing", "O04", "new", 21600, "Closed Won", "2026-07-21", "2026-10-20", "2026-09-30", "closed"),
    ("D-1032", "A010", "Harborview PM - ACH rent collection upgrade", "O06", "expansion", 4800, "Closed Won", "2024-09-09", "2024-10-11", "2024-10-11", "closed"),
    ("D-1033", "A010", "Harborview PM - Tenant portal payments", "O06", "expansion", 6000, "Closed Lost@Proposal", "2025-08-04", "2025-09-26", "2025-09-26", "omitted"),
    ("D-1034", "A011", "Meridian Brokers - Renewal 2025", "O07", "renewal", 86000, "Closed Won", "2024-11-18", "2025-01-30", "2025-01-30", "closed"),
    ("D-1035", "A011", "Meridian Brokers - Premium instalments (direct debit)", "O04", "expansion", 12000, "Closed Won", "2025-04-14", "2025-06-27", "2025-06-27", "closed"),
    ("D-1036", "A011", "Meridian Brokers - Renewal 2026", "O07", "renewal", 98000, "Closed Won", "2025-11-17", "2026-01-29", "2026-01-29", "closed"),
    ("D-1037", "A011", "Meridian Brokers - Renewal 2027", "O07", "renewal", 104000, "Negotiation", "2026-10-12", "2027-01-29", "2027-01-29", "commit"),
    ("D-1038", "A012", "Tallgrass Ag - Renewal FY25", "O08", "renewal", 104000, "Closed Won", "2025-06-16", "2025-08-28", "2025-08-28", "closed"),
    ("D-1039", "A012", "Tallgrass Ag - Invoicing & AR Automation", "O02", "expansion", 14000, "Closed Won", "2025-10-06", "2025-12-19", "2025-12-19", "closed"),
    ("D-1040", "A012", "Tallgrass Ag - Renewal FY26", "O08", "renewal", 118000, "Closed Won", "2026-06-15", "2026-08-27", "2026-08-27", "closed"),
    ("D-1041", "A012", "Tallgrass Ag - Grower payouts", "O02", "expansion", 58000, "Discovery", "2026-09-22", "2027-02-26", "2027-02-26", "pipeline"),
    ("D-1042", "A013", "Aurora Ticketing - PayReady Platform", "O04", "new", 16800, "Closed Won", "2024-01-22", "2024-03-08", "2024-02-29", "closed"),
    ("D-1043", "A013", "Aurora Ticketing - Apple Pay and Google Pay checkout", "O04", "expansion", 2400, "Closed Won", "2025-09-01", "2025-09-30", "2025-09-30", "closed"),
    ("D-1044", "A014", "Pacific Crest - Renewal 2025", "O09", "renewal", 78000, "Closed Won", "2025-05-26", "2025-07-30", "2025-07-30", "closed"),
    ("D-1045", "A014", "Pacific Crest - Renewal 2026", "O09", "renewal", 86000, "Closed Won", "2026-05-25", "2026-07-29", "2026-07-29", "closed"),
    ("D-1046", "A014", "Pacific Crest - International student payments", "O05", "expansion", 52000, "Proposal", "2026-05-11", "2026-12-31", "2026-09-30", "best_case"),
    ("D-1047", "A015", "Vantage Hotels - 3-year renewal 2024", "O07", "renewal", 455000, "Closed Won", "2024-01-15", "2024-04-12", "2024-04-12", "closed"),
    ("D-1048", "A015", "Vantage Hotels - Spain and Portugal properties", "O03", "expansion", 85000, "Closed Won", "2024-09-02", "2025-01-31", "2024-12-20", "closed"),
    ("D-1049", "A015", "Vantage Hotels - Fraud screening for direct bookings", "O03", "expansion", 48000, "Closed Lost@Proposal", "2025-03-03", "2025-06-20", "2025-05-30", "omitted"),
    ("D-1050", "A015", "Vantage Hotels - Terminal and pay-at-table rollout", "O03", "expansion", 160000, "Discovery", "2026-10-05", "2027-03-31", "2027-03-31", "pipeline"),
    ("D-1051", "A015", "Vantage Hotels - Renewal 2027", "O07", "renewal", 540000, "Prospecting", "2026-11-02", "2027-04-15", "2027-04-15", "pipeline"),
    ("D-1052", "A016", "Redwood Veterinary - PayReady Platform", "O06", "new", 14400, "Closed Won", "2024-05-20", "2024-06-28", "2024-06-28", "closed"),
    ("D-1053", "A016", "Redwood Veterinary - Wellness plan subscriptions", "O06", "expansion", 2400, "Closed Won", "2025-03-03", "2025-04-04", "2025-04-04", "closed"),
    ("D-1054", "A016", "Redwood Veterinary - Three new clinics", "O06", "expansion", 7200, "Proposal", "2026-07-20", "2026-11-30", "2026-09-30", "omitted"),
    ("D-1055", "A017", "Ironbridge Mfg - Renewal 2025", "O07", "renewal", 84000, "Closed Won", "2025-01-13", "2025-03-14", "2025-03-14", "closed"),
    ("D-1056", "A017", "Ironbridge Mfg - Renewal 2026", "O07", "renewal", 92000, "Closed Won", "2026-01-12", "2026-03-13", "2026-03-13", "closed"),
    ("D-1057", "A017", "Ironbridge Mfg - AR automation and credit control", "O04", "expansion", 38000, "Discovery", "2026-10-19", "2027-02-26", "2027-02-26", "pipeline"),
    ("D-1058", "A018", "Bluegum Energy - PayReady Platform", "O05", "new", 118000, "Closed Won", "2024-07-22", "2024-11-22", "2024-10-31", "closed"),
    ("D-1059", "A018", "Bluegum Energy - Hardship payment plans", "O05", "expansion", 30000, "Closed Lost@Demo", "2025-04-07", "2025-05-30", "2025-05-30", "omitted"),
    ("D-1060", "A018", "Bluegum Energy - Renewal 2025", "O09", "renewal", 132000, "Closed Won", "2025-09-22", "2025-11-27", "2025-11-27", "closed"),
    ("D-1061", "A018", "Bluegum Energy - Renewal 2026", "O09", "renewal", 138000, "Negotiation", "2026-09-21", "2026-11-28", "2026-11-28", "commit"),
    ("D-1062", "A019", "Cobalt Parking - Renewal 2024", "O08", "renewal", 24000, "Closed Won", "2024-08-05", "2024-09-27", "2024-09-27", "closed"),
    ("D-1063", "A019", "Cobalt Parking - Renewal 2025", "O08", "renewal", 26400, "Closed Lost@Negotiation", "2025-07-07", "2025-09-19", "2025-09-26", "omitted"),
    ("D-1064", "A019", "Cobalt Parking - Win-back 2027", "O06", "new", 28800, "Discovery", "2026-11-05", "2027-01-29", "2027-01-29", "pipeline"),
    ("D-1065", "A020", "Maison Brioche - Renewal 2025", "O07", "renewal", 21600, "Closed Won", "2025-03-03", "2025-04-25", "2025-04-25", "closed"),
    ("D-1066", "A020", "Maison Brioche - Renewal 2026", "O07", "renewal", 22800, "Closed Lost@Proposal", "2026-02-16", "2026-04-10", "2026-04-10", "omitted"),
]

# call id, source file stem, format, account, deal, rep owner, call type
CALLS = [
    ("CL-1001", "quillon_discovery", "gong_json", "A009", "D-1031", "O04", "discovery"),
    ("CL-1002", "tallgrass_discovery", "gong_json", "A012", "D-1041", "O02", "discovery"),
    ("CL-1003", "lumen_negotiation", "gong_json", "A005", "D-1017", "O03", "negotiation"),
    ("CL-1004", "vantage_discovery", "vtt", "A015", "D-1050", "O03", "discovery"),
    ("CL-1005", "northwind_qbr", "vtt", "A001", "D-1004", "O08", "qbr"),
    ("CL-1006", "sakura_demo", "vtt", "A008", "D-1029", "O05", "demo"),
    ("CL-1007", "coastal_negotiation", "srt", "A006", "D-1022", "O02", "negotiation"),
    ("CL-1008", "cobalt_winback", "srt", "A019", "D-1064", "O06", "discovery"),
    ("CL-1009", "helvetia_qbr", "text", "A002", "D-1006", "O07", "qbr"),
    ("CL-1010", "ironbridge_discovery", "text", "A017", "D-1057", "O04", "discovery"),
]


# --------------------------------------------------------------------------------------------- CRM tables
def build_owners() -> tuple[list[str], list[list]]:
    rows = [[oid, name, owner_email(name), role, team] for oid, name, role, team in OWNERS]
    return ["owner_id", "name", "email", "role", "team"], rows


def build_accounts() -> tuple[list[str], list[list]]:
    header = ["account_id", "name", "domain", "industry", "segment", "region", "owner_id", "csm_id",
              "created_date", "contract_start", "renewal_date", "arr_usd", "seats_purchased", "lifecycle_stage",
              "churned", "churn_date"]
    rows = [list(a[:13]) + [a[13], 1 if a[13] == "churned" else 0, a[14]] for a in ACCOUNTS]
    return header, rows


def contact_phone(account_id: str, n: int) -> str:
    acc = ACC[account_id]
    tld = acc[2].rsplit(".", 1)[-1]
    if acc[5] == "NA":
        area = {"A001": 312, "A003": 303, "A005": 617, "A006": 619, "A010": 206, "A012": 515, "A016": 503,
                "A019": 602}[account_id]
        return f"+1 {area} 555-01{n:02d}"
    if acc[5] == "APAC":
        return f"+81 3 5550 01{n:02d}" if tld == "jp" else f"+61 2 5550 {100 + n:04d}"
    country = {"ch": "ch", "de": "de", "no": "no", "uk": "uk", "ie": "ie", "fr": "fr", "com": "uk"}[tld]
    return EMEA_PHONES[country].format(n=n)


def build_contacts() -> tuple[list[str], list[list]]:
    header = ["contact_id", "account_id", "first_name", "last_name", "title", "email", "phone", "is_champion",
              "is_decision_maker"]
    rows = []
    for i, (acc, first, last, title, champ, dm) in enumerate(CONTACTS, start=1):
        email = f"{first.lower()}.{last.lower()}@{ACC[acc][2]}"
        rows.append([f"C{i:03d}", acc, first, last, title, email, contact_phone(acc, i), champ, dm])
    return header, rows


def contact_id(account_id: str, first: str, last: str) -> str:
    for i, c in enumerate(CONTACTS, start=1):
        if c[0] == account_id and c[1] == first and c[2] == last:
            return f"C{i:03d}"
    raise KeyError(f"no contact {first} {last} at {account_id}")


def build_deals() -> tuple[list[str], list[list]]:
    header = ["deal_id", "account_id", "name", "owner_id", "type", "amount_usd", "stage", "created_date",
              "close_date", "original_close_date", "is_closed", "is_won", "forecast_category"]
    rows = []
    for did, acc, name, owner, typ, amount, stage, created, close, orig, fc in DEALS:
        final = stage.split("@")[0]
        closed = int(final.startswith("Closed"))
        rows.append([did, acc, name, owner, typ, amount, final, created, close, orig, closed,
                     int(final == "Closed Won"), fc])
    return header, rows


# deals discussed on recorded calls: their history is pinned so the call falls into the right stage
EXPLICIT_HISTORY = {
    "D-1031": "2026-07-21 2026-08-05 2026-08-26 2026-09-09 2026-09-30 2026-10-20",
    "D-1041": "2026-09-22 2026-10-02",
    "D-1017": "2026-06-22 2026-07-08 2026-08-05 2026-09-16 2026-10-21",
    "D-1050": "2026-10-05 2026-10-14",
    "D-1004": "2026-09-21 2026-10-19",
    "D-1029": "2026-06-08 2026-06-30 2026-08-04 2026-10-06",
    "D-1022": "2026-08-10 2026-08-24 2026-09-10 2026-10-05 2026-10-21",
    "D-1064": "2026-11-05 2026-11-12",
    "D-1006": "2026-09-28 2026-10-08 2026-10-27",
    "D-1057": "2026-10-19 2026-10-28",
}


def stage_path(typ: str, stage: str) -> list[str]:
    """Stages a deal went through, in order: renewals skip Discovery and Demo."""
    route = ["Prospecting", "Proposal", "Negotiation"] if typ == "renewal" else STAGES[:5]
    final, _, lost_after = stage.partition("@")
    if final == "Closed Won":
        return route + ["Closed Won"]
    if final == "Closed Lost":
        return route[: route.index(lost_after) + 1] + ["Closed Lost"]
    return route[: route.index(final) + 1]


def build_stage_history() -> tuple[list[str], list[list]]:
    rng = rng_for("deal_stage_history.csv")
    rows = []
    for did, _acc, _name, _owner, typ, _amount, stage, created, close, _orig, _fc in DEALS:
        path = stage_path(typ, stage)
        if did in EXPLICIT_HISTORY:
            dates = EXPLICIT_HISTORY[did].split()
            rows.extend([did, st, day] for st, day in zip(path, dates, strict=True))
            continue
        start = d(created)
        closed = path[-1].startswith("Closed")
        end = d(close) if closed else TODAY - timedelta(days=int(rng.integers(2, 12)))
        end = max(end, min(TODAY, start + timedelta(days=len(path) + 1)))
        span = (end - start).days
        inner = len(path) - 2 if closed else len(path) - 1
        # distinct, sorted day offsets strictly between creation and the closing (or latest) stage
        offsets = sorted(rng.choice(np.arange(1, span), size=inner, replace=False).tolist()) if inner else []
        days = [0] + offsets + ([span] if closed else [])
        for st, off in zip(path, days, strict=True):
            rows.append([did, st, (start + timedelta(days=int(off))).isoformat()])
    return ["deal_id", "stage", "entered_date"], rows


# --------------------------------------------------------------------------------------------- usage
SEASON = {1: 0.93, 2: 0.91, 3: 0.97, 4: 0.98, 5: 1.0, 6: 0.99, 7: 0.97, 8: 0.96, 9: 1.0, 10: 1.03, 11: 1.09,
          12: 1.16}


def usage_months(acc: tuple) -> list[str]:
    first = max("2024-01", acc[9][:7])
    last = min("2026-10", acc[14][:7]) if acc[14] else "2026-10"
    return month_range(first, last)


def build_usage() -> tuple[list[str], list[list]]:
    rng = rng_for("product_usage.csv")
    rows = []
    for acc in ACCOUNTS:
        aid, seats, profile, tx0, ticket = acc[0], acc[12], acc[15], acc[16], acc[17]
        months = usage_months(acc)
        n = len(months)
        for i, month in enumerate(months):
            t = i / max(n - 1, 1)
            adoption = 58.0 + rng.normal(0, 1.5)
            login_rate = rng.uniform(15, 21)
            if profile == "growth":
                util = 0.72 + 0.24 * t
                adoption = 47.0 + 27.0 * t + rng.normal(0, 1.2)
            elif profile == "risk":
                util = 0.84
                k = months.index(month) - months.index(RISK_DECLINE_FROM[aid]) if month >= RISK_DECLINE_FROM[aid] else -1
                if k >= 0:
                    util *= 0.86 ** (k + 1)
                    adoption -= 4.5 * (k + 1)
                    login_rate *= 0.9 ** (k + 1)
            elif profile == "churned":
                k = i - (n - 5)
                util = 0.8 * (0.8 ** (k + 1) if k >= 0 else 1.0)
                if k >= 0:
                    adoption -= 5.0 * (k + 1)
            elif profile == "onboarding":
                util, adoption = 0.25, 18.0 + rng.normal(0, 1)
            else:
                util = 0.8
            util *= 1 + rng.normal(0, 0.025)
            users = max(1, round(seats * min(util, 1.0)))
            year_growth = 1.12 ** ((int(month[:4]) - 2024) + (int(month[5:]) - 1) / 12)
            tx = tx0 * (util / 0.8) * year_growth * SEASON[int(month[5:])] * (1 + rng.normal(0, 0.04))
            if profile == "onboarding":
                tx = tx0
            tx = round(tx)
            volume = tx * ticket * (1 + rng.normal(0, 0.03))
            rows.append([aid, month, users, tx, f"{volume:.2f}", f"{min(max(adoption, 5.0), 95.0):.1f}",
                         round(users * login_rate)])
    return ["account_id", "month", "active_users", "transactions", "payment_volume_usd", "feature_adoption_pct",
            "logins"], rows


# --------------------------------------------------------------------------------------------- support
TICKET_SUBJECTS = {
    "low": ["Request: add a user to the dashboard", "Question about payout schedule settings",
            "How to export the monthly fee report as CSV", "Update company logo on hosted payment page",
            "Request for PCI AOC document", "Change billing contact email", "Typo in receipt email template"],
    "normal": ["Refund not showing in settlement report", "Webhook retries for payment_intent.succeeded",
               "Customer receipt emails delayed", "Duplicate customer records after CSV import",
               "API key rotation question", "Card updater did not refresh expired cards",
               "Chargeback evidence upload fails for PDFs over 5 MB", "SEPA mandate reference format",
               "Dashboard slow when filtering 90 days of transactions", "3-D Secure challenge shown twice"],
    "high": ["Payouts delayed by one business day", "Reconciliation export missing fee lines",
             "Intermittent 502 errors on /v1/charges", "ACH returns not posted to ledger",
             "Apple Pay button missing on Safari checkout", "Invoice PDFs show wrong VAT rate"],
    "critical": ["Checkout down: all card payments failing", "Settlement file not delivered",
                 "Payout batch stuck in processing", "Duplicate charges on recurring billing run"],
}
STORY_TICKETS = [  # account, opened, closed, priority, sla breached, csat, subject
    ("A001", "2026-10-27", "", "critical", 1, "", "ACH settlement files missing since Oct 27 - reconciliation blocked"),
    ("A001", "2026-09-14", "2026-09-29", "high", 1, "2", "Carrier payout batch rejected by bank (NACHA format)"),
    ("A001", "2026-08-03", "2026-08-11", "high", 0, "3", "Reconciliation export missing fee lines"),
    ("A002", "2026-10-06", "", "high", 1, "", "Invoice PDFs show wrong VAT rate after October update"),
    ("A002", "2026-08-18", "2026-09-02", "high", 1, "2", "Patient payment links expire after 24h instead of 7 days"),
    ("A003", "2026-11-02", "", "critical", 1, "", "Recurring membership charges failing for about 8% of members"),
    ("A003", "2026-09-21", "2026-10-05", "high", 1, "1", "Card updater did not refresh expired cards before billing run"),
    ("A004", "2026-10-19", "", "critical", 1, "", "AUD payouts to airline settlement (BSP) delayed more than 48h"),
    ("A004", "2026-09-08", "2026-09-24", "high", 1, "2", "Multi-currency FX rates stale in settlement report"),
    ("A019", "2025-06-10", "2025-06-19", "critical", 1, "1", "Parking kiosks declining contactless cards"),
]
TICKET_RATE = {"SMB": 0.6, "Mid-Market": 1.1, "Enterprise": 2.4}
CLOSE_DAYS = {"low": (1, 10), "normal": (1, 7), "high": (0, 4), "critical": (0, 2)}
BREACH_P = {"low": 0.02, "normal": 0.04, "high": 0.08, "critical": 0.2}


def build_tickets() -> tuple[list[str], list[list]]:
    rng = rng_for("support_tickets.csv")
    tickets = []
    for acc in ACCOUNTS:
        aid, segment, profile = acc[0], acc[4], acc[15]
        first = max(d("2025-01-01"), d(acc[9]))
        last = d(acc[14]) if acc[14] else TODAY - timedelta(days=1)
        day = first
        rate_per_day = TICKET_RATE[segment] / 30.0
        while True:
            day += timedelta(days=int(rng.exponential(1 / rate_per_day)) + 1)
            if day > last:
                break
            priority = rng.choice(["low", "normal", "high", "critical"], p=[0.3, 0.52, 0.15, 0.03])
            if profile == "risk" and priority == "critical":
                priority = "high"  # the risk accounts get their critical tickets from the story list
            lo, hi = CLOSE_DAYS[priority]
            closed = day + timedelta(days=int(rng.integers(lo, hi + 1)))
            breached = int(rng.random() < BREACH_P[priority])
            csat = ""
            if rng.random() < 0.7:
                base = 4.4 - 1.5 * breached - (0.6 if profile == "risk" and day >= d("2026-06-01") else 0)
                csat = str(int(np.clip(round(base + rng.normal(0, 0.7)), 1, 5)))
            subject = str(rng.choice(TICKET_SUBJECTS[priority]))
            if closed >= TODAY:
                tickets.append([aid, day.isoformat(), "", priority, "open", breached, "", subject])
            else:
                tickets.append([aid, day.isoformat(), closed.isoformat(), priority, "closed", breached, csat, subject])
    for aid, opened, closed, priority, breached, csat, subject in STORY_TICKETS:
        tickets.append([aid, opened, closed, priority, "closed" if closed else "open", breached, csat, subject])
    tickets.sort(key=lambda r: (r[1], r[0], r[7]))
    rows = [[f"T-{20001 + i}"] + t for i, t in enumerate(tickets)]
    return ["ticket_id", "account_id", "opened_date", "closed_date", "priority", "status", "sla_breached", "csat",
            "subject"], rows


# --------------------------------------------------------------------------------------------- billing
# (account, issue month) -> days paid after due (None = still unpaid)
LATE_STORIES = {
    ("A001", "2026-10"): 10,
    ("A002", "2026-06"): 12, ("A002", "2026-07"): 18, ("A002", "2026-08"): 26, ("A002", "2026-09"): None,
    ("A002", "2026-10"): None,
    ("A003", "2026-08"): 9, ("A003", "2026-09"): 15, ("A003", "2026-10"): None,
    ("A004", "2026-07"): 21, ("A004", "2026-10"): None,
    ("A019", "2025-07"): 14, ("A019", "2025-09"): 35, ("A020", "2026-04"): 20,
}


def build_invoices() -> tuple[list[str], list[list]]:
    rng = rng_for("invoices.csv")
    invoices = []
    for acc in ACCOUNTS:
        aid, segment, arr = acc[0], acc[4], acc[11]
        monthly = segment == "SMB"
        last_month = acc[14][:7] if acc[14] else "2026-10"
        anniversary = d(acc[10]) - timedelta(days=365)
        for month in month_range(max("2025-01", acc[9][:7]), last_month):
            if not monthly and int(month[5:]) % 3 != 1:
                continue
            issue = d(month + "-01")
            issue = max(issue, d(acc[9]))
            due = issue + timedelta(days=30)
            if due >= TODAY or (acc[14] and issue > d(acc[14])):
                continue
            value = arr * (1.0 if issue >= anniversary else 0.93) / (12 if monthly else 4)
            key = (aid, month)
            if key in LATE_STORIES:
                late = LATE_STORIES[key]
            elif rng.random() < 0.05:
                late = int(rng.integers(3, 20))
            else:
                late = -int(rng.integers(0, 13))
            if late is None:
                paid, status = "", "overdue"
            else:
                paid_day = due + timedelta(days=late)
                paid, status = paid_day.isoformat(), "late" if late > 0 else "paid"
            invoices.append([aid, issue.isoformat(), due.isoformat(), paid, f"{value:.2f}", status])
    invoices.sort(key=lambda r: (r[1], r[0]))
    rows = [[f"INV-{r[1][:4]}-{i + 1:04d}"] + r for i, r in enumerate(invoices)]
    return ["invoice_id", "account_id", "issue_date", "due_date", "paid_date", "amount_usd", "status"], rows


# --------------------------------------------------------------------------------------------- NPS
NPS_WAVES = ["2025-03-15", "2025-09-15", "2026-03-16", "2026-09-14"]
NPS_COMMENTS = {
    "promoter": ["Payouts arrive on time and reconciliation finally matches our ledger.",
                 "Support answers fast and knows payments. Onboarding of new sites was smooth.",
                 "The dashboard saves our finance team hours every month.",
                 "Reliable platform; we have not had a failed billing run in a year.",
                 "Great account team, proactive about new payment methods.", ""],
    "passive": ["Works well overall, but fee reporting could be clearer.",
                "Good product; the API docs for refunds need more examples.",
                "Happy with uptime. Pricing for international cards is on the high side.",
                "Solid, though it took a while to get SEPA mandates migrated.", ""],
    "detractor": ["Too many payout delays lately and nobody owns the problem.",
                  "Support tickets sit for days. We expected more for the price.", ""],
}
STORY_NPS = {  # (account, wave index) -> (score, comment)
    ("A001", 2): (7, "Fine overall; the carrier payout project went nowhere though."),
    ("A001", 3): (3, ("Settlement files keep breaking our reconciliation. SwiftPay offered us a lower rate and a "
                     "dedicated engineer; we are evaluating it.")),
    ("A002", 2): (6, "Billing questions take too long to answer."),
    ("A002", 3): (2, "Invoices with the wrong VAT rate, payment links expiring. SwiftPay quoted us 20% less."),
    ("A003", 2): (6, "Card updater misses too many expired cards, members get failed charges."),
    ("A003", 3): (2, "Failed membership charges cost us real revenue. Looking at SwiftPay."),
    ("A004", 2): (8, "James and the PayReady team built a great payout setup."),
    ("A004", 3): (5, "Since our payments lead left we get little proactive help; payout delays to BSP hurt."),
    ("A019", 1): (3, "Kiosk outage in June was the last straw. SwiftPay is cheaper per transaction."),
    ("A020", 2): (6, "Good service, but we are closing shops and need to cut costs."),
}
NPS_MEAN = {"growth": 9.0, "stable": 8.0, "risk": 7.5, "churned": 6.5}


def build_nps() -> tuple[list[str], list[list]]:
    rng = rng_for("nps.csv")
    rows = []
    for acc in ACCOUNTS:
        aid, profile = acc[0], acc[15]
        if profile == "onboarding":
            continue
        for w, wave in enumerate(NPS_WAVES):
            day = d(wave) + timedelta(days=int(rng.integers(0, 12)))
            if day < d(acc[9]) + timedelta(days=90) or (acc[14] and day > d(acc[14])):
                continue
            if (aid, w) in STORY_NPS:
                score, comment = STORY_NPS[(aid, w)]
            else:
                if rng.random() < 0.15:  # not every account answers every wave
                    continue
                score = int(np.clip(round(NPS_MEAN[profile] + rng.normal(0, 1.0)), 0, 10))
                band = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                comment = str(rng.choice(NPS_COMMENTS[band]))
            rows.append([aid, day.isoformat(), score, comment])
    rows.sort(key=lambda r: (r[1], r[0]))
    return ["account_id", "date", "score", "comment"], rows


# --------------------------------------------------------------------------------------------- activities
ROUTINE = {
    "email": ["Monthly payments summary", "Re: payout schedule question", "Invoice copy request",
              "New in PayReady: instant payouts", "Re: webhook retries on failed events", "Re: fee report columns",
              "Agenda for our next review", "Re: adding users to the dashboard", "Release notes: reconciliation v3"],
    "meeting": ["Quarterly business review", "Payments operations sync", "Roadmap preview",
                "Executive sponsor check-in", "Reconciliation workshop"],
    "call": ["Check-in call", "Quick call on payout timing", "Call: fee statement walkthrough"],
    "note": ["Internal: account plan updated", "Internal: expansion idea logged", "Internal: stakeholder map refreshed"],
}
STAGE_ACTIVITY = {"Discovery": ("meeting", "Discovery meeting"), "Demo": ("meeting", "Product demo"),
                  "Proposal": ("email", "Proposal sent"), "Negotiation": ("email", "Order form and pricing redlines"),
                  "Closed Won": ("email", "Signed order form received"), "Closed Lost": ("note", "Closed lost")}
STORY_ACTIVITIES = [  # account, owner, type, date, subject, contact (first last or "")
    ("A001", "O08", "note", "2026-08-12", "Active users down since June: dispatch team moved to a new TMS; usage review requested", ""),
    ("A001", "O08", "note", "2026-10-30", "Escalation: ACH settlement files missing (critical ticket, SLA breached). Dale says SwiftPay pitched 0.2 pts lower pricing", ""),
    ("A001", "O02", "email", "2026-11-11", "Follow-up to QBR: remediation plan and renewal options", "Dale Porter"),
    ("A002", "O07", "email", "2026-09-22", "Reminder: two invoices past due", "Sabine Keller"),
    ("A002", "O07", "note", "2026-10-16", "Risk: SwiftPay offered 20% off plus free migration; VAT invoice bug still open", ""),
    ("A003", "O08", "note", "2026-11-03", "Critical ticket on failed membership charges; Kevin Doyle mentioned moving to SwiftPay", ""),
    ("A003", "O06", "email", "2026-11-04", "Re: failed recurring charges - action plan", "Kevin Doyle"),
    ("A004", "O09", "note", "2026-08-28", "James Whitmore (exec sponsor, Head of Payments) has left Kestrel; no new sponsor yet", ""),
    ("A004", "O09", "email", "2026-09-02", "Introduction request to the new payments leadership", "Olivia Hart"),
    ("A004", "O09", "note", "2026-10-21", "Critical AUD payout ticket open; no reply from Olivia Hart to three emails", ""),
    ("A009", "O07", "meeting", "2026-10-28", "Onboarding kickoff", "Felix Wagner"),
    ("A009", "O07", "meeting", "2026-11-06", "Onboarding: SEPA mandate migration and sandbox review", "Anna Schulz"),
    ("A009", "O07", "email", "2026-11-13", "Go-live checklist for December 1", "Felix Wagner"),
    ("A019", "O08", "note", "2025-09-10", "Renewal lost to SwiftPay on price (2.4% + 20c vs our 2.7% + 30c) after the June kiosk outage", ""),
    ("A019", "O06", "email", "2026-11-06", "Checking in a year after the switch", "Tina Marsh"),
    ("A020", "O07", "note", "2026-04-08", "Not renewing: closing 4 of 9 shops and cutting costs; left on good terms", ""),
]
TOUCH_GAP = {"SMB": 30, "Mid-Market": 17, "Enterprise": 11}


def call_meta() -> dict[str, dict]:
    return {c[0]: parse_call(SOURCES / "calls" / f"{c[1]}.txt") for c in CALLS}


def build_activities() -> tuple[list[str], list[list]]:
    rng = rng_for("activities.csv")
    by_account: dict[str, list[str]] = {}
    for i, c in enumerate(CONTACTS, start=1):
        by_account.setdefault(c[0], []).append(f"C{i:03d}")
    acts = []
    for acc in ACCOUNTS:
        aid, segment, ae, csm = acc[0], acc[4], acc[6], acc[7]
        day = max(d("2025-05-01"), d(acc[8]) if acc[15] == "onboarding" else d(acc[9]))
        last = d(acc[14]) if acc[14] else TODAY - timedelta(days=1)
        if aid == "A004":
            last = d("2026-08-27")  # the sponsor left: the account went quiet
        while True:
            day += timedelta(days=int(rng.exponential(TOUCH_GAP[segment])) + 1)
            if day > last:
                break
            typ = str(rng.choice(["email", "meeting", "call", "note"], p=[0.5, 0.2, 0.15, 0.15]))
            owner = ae if rng.random() < 0.45 else csm
            contact = "" if typ == "note" else str(rng.choice(by_account[aid]))
            acts.append([aid, contact, owner, typ, day.isoformat(), str(rng.choice(ROUTINE[typ])), ""])
    history = build_stage_history()[1]
    deals = {r[0]: r for r in DEALS}
    for did, stage, entered in history:
        if stage not in STAGE_ACTIVITY:
            continue
        aid, name, owner = deals[did][1], deals[did][2], deals[did][3]
        typ, label = STAGE_ACTIVITY[stage]
        contact = "" if typ == "note" else champion_of(aid, by_account)
        acts.append([aid, contact, owner, typ, entered, f"{label}: {name}", ""])
    for aid, owner, typ, day, subject, who in STORY_ACTIVITIES:
        contact = contact_id(aid, *who.split(" ", 1)) if who else ""
        acts.append([aid, contact, owner, typ, day, subject, ""])
    meta = call_meta()
    for cid, _stem, _fmt, aid, _deal, rep, _ctype in CALLS:
        m = meta[cid]
        external = [p for p in m["speakers"].values() if p["affiliation"] == "External"]
        first, last = external[0]["name"].split(" ", 1)
        acts.append([aid, contact_id(aid, first, last), rep, "call", m["date"], m["title"], cid])
    acts.sort(key=lambda r: (r[4], r[0], r[3], r[5]))
    rows = [[f"ACT-{i + 1:05d}"] + r for i, r in enumerate(acts)]
    return ["activity_id", "account_id", "contact_id", "owner_id", "type", "date", "subject", "call_id"], rows


def champion_of(account_id: str, by_account: dict[str, list[str]]) -> str:
    for i, c in enumerate(CONTACTS, start=1):
        if c[0] == account_id and c[4] == 1:
            return f"C{i:03d}"
    return by_account[account_id][0]


# --------------------------------------------------------------------------------------------- revenue
REVENUE_BASE = {  # monthly revenue in 2021-01 (USD) and yearly growth
    ("Enterprise", "NA"): (905000, 0.17), ("Mid-Market", "NA"): (648000, 0.21), ("SMB", "NA"): (418000, 0.24),
    ("Enterprise", "EMEA"): (522000, 0.19), ("Mid-Market", "EMEA"): (377000, 0.23), ("SMB", "EMEA"): (262000, 0.26),
    ("Enterprise", "APAC"): (238000, 0.31), ("Mid-Market", "APAC"): (171000, 0.34), ("SMB", "APAC"): (108000, 0.36),
}
ANOMALY = (("SMB", "EMEA"), "2024-08", 0.61)  # Aug 6-9 2024 processing outage + service credits


def build_revenue() -> tuple[list[str], list[list]]:
    rng = rng_for("revenue_monthly.csv")
    rows = []
    months = month_range("2021-01", "2026-10")
    for (segment, region), (base, growth) in REVENUE_BASE.items():
        noise = rng.normal(0, 0.022, size=len(months))
        for i, month in enumerate(months):
            value = base * (1 + growth) ** (i / 12) * SEASON[int(month[5:])] * (1 + noise[i])
            if (segment, region) == ANOMALY[0] and month == ANOMALY[1]:
                value *= ANOMALY[2]
            rows.append([month, segment, region, f"{value:.2f}"])
    rows.sort(key=lambda r: (r[0], ["Enterprise", "Mid-Market", "SMB"].index(r[1]), ["NA", "EMEA", "APAC"].index(r[2])))
    return ["month", "segment", "region", "revenue_usd"], rows


# --------------------------------------------------------------------------------------------- churn history
TIERS = [("Starter", 1, 5, 49.0), ("Growth", 5, 25, 89.0), ("Scale", 20, 80, 79.0), ("Enterprise", 60, 300, 69.0)]


def build_churn_history() -> tuple[list[str], list[list]]:
    """~800 past accounts; churn follows a noisy logistic model of the features (coefficients in the README)."""
    rng = rng_for("churn_history.csv")
    n = 800
    tier_idx = rng.choice(4, size=n, p=[0.34, 0.36, 0.21, 0.09])
    rows = []
    for i in range(n):
        tier, lo, hi, fee = TIERS[tier_idx[i]]
        seats = int(rng.integers(lo, hi + 1))
        monthly_fee = seats * fee * rng.uniform(0.85, 1.1)
        tenure = int(np.clip(rng.gamma(2.0, 14.0), 1, 96))
        usage_trend = float(np.clip(rng.normal(3.0, 18.0), -70, 60))
        tickets = int(rng.poisson(1.0 + seats / 40))
        critical = int(rng.binomial(tickets, 0.12))
        late = int(rng.poisson(0.5))
        sponsor = rng.random() < (0.35 + 0.12 * tier_idx[i])
        nps = float(np.clip(round(7.4 + 0.04 * usage_trend - 0.5 * critical + rng.normal(0, 1.6)), 0, 10))
        logins_per_seat = max(0.5, 14.0 * (1 + usage_trend / 120) + rng.normal(0, 3.0))
        region = str(rng.choice(["NA", "EMEA", "APAC"], p=[0.5, 0.32, 0.18]))
        logit = (-1.05 - 0.045 * usage_trend + 0.75 * critical + 0.42 * late - 0.26 * (nps - 7)
                 - 0.85 * sponsor - 0.018 * tenure + 0.05 * (tickets - critical) + rng.normal(0, 0.6))
        churned = rng.random() < 1 / (1 + np.exp(-logit))
        nps_text = "" if rng.random() < 0.04 else str(int(nps))
        rows.append([f"CH-{i + 1:05d}", tenure, tier, seats, f"{monthly_fee:.2f}", f"{usage_trend:.1f}", tickets,
                     critical, late, nps_text, "Y" if sponsor else "N", f"{logins_per_seat:.1f}", region,
                     "yes" if churned else "no"])
    return ["cust_ref", "tenure_m", "plan_tier", "seats", "monthly_fee", "usage_trend_pct", "tickets_90d",
            "critical_tickets_90d", "late_invoices_12m", "nps_last", "exec_sponsor", "logins_per_seat", "region",
            "churned_flag"], rows


# --------------------------------------------------------------------------------------------- calls
TURN = re.compile(r"^(~?)([A-Z]{2,3}): (.*)$")
SENTENCE_END = re.compile(r"(?<!\bDr\.)(?<!\bMr\.)(?<!\bMrs\.)(?<=[.!?])\s+(?=[A-Z0-9\"'$])")


def parse_call(path: Path) -> dict:
    """Read a dialogue script: ``key: value`` header, ``---``, then ``XX: text`` turns and ``# Topic`` lines."""
    head, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
    meta: dict = {"speakers": {}, "turns": []}
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        if key == "speaker":
            code, name, title, affiliation, email, wpm = [p.strip() for p in value.split("|")]
            meta["speakers"][code] = {"name": name, "title": title, "affiliation": affiliation, "email": email,
                                      "wpm": float(wpm)}
        elif key:
            meta[key] = value.strip()
    topic = None
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("# "):
            topic = line[2:].strip()
            continue
        m = TURN.match(line)
        if m:
            meta["turns"].append({"overlap": bool(m.group(1)), "speaker": m.group(2), "text": m.group(3),
                                  "topic": topic})
        else:
            meta["turns"][-1]["text"] += " " + line
    return meta


def time_call(meta: dict, rng: np.random.Generator) -> list[dict]:
    """Sentence timings: per-speaker speaking rate, 0.2-0.6 s between sentences, 0.25-1.8 s between turns,
    and interjections marked ``~`` overlap the end of the previous turn by 0.3-0.9 s."""
    sentences = []
    clock, prev_last_start = 1.4, 0.0
    for turn_no, turn in enumerate(meta["turns"]):
        spk = meta["speakers"][turn["speaker"]]
        if turn["overlap"] and sentences:
            start = max(prev_last_start + 0.4, clock - rng.uniform(0.3, 0.9))
        else:
            start = clock + (rng.uniform(0.25, 1.8) if sentences else 0.0)
        for k, text in enumerate(SENTENCE_END.split(turn["text"])):
            if k:
                start += rng.uniform(0.2, 0.6)
            words = len(text.split())
            dur = max(0.45, words / spk["wpm"] * 60.0 * rng.uniform(0.93, 1.07))
            sentences.append({"speaker": turn["speaker"], "start": round(start, 2), "end": round(start + dur, 2),
                              "text": text, "topic": turn["topic"], "turn": turn_no})
            prev_last_start = start
            start += dur
        clock = max(clock, start)
    return sentences


def ts(sec: float, sep: str = ".") -> str:
    ms = round(sec * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def render_gong(cid: str, meta: dict, sentences: list[dict], rng: np.random.Generator) -> bytes:
    ids = {code: str(int(rng.integers(10**18, 9 * 10**18))) for code in meta["speakers"]}
    parties = []
    for code, spk in meta["speakers"].items():
        party = {"id": str(int(rng.integers(10**18, 9 * 10**18))), "emailAddress": spk["email"], "name": spk["name"],
                 "title": spk["title"], "speakerId": ids[code], "affiliation": spk["affiliation"],
                 "methods": ["Invitee"]}
        if spk["affiliation"] == "Internal":
            party["userId"] = str(int(rng.integers(10**18, 9 * 10**18)))
        parties.append(party)
    monologues: list[dict] = []
    for s in sorted(sentences, key=lambda x: x["start"]):
        if not monologues or monologues[-1]["speakerId"] != ids[s["speaker"]]:
            monologues.append({"speakerId": ids[s["speaker"]], "topic": s["topic"], "sentences": []})
        monologues[-1]["sentences"].append({"start": round(s["start"] * 1000), "end": round(s["end"] * 1000),
                                            "text": s["text"]})
    doc = {"requestId": f"{int(rng.integers(10**15, 10**16)):x}",
           "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
           "callTranscripts": [{"callId": cid, "transcript": monologues}], "parties": parties}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def render_vtt(meta: dict, sentences: list[dict]) -> bytes:
    out = ["WEBVTT", ""]
    for n, s in enumerate(sorted(sentences, key=lambda x: x["start"]), start=1):
        name = meta["speakers"][s["speaker"]]["name"]
        out += [str(n), f"{ts(s['start'])} --> {ts(s['end'])}", f"<v {name}>{s['text']}</v>", ""]
    return "\n".join(out).encode("utf-8")


def render_srt(meta: dict, sentences: list[dict]) -> bytes:
    out = []
    for n, s in enumerate(sorted(sentences, key=lambda x: x["start"]), start=1):
        name = meta["speakers"][s["speaker"]]["name"]
        out += [str(n), f"{ts(s['start'], ',')} --> {ts(s['end'], ',')}", f"{name}: {s['text']}", ""]
    return "\n".join(out).encode("utf-8")


def render_text(meta: dict, sentences: list[dict]) -> bytes:
    out, current = [], None
    for s in sorted(sentences, key=lambda x: x["start"]):
        if current is None or s["turn"] != current:
            name = meta["speakers"][s["speaker"]]["name"]
            sec = int(s["start"])
            out.append(f"[{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}] {name}: {s['text']}")
            current = s["turn"]
        else:
            out[-1] += " " + s["text"]
    return ("\n".join(out) + "\n").encode("utf-8")


EXT = {"gong_json": "json", "vtt": "vtt", "srt": "srt", "text": "txt"}


def render_calls() -> tuple[list[tuple[str, bytes]], tuple[list[str], list[list]]]:
    files, index = [], []
    for cid, stem, fmt, aid, deal, rep, ctype in CALLS:
        meta = parse_call(SOURCES / "calls" / f"{stem}.txt")
        rng = rng_for(f"calls/{cid}")
        sentences = time_call(meta, rng)
        if fmt == "gong_json":
            data = render_gong(cid, meta, sentences, rng)
        elif fmt == "vtt":
            data = render_vtt(meta, sentences)
        elif fmt == "srt":
            data = render_srt(meta, sentences)
        else:
            data = render_text(meta, sentences)
        name = f"{meta['date']}_{stem}.{EXT[fmt]}"
        files.append((f"calls/{name}", data))
        index.append([cid, name, fmt, aid, deal, meta["date"], rep, ctype])
    return files, (["call_id", "file", "format", "account_id", "deal_id", "date", "rep_owner_id", "call_type"],
                   index)


# --------------------------------------------------------------------------------------------- resumes
BINARY_RESUMES = [("amelia_brooks", "docx"), ("rahul_mehta", "docx"), ("daniel_kowalski", "pdf")]
FIXED_TIME = datetime(2026, 11, 1, 9, 0, 0)


def render_docx(text: str) -> bytes:
    """A .docx from the resume text ('# ' headings, '- ' bullets), re-zipped with fixed timestamps."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    lines = text.strip().splitlines()
    doc.add_heading(lines[0], level=0)
    for line in lines[1:]:
        if line.startswith("# "):
            doc.add_heading(line[2:], level=1)
        elif line.startswith("- "):
            doc.add_paragraph(line[2:], style="List Bullet")
        elif line.strip():
            para = doc.add_paragraph(line)
            para.paragraph_format.space_after = Pt(2)
    props = doc.core_properties
    props.author = props.last_modified_by = "sophia_crew demo data"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.title = lines[0]
    raw = io.BytesIO()
    doc.save(raw)
    return rezip(raw.getvalue())


def rezip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def pdf_escape(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def render_pdf(text: str) -> bytes:
    """A plain text PDF (Helvetica, A4) written by hand so no PDF library is needed and bytes are stable."""
    import textwrap

    lines: list[tuple[str, str]] = []
    raw = text.strip().splitlines()
    lines.append(("F2", raw[0]))
    for line in raw[1:]:
        if line.startswith("# "):
            lines += [("F1", ""), ("F2", line[2:])]
        elif line.startswith("- "):
            wrapped = textwrap.wrap(line[2:], 88) or [""]
            lines += [("F1", "-  " + wrapped[0])] + [("F1", "   " + w) for w in wrapped[1:]]
        else:
            lines += [("F1", w) for w in (textwrap.wrap(line, 92) or [""])]
    pages = [lines[i:i + 56] for i in range(0, len(lines), 56)]
    objects: list[bytes] = []
    n_pages = len(pages)
    page_ids = [5 + 2 * i for i in range(n_pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    for i, page in enumerate(pages):
        ops = ["BT", "56 786 Td", "14 TL"]
        for font, line in page:
            size = 12 if font == "F2" else 10
            ops.append(f"/{font} {size} Tf ({pdf_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R "
                       f"/F2 4 0 R >> >> /Contents {page_ids[i] + 1} 0 R >>".encode())
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    objects.append(b"<< /Producer (sophia_crew build_demo_data.py) /Title (Resume) >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{num} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
              f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def render_resumes() -> list[tuple[str, bytes]]:
    files = []
    for stem, fmt in BINARY_RESUMES:
        text = (SOURCES / "resumes" / f"{stem}.txt").read_text(encoding="utf-8")
        data = render_docx(text) if fmt == "docx" else render_pdf(text)
        files.append((f"recruiting/resumes/{stem}.{fmt}", data))
    return files


# --------------------------------------------------------------------------------------------- main
def build_all() -> list[tuple[str, bytes]]:
    """Every generated file as (path relative to the tenant folder, bytes)."""
    tables = {
        "owners.csv": build_owners, "accounts.csv": build_accounts, "contacts.csv": build_contacts,
        "deals.csv": build_deals, "deal_stage_history.csv": build_stage_history, "activities.csv": build_activities,
        "product_usage.csv": build_usage, "support_tickets.csv": build_tickets, "invoices.csv": build_invoices,
        "nps.csv": build_nps, "revenue_monthly.csv": build_revenue, "churn_history.csv": build_churn_history,
    }
    files = [(name, to_csv(*fn())) for name, fn in tables.items()]
    call_files, index = render_calls()
    files += call_files + [("calls/index.csv", to_csv(*index))]
    files += render_resumes()
    return files


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the PayReady demo tenant (deterministic).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: the package's)")
    args = parser.parse_args(argv)
    files = build_all()
    for rel, data in files:
        path = args.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(files)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
