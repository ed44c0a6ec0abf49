"""Hiring signals (job postings) and press/news items with dates."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from .extract import json_ld_objects
from .models import FetchResult, JobPosting, JobsNews, NewsItem
from .safety import detect_injection, is_suspicious
from .textutil import drop_noise, element_lines, evidence, parse_html, short, text_of

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan", "januar", "jänner"),
            ("february", "feb", "februar"),
            ("march", "mar", "märz", "maerz"),
            ("april", "apr"),
            ("may", "mai"),
            ("june", "jun", "juni"),
            ("july", "jul", "juli"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct", "oktober", "okt"),
            ("november", "nov"),
            ("december", "dec", "dezember", "dez"),
        ]
    )
    for name in names
}
_MONTH_RX = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "ymd"),
    (re.compile(rf"\b({_MONTH_RX})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE), "mdy"),
    (re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH_RX})\.?\s+(\d{{4}})\b", re.IGNORECASE), "dmy_name"),
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), "dmy"),
]
_JOB_CLASS = re.compile(
    r"\b(job|jobs|position|opening|vacanc|stelle|career-item|role|posting)", re.IGNORECASE
)
_LOC_CLASS = re.compile(r"location|standort|\bort\b|city|office", re.IGNORECASE)
_DEPT_CLASS = re.compile(r"department|dept|team|abteilung|function|bereich", re.IGNORECASE)
_JOB_HEADING = re.compile(
    r"open (positions|roles|jobs)|current openings|we'?re hiring|join (us|our team)|"
    r"offene stellen|stellenangebote|karriere|careers|jobs",
    re.IGNORECASE,
)
_REMOTE = re.compile(r"\b(remote|hybrid|on-?site|vor ort)\b", re.IGNORECASE)
_NEWS_CLASS = re.compile(r"\b(news|press|post|article|entry|release|story|blog)", re.IGNORECASE)


def parse_date(text: str) -> dt.date | None:
    """First date in ``text`` (ISO, ``October 1, 2026``, ``1. Oktober 2026``, ``01.10.2026``) or None."""
    best: tuple[int, dt.date] | None = None
    for rx, kind in _DATE_PATTERNS:
        m = rx.search(text or "")
        if not m:
            continue
        a, b, c = m.groups()
        try:
            if kind == "ymd":
                value = dt.date(int(a), int(b), int(c))
            elif kind == "mdy":
                value = dt.date(int(c), _MONTHS[a.lower()], int(b))
            elif kind == "dmy_name":
                value = dt.date(int(c), _MONTHS[b.lower()], int(a))
            else:
                value = dt.date(int(c), int(b), int(a))
        except (ValueError, KeyError):
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), value)
    return best[1] if best else None


def _ld_place(value: Any) -> str | None:
    if isinstance(value, list):
        parts = [p for p in (_ld_place(v) for v in value) if p]
        return "; ".join(parts) or None
    if isinstance(value, dict):
        addr = value.get("address", value)
        if isinstance(addr, dict):
            bits = [addr.get(k) for k in ("addressLocality", "addressRegion", "addressCountry")]
            return ", ".join(b for b in bits if isinstance(b, str) and b) or None
        return str(addr) if addr else None
    return str(value) if value else None


def _class_text(el: Any, rx: re.Pattern[str]) -> str | None:
    for child in el.iterdescendants():
        if not isinstance(child.tag, str):
            continue
        for attr in ("class", "itemprop"):
            if rx.search(child.get(attr) or ""):
                value = text_of(child)
                if value:
                    return value
    for attr, value in el.attrib.items():
        if attr.startswith("data-") and rx.search(attr) and value.strip():
            return value.strip()
    return None


def _split_meta(parts: list[str]) -> tuple[str | None, str | None]:
    location = department = None
    for part in parts:
        if location is None and (_REMOTE.search(part) or "," in part):
            location = part
        elif department is None:
            department = part
        elif location is None:
            location = part
    return location, department


def _jobs(page: FetchResult, doc: Any, ld: list[dict[str, Any]]) -> list[JobPosting]:
    found: dict[str, JobPosting] = {}
    for obj in ld:
        if "JobPosting" in str(obj.get("@type")) and isinstance(obj.get("title"), str):
            found.setdefault(
                obj["title"].casefold(),
                JobPosting(
                    title=obj["title"].strip(),
                    location=_ld_place(obj.get("jobLocation"))
                    or ("Remote" if obj.get("jobLocationType") == "TELECOMMUTE" else None),
                    department=obj.get("occupationalCategory")
                    if isinstance(obj.get("occupationalCategory"), str)
                    else None,
                    evidence=evidence(page, json.dumps(obj, ensure_ascii=False)[:200]),
                ),
            )
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag in ("body", "html", "section", "ul", "table", "main"):
            continue
        if not _JOB_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            continue
        if any(
            isinstance(c.tag, str)
            and _JOB_CLASS.search(c.get("class", ""))
            and c.tag in ("li", "article", "div", "tr")
            for c in el.iterdescendants()
        ):
            continue  # a list wrapper; its items are handled on their own
        title_el = next(iter(el.xpath(".//h2|.//h3|.//h4|.//h5|.//a|.//strong|.//td[1]")), None)
        title = text_of(title_el) if title_el is not None else (element_lines(el) or [""])[0]
        if not title or len(title) > 90:
            continue
        location, department = _class_text(el, _LOC_CLASS), _class_text(el, _DEPT_CLASS)
        if location is None and department is None:
            rest = [
                p.strip()
                for line in element_lines(el)
                for p in re.split(r"\s[·|•—–-]\s|\s{2,}", line)
                if p.strip() and p.strip() != title
            ]
            location, department = _split_meta(rest[:3])
        found.setdefault(
            title.casefold(),
            JobPosting(
                title=title,
                location=location,
                department=department,
                evidence=evidence(page, " | ".join(element_lines(el))),
            ),
        )
    if not found:
        found.update(_jobs_in_tables(page, doc))
    if not found:
        found.update(_jobs_under_heading(page, doc))
    return list(found.values())


def _jobs_in_tables(page: FetchResult, doc: Any) -> dict[str, JobPosting]:
    found: dict[str, JobPosting] = {}
    for table in doc.xpath("//table"):
        rows = [[text_of(c) for c in tr.xpath("./th|./td")] for tr in table.xpath(".//tr")]
        if len(rows) < 2:
            continue
        header = [h.casefold() for h in rows[0]]
        title_col = next(
            (i for i, h in enumerate(header) if re.search(r"title|position|role|job|stelle", h)), None
        )
        if title_col is None:
            continue
        loc_col = next((i for i, h in enumerate(header) if _LOC_CLASS.search(h)), None)
        dept_col = next((i for i, h in enumerate(header) if _DEPT_CLASS.search(h)), None)
        for row in rows[1:]:
            if len(row) <= title_col or not row[title_col]:
                continue
            found.setdefault(
                row[title_col].casefold(),
                JobPosting(
                    title=row[title_col],
                    location=row[loc_col] if loc_col is not None and loc_col < len(row) else None,
                    department=row[dept_col] if dept_col is not None and dept_col < len(row) else None,
                    evidence=evidence(page, " | ".join(row)),
                ),
            )
    return found


def _jobs_under_heading(page: FetchResult, doc: Any) -> dict[str, JobPosting]:
    found: dict[str, JobPosting] = {}
    for heading in doc.xpath("//h1|//h2|//h3"):
        if not _JOB_HEADING.search(text_of(heading)):
            continue
        lists = heading.xpath("following::ul[1]|following::ol[1]")
        for li in lists[0].xpath("./li") if lists else []:
            line = text_of(li)
            parts = [p.strip() for p in re.split(r"\s[·|•—–]\s|\s-\s|\s\(|\)", line) if p.strip()]
            if not parts or len(parts[0]) > 90:
                continue
            location, department = _split_meta(parts[1:3])
            found.setdefault(
                parts[0].casefold(),
                JobPosting(
                    title=parts[0], location=location, department=department, evidence=evidence(page, line)
                ),
            )
    return found


def _news(page: FetchResult, doc: Any, ld: list[dict[str, Any]]) -> list[NewsItem]:
    found: dict[str, NewsItem] = {}
    for obj in ld:
        if re.search(r"NewsArticle|BlogPosting|PressRelease|Article", str(obj.get("@type"))) and isinstance(
            obj.get("headline"), str
        ):
            found.setdefault(
                obj["headline"].casefold(),
                NewsItem(
                    title=obj["headline"].strip(),
                    date=parse_date(str(obj.get("datePublished", ""))),
                    evidence=evidence(page, json.dumps(obj, ensure_ascii=False)[:200]),
                ),
            )
    candidates = doc.xpath(
        "//article|//li|//*[contains(@class,'news') or contains(@class,'press') or contains(@class,'post')]"
    )
    for el in candidates:
        if not isinstance(el.tag, str) or el.tag in ("body", "html", "main"):
            continue
        if el.tag not in ("article", "li") and not _NEWS_CLASS.search(el.get("class", "")):
            continue
        if len(el.xpath(".//article|.//li")) > 0 and el.tag != "li":
            continue  # wrapper of several items
        times = el.xpath(".//time")
        when = None
        if times:
            when = parse_date(times[0].get("datetime") or "") or parse_date(text_of(times[0]))
        lines = element_lines(el)
        when = when or parse_date(" ".join(lines))
        title_el = next(iter(el.xpath(".//h1|.//h2|.//h3|.//h4|.//a")), None)
        title = text_of(title_el) if title_el is not None else ""
        if not title or when is None or len(title) > 160 or (parse_date(title) == when and len(title) < 20):
            continue
        found.setdefault(
            title.casefold(), NewsItem(title=title, date=when, evidence=evidence(page, " | ".join(lines)))
        )
    return sorted(found.values(), key=lambda n: n.date or dt.date.min, reverse=True)


def extract_jobs_news(page: FetchResult) -> JobsNews:
    """Job postings (title, location, department) and dated news/press items from a careers or news page.

    Sources: schema.org JobPosting / NewsArticle JSON-LD, job-like blocks (class names such as ``job``,
    ``opening``, ``position``), lists under an "Open positions" heading, and ``<article>``/``<li>`` items
    with a ``<time>`` or a written date. Instruction-like items are dropped and recorded as warnings.
    """
    doc = parse_html(page.text, page.final_url)
    ld = list(json_ld_objects(doc))
    body = drop_noise(doc)
    warnings = detect_injection("\n".join(element_lines(body)), page.final_url)
    jobs = [
        j
        for j in _jobs(page, body, ld)
        if not is_suspicious(f"{j.title} {j.location or ''} {j.department or ''}")
    ]
    job_titles = {j.title.casefold() for j in jobs}
    news = [
        n
        for n in _news(page, body, ld)
        if not is_suspicious(n.title) and n.title.casefold() not in job_titles
    ]
    jobs = [j.model_copy(update={"title": short(j.title, 90)}) for j in jobs]
    return JobsNews(url=page.final_url, jobs=jobs, news=news, warnings=warnings)
