"""Main-text and company-profile extraction (trafilatura + meta tags + schema.org + page text)."""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import trafilatura

from .models import CompanyProfile, Fact, FetchResult, InjectionFlag
from .safety import detect_injection, is_suspicious
from .textutil import drop_noise, element_lines, evidence, parse_html, short, snippet

_PLACEHOLDER_DOMAINS = re.compile(
    r"@(example|domain|email|yourdomain|yourcompany|company|test|sentry)\.", re.IGNORECASE
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w.,])(\+|00)?\d[\d\s()/.\-–]{5,}\d(?![\w.,]\d)")
_PHONE_LABEL = re.compile(
    r"\b(tel|telefon|phone|fon|call us|mobil|mobile|hotline|t)\b\s*[.:]?\s*$", re.IGNORECASE
)
_STREET = re.compile(r"^[A-ZÄÖÜ][\wäöüßÄÖÜ.\- ]{2,40}\s\d{1,4}[a-zA-Z]?(\s?[-–]\s?\d{1,4})?(\s\(\d+\))?,?$")
_POSTCODE_CITY = re.compile(
    r"^(?:([A-Z]{1,2})\s?-\s?)?(\d{4,5}(?:\s[A-Z]{2})?)\s+([A-ZÄÖÜ][\wäöüßÄÖÜ.\- ]{1,40})$"
)
_US_ADDRESS = re.compile(
    r"\b\d{1,5}\s[A-Z][\w .]{1,40}?\b(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Way|Lane|Drive|Dr\.?)"
    r"(?:,?\s(?:Suite|Ste\.?|Floor|Fl\.?|#)\s?\w+)?,\s[A-Z][A-Za-z .]{1,30},\s[A-Z]{2}\s\d{5}(?:-\d{4})?"
)
_OFFER_HEADING = re.compile(
    r"^(our |unsere )?(products?|services|solutions|produkte|leistungen|dienstleistungen|lösungen|angebot|"
    r"what we (do|offer)|platform)\s*:?$|(products|services|solutions|leistungen|feldern|bereichen|produkte|"
    r"we offer|bieten)\b[^:]{0,40}:$",
    re.IGNORECASE,
)
_LIST_PREFIX = re.compile(r"^\s*(\d{1,2}[.)]|[-•·*–])\s*")


def main_text(page: FetchResult) -> str:
    """Main content of a page with navigation, footers and other boilerplate removed (trafilatura).

    Returns an empty string when trafilatura finds no main content.
    """
    text = trafilatura.extract(
        page.text, url=page.final_url, include_comments=False, include_tables=True, deduplicate=True
    )
    return text or ""


def page_title(page: FetchResult) -> str:
    """The page's <title> (else trafilatura's title guess), empty when absent."""
    m = re.search(r"<title[^>]*>(.*?)</title>", page.text, re.IGNORECASE | re.DOTALL)
    if m and m.group(1).strip():
        return html_lib.unescape(re.sub(r"\s+", " ", m.group(1)).strip())
    meta = trafilatura.extract_metadata(page.text)
    return (meta.title if meta and meta.title else "") or ""


def json_ld_objects(doc: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page, flattening ``@graph`` and lists; invalid blocks are skipped."""
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                yield item


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type", [])
    return {str(t) for t in (value if isinstance(value, list) else [value])}


def _meta(doc: Any, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            hits = doc.xpath(f'//meta[@{attr}="{name}"]/@content')
            if hits and hits[0].strip():
                return hits[0].strip()
    return None


_COPYRIGHT = re.compile(
    r"(?:©|&copy;|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*([A-Z][\w&.\- ]{1,40}?)(?:,?\s+(?:Inc|Ltd|LLC|GmbH|AG|SA|BV|plc|Corp)\b\.?)?[.,]|$",
    re.IGNORECASE,
)


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-zäöüß]", "", text.casefold())


def _name_from_title(title: str, url: str, lines: list[str] | None = None) -> str | None:
    """Brand name from a <title>: the part that matches the domain or the copyright holder."""
    parts = [p.strip() for p in re.split(r"\s[|–—-]\s|\s::\s|\s·\s", title) if p.strip()]
    host = urlsplit(url).hostname or ""
    labels = [lab for lab in host.split(".") if lab not in ("www", "") and not lab.isdigit()]
    hints = [labels[-2] if len(labels) >= 2 else (labels[0] if labels else "")]
    for line in lines or []:
        m = _COPYRIGHT.search(line)
        if m and m.group(1) and m.group(1).strip():
            hints.append(m.group(1).strip())
    hints = [_squash(h) for h in hints if _squash(h)]
    for part in parts:
        squashed = _squash(part)
        if any(
            h == squashed or (len(h) > 3 and len(part.split()) <= 3 and squashed.endswith(h)) for h in hints
        ):
            return part
    for hint in hints:  # "About SwiftPay": take the brand word out of the part
        for part in parts:
            word = next((w for w in re.findall(r"[\w&.-]+", part) if _squash(w) == hint), None)
            if word:
                return word
    if len(parts) > 1:
        return parts[-1]
    return parts[0] if parts else None


def _address_facts(page: FetchResult, lines: list[str], ld: list[dict[str, Any]]) -> list[Fact]:
    found: dict[str, str] = {}
    for obj in ld:
        addr = obj.get("address")
        if isinstance(addr, dict):
            bits = [addr.get(k) for k in ("streetAddress", "postalCode", "addressLocality", "addressCountry")]
            text = ", ".join(str(b) for b in bits if isinstance(b, str) and b)
            if text:
                found.setdefault(text, json.dumps(addr, ensure_ascii=False))
    for i, line in enumerate(lines):
        if _STREET.match(line):
            joined = ""
            for nxt in lines[i + 1 : i + 4]:
                joined = f"{joined} {nxt}".strip()
                m = _POSTCODE_CITY.match(joined)
                if m:
                    country, code, city = m.groups()
                    code_part = f"{country}-{code}" if country else code
                    found.setdefault(
                        f"{line.rstrip(',')}, {code_part} {city.strip()}", " / ".join(lines[i : i + 4])
                    )
                    break
        for m in _US_ADDRESS.finditer(line):
            found.setdefault(m.group(0), line)
    return [Fact(field="address", value=v, evidence=evidence(page, q)) for v, q in found.items()]


def _contact_facts(page: FetchResult, doc: Any, lines: list[str]) -> tuple[list[Fact], list[Fact]]:
    emails: dict[str, str] = {}
    for href in doc.xpath('//a[starts-with(@href, "mailto:")]/@href'):
        addr = href[7:].split("?")[0].strip()
        if _EMAIL.fullmatch(addr) and not _PLACEHOLDER_DOMAINS.search(addr):
            emails.setdefault(addr.lower(), href)
    text = "\n".join(lines)
    deobfuscated = re.sub(r"\s*[\[(]\s*(at|@)\s*[\])]\s*", "@", text, flags=re.IGNORECASE)
    deobfuscated = re.sub(r"\s*[\[(]\s*(dot|punkt)\s*[\])]\s*", ".", deobfuscated, flags=re.IGNORECASE)
    for m in _EMAIL.finditer(deobfuscated):
        addr = m.group(0).rstrip(".")
        if not _PLACEHOLDER_DOMAINS.search(addr):
            emails.setdefault(addr.lower(), snippet(deobfuscated, m.start(), m.end(), 40))
    phones: dict[str, tuple[str, str]] = {}
    for href in doc.xpath('//a[starts-with(@href, "tel:")]/@href'):
        number = href[4:].strip()
        phones.setdefault(_phone_key(number), (number, href))
    for i, line in enumerate(lines):
        for m in _PHONE.finditer(line):
            number = m.group(0).strip()
            digits = re.sub(r"\D", "", number)
            if not 7 <= len(digits) <= 16:
                continue
            before = line[: m.start()]
            labelled = bool(_PHONE_LABEL.search(before)) or (
                not before.strip() and i > 0 and _PHONE_LABEL.search(lines[i - 1])
            )
            if not (number.startswith(("+", "00")) or labelled):
                continue
            if re.fullmatch(r"[\d.]+", number) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", number):
                continue  # dates and version-like numbers
            key = _phone_key(number)
            if key not in phones or (number.startswith("+") and not phones[key][0].startswith("+")):
                phones[key] = (number, " ".join(lines[max(0, i - 1) : i + 1]))
    email_facts = [Fact(field="email", value=v, evidence=evidence(page, q)) for v, q in emails.items()]
    phone_facts = [Fact(field="phone", value=n, evidence=evidence(page, q)) for n, q in phones.values()]
    return email_facts, phone_facts


def _phone_key(number: str) -> str:
    digits = re.sub(r"\(0\)", "", number)
    digits = re.sub(r"\D", "", digits)
    if number.strip().startswith("00"):
        digits = digits[2:]
    return digits


def _offerings(page: FetchResult, lines: list[str], ld: list[dict[str, Any]], doc: Any) -> list[Fact]:
    found: dict[str, str] = {}
    for obj in ld:
        types = _types(obj)
        if types & {"Product", "Service", "SoftwareApplication"} and isinstance(obj.get("name"), str):
            found.setdefault(obj["name"].strip(), json.dumps(obj, ensure_ascii=False)[:200])
        catalog = obj.get("hasOfferCatalog") or obj.get("makesOffer")
        for offer in catalog if isinstance(catalog, list) else [catalog] if catalog else []:
            item = offer.get("itemOffered", offer) if isinstance(offer, dict) else None
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                found.setdefault(item["name"].strip(), json.dumps(offer, ensure_ascii=False)[:200])
    for scope in doc.xpath('//*[@itemtype and contains(@itemtype, "schema.org/Product")]'):
        names = scope.xpath('.//*[@itemprop="name"]')
        if names:
            name = re.sub(r"\s+", " ", names[0].get("content") or names[0].text_content()).strip()
            if name:
                found.setdefault(name, name)
    headings = {
        re.sub(r"\s+", " ", h.text_content()).strip() for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6|//dt")
    }
    for i, line in enumerate(lines):
        if not _OFFER_HEADING.search(line) or len(line) > 80 or not (line in headings or line.endswith(":")):
            continue
        items: list[str] = []
        for nxt in lines[i + 1 : i + 16]:
            item = _LIST_PREFIX.sub("", nxt).strip()
            if len(item) > 50 or len(item.split()) > 6 or item.endswith((".", ":")):
                break
            if items and (
                (nxt.isupper() and len(nxt) > 3 and not _LIST_PREFIX.match(nxt)) or nxt in headings
            ):
                break  # the next footer column heading
            items.append(item)
        if len(items) >= 2:
            for item in items:
                found.setdefault(item, f"{line} {' / '.join(items)}")
    return [Fact(field="product_service", value=v, evidence=evidence(page, q)) for v, q in found.items()]


def extract_profile(page: FetchResult) -> CompanyProfile:
    """Company profile: name, description, products/services and contact details, each with evidence.

    Sources, in order of trust: schema.org JSON-LD (Organization, LocalBusiness, Product), meta tags
    (og:site_name, description), then the page text (mailto/tel links, labelled phone numbers,
    street + postcode + city blocks, lists under a "Products"/"Leistungen" heading). Placeholder
    e-mails (``@example.com``) and instruction-like text are dropped; the latter is recorded as a warning.
    """
    doc = parse_html(page.text, page.final_url)
    ld = list(json_ld_objects(doc))
    title_text = (doc.xpath("//title/text()") or [""])[0].strip()
    body = drop_noise(doc)
    lines = element_lines(body)
    url = page.final_url

    org = next(
        (
            o
            for o in ld
            if _types(o) & {"Organization", "Corporation", "LocalBusiness", "ProfessionalService"}
        ),
        None,
    )
    name: Fact | None = None
    if org and isinstance(org.get("name"), str):
        name = Fact(
            field="name",
            value=org["name"].strip(),
            evidence=evidence(page, json.dumps(org, ensure_ascii=False)[:200]),
        )
    elif site := _meta(doc, "og:site_name", "application-name"):
        name = Fact(
            field="name",
            value=site,
            evidence=evidence(page, f'<meta property="og:site_name" content="{site}">'),
        )
    elif title_text and (from_title := _name_from_title(title_text, page.final_url, lines)):
        name = Fact(field="name", value=from_title, evidence=evidence(page, f"<title>{title_text}</title>"))

    description: Fact | None = None
    desc = (org or {}).get("description") if isinstance((org or {}).get("description"), str) else None
    desc = desc or _meta(doc, "description", "og:description", "twitter:description")
    if desc:
        description = Fact(field="description", value=short(desc, 400), evidence=evidence(page, desc))

    emails, phones = _contact_facts(page, doc, lines)
    warnings: list[InjectionFlag] = detect_injection("\n".join(lines), url)
    profile = CompanyProfile(
        url=url,
        name=name,
        description=description,
        products_services=_offerings(page, lines, ld, doc),
        emails=emails,
        phones=phones,
        addresses=_address_facts(page, lines, ld),
    )
    return _drop_suspicious(profile, warnings)


def _drop_suspicious(profile: CompanyProfile, warnings: list[InjectionFlag]) -> CompanyProfile:
    """Remove facts whose value reads like an instruction; keep the warnings."""
    update: dict[str, Any] = {"warnings": warnings}
    for single in ("name", "description"):
        fact = getattr(profile, single)
        if fact is not None and is_suspicious(fact.value):
            update[single] = None
    for many in ("products_services", "emails", "phones", "addresses"):
        update[many] = [f for f in getattr(profile, many) if not is_suspicious(f.value)]
    return profile.model_copy(update=update)
