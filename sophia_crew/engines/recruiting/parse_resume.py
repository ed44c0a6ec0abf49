"""Resume → CandidateProfile: contacts, work history with months, education, skills, languages, certifications.

Rule-based on purpose: every field is traceable to the line it came from, and the parser runs in
milliseconds. Quality is measured by ``bench/resume_parse_eval.py`` on an annotated public corpus.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from sophia_crew.errors import InputError
from sophia_crew.resources import knowledge_path

from . import dates
from .models import CandidateProfile, Contact, EducationItem, SkillHit, Snippet, WorkItem
from .readers import SUPPORTED, read_document
from .skills import find_skills, line_at, vocabulary
from .spans import keep_likely, tagged_skills, titles_from
from .tagger import tagger
from .textutil import EMAIL_RE, LANG_NAMES, PHONE_RE, TITLE_HEADS, URL_RE, clean, detect_language, segments

TITLE_RE = re.compile(
    rf"\b((?:(?:senior|sr\.?|junior|jr\.?|chief|principal|staff|lead|head|assistant|associate|deputy|general|"
    rf"regional|area|district|national|global|vice)\s+)*(?:[A-Z][\w/&.-]*\s+){{0,3}}(?:{TITLE_HEADS})s?)\b(?:\s+(?:of|for)\s+[A-Z][\w&]*(?:\s+[A-Z][\w&]*)?)?",
    re.IGNORECASE,
)
_CASED_TITLE_RE = re.compile(
    rf"(?<![\w/])(?:[A-Z][a-z]+\s+){{0,3}}(?:{'|'.join(h.title() for h in TITLE_HEADS.split('|') if ' ' not in h)})s?(?![\w/])"
)
ORG_RE = re.compile(
    r"\b((?:[A-Z][\w&.'-]*\s+){0,5}(?:Ltd|Limited|Inc|Pvt|Corporation|Corp|LLC|LLP|GmbH|Technologies|Solutions|"
    r"Systems|Services|Software|Consulting|Bank|Group|Company|Labs|Hospital|University|Retail|Enterprises|"
    r"Industries|Foundation|Associates|Partners|Co)\b\.?(?:,?\s*Inc\.?)?)"
)
DEGREE_RE = re.compile(
    r"(?<![\w.])(Bachelor(?:'?s)?(?:\s+(?:of|in|degree))?|Master(?:'?s)?(?:\s+(?:of|in|degree))?|Doctor(?:ate)?\s+of|"
    r"Ph\.?\s?D\.?|B\.\s?B\.\s?A\.?|B\.?\s?Eng\.?|M\.?\s?Eng\.?|MBA|MCA|BCA|BBA|B\.?\s?Tech|M\.?\s?Tech|B\.?\s?Com|M\.?\s?Com|B\.?\s?Sc|M\.?\s?Sc|M\.\s?Phil|"
    r"B\.?\s?E\.?|M\.?\s?E\.|B\.\s?S\.?|M\.\s?S\.?|BS|MS|BA|MA|B\.\s?A\.?|M\.\s?A\.?|AS|A\.A\.?|Associate(?:'?s)?\s+(?:of|in|degree)|"
    r"Diploma|Post\s+Graduate|PGDM|HSC|SSC|High School Diploma|GED)(?![\w])",
)
_LEVEL = [
    (r"ph\.?\s?d|doctor", 5),
    (r"master|mba|mca|m\.?\s?(?:tech|com|sc|phil|eng|e\.|s\.?|a\.?)\b|^ms\b|^ma\b|pgdm|post\s+graduate", 4),
    (r"bachelor|b\.?\s?(?:tech|com|sc|eng|e|s|a)\b|b\.b\.a|^bs\b|^ba\b|bca|bba", 3),
    (r"associate|^as\b|a\.a", 2),
    (r"diploma|hsc|ssc|high school|ged|certificate", 1),
]
SECTION_RE = re.compile(
    r"^(?:work\s+experience|professional\s+experience|experience|employment(?:\s+history)?|work\s+history|"
    r"career\s+history|education(?:al)?(?:\s+(?:details|qualifications?|background))?|academic|qualifications?|"
    r"skills?(?:\s+set)?|technical\s+skills|key\s+skills|certifications?|licenses?|languages?|projects?|"
    r"summary|profile|objective|awards|interests|hobbies|references|additional\s+information)\b[\s:]*$",
    re.IGNORECASE,
)
CERT_RE = re.compile(
    r"\b(?:certified|certification|certificate|PMP|CPA|CFA|CISSP|CCNA|ITIL|Six Sigma|AWS Certified)\b[^\n]{0,80}",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _languages() -> list[str]:
    data = yaml.safe_load(knowledge_path("recruiting", "languages.yaml").read_text(encoding="utf-8"))
    return data["languages"]


def parse_resume(
    path: str | Path, candidate_id: str | None = None, today: date | None = None
) -> CandidateProfile:
    """Parse one resume file (.docx, .pdf, .txt, .md).

    Args:
        path: the resume.
        candidate_id: id to use; defaults to the file stem.
        today: closes "to Present" ranges; defaults to the system date.

    Raises:
        InputError: unreadable, empty, encrypted or image-only file.
    """
    p = Path(path)
    text = read_document(p)
    return parse_resume_text(text, candidate_id or p.stem, file=str(p), today=today)


def parse_resume_text(
    text: str, candidate_id: str = "candidate", file: str = "", today: date | None = None
) -> CandidateProfile:
    """Parse resume plain text into a :class:`CandidateProfile` (see :func:`parse_resume`)."""
    if not text or not text.strip():
        raise InputError(f"{file or candidate_id}: resume text is empty")
    today = today or date.today()
    warnings: list[str] = []
    lang = detect_language(text)
    if lang not in ("en", "und"):
        warnings.append(
            f"resume appears to be in {LANG_NAMES.get(lang, lang)} ({lang}); only language-neutral "
            "fields (contacts, dates, known skill names) were parsed reliably"
        )
    segs = segments(text)
    contact = Contact(
        emails=sorted(set(EMAIL_RE.findall(text))),
        phones=sorted({m.strip() for m in PHONE_RE.findall(text) if sum(c.isdigit() for c in m) >= 9}),
        links=sorted({u.rstrip(".,;)") for u in URL_RE.findall(text)}),
    )
    periods = dates.find_periods(text, (today.year, today.month))
    work = _work_items(text, segs, periods)
    model = tagger()
    spans = (
        keep_likely(text, model.spans(text), model) if model is not None and lang in ("en", "und") else None
    )
    education = _education(text, segs)
    # Graduation date ranges are not jobs.
    edu_pos = {seg_pos for seg_pos, _ in segs if _in_section(text, seg_pos) == "education"}
    job_periods = [p for p in periods if not _near_any(p.pos, edu_pos)]
    stated = [
        float(m.group("n")) + (int(m.group("m")) / 12 if m.group("m") else 0)
        for m in dates.STATED_RE.finditer(text)
        if re.search(r"experience|exp\b|years? of|yrs? of", text[m.end() : m.end() + 40], re.IGNORECASE)
    ]
    profile = CandidateProfile(
        candidate_id=candidate_id,
        file=file,
        name=_name(segs),
        contact=contact,
        locations=_locations(text),
        work=work,
        experience_months=dates.union_months(job_periods),
        stated_experience_years=max(stated) if stated else None,
        education=education,
        skills=_skills(text, segs, spans),
        titles=titles_from(text, spans, work),
        languages=_spoken(text),
        certifications=_certs(text),
        text=text,
        language=lang,
        warnings=warnings,
    )
    if not profile.work and not profile.skills:
        profile.warnings.append("no work history or skills found: check the file is a resume")
    return profile


def parse_resume_folder(
    folder: str | Path, today: date | None = None
) -> tuple[list[CandidateProfile], list[str]]:
    """Parse every supported file in ``folder``; unreadable files become messages, not exceptions.

    Returns:
        (profiles, errors) where errors are one-line InputError messages.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{root}: resume folder not found")
    profiles, errors = [], []
    for f in sorted(root.iterdir()):
        if (
            f.suffix.lower() not in SUPPORTED
            or f.name.startswith((".", "~$"))
            or f.name.upper() == "README.MD"
        ):
            continue
        try:
            profiles.append(parse_resume(f, today=today))
        except InputError as exc:
            errors.append(str(exc))
    if not profiles and not errors:
        raise InputError(f"{root}: no resumes ({', '.join(SUPPORTED)}) found")
    return profiles, errors


def _in_section(text: str, pos: int) -> str | None:
    """Name of the section heading most recently above ``pos`` ("experience", "education", ...)."""
    best = None
    for m in _headings(text):
        if m[0] <= pos:
            best = m[1]
    return best


@lru_cache(maxsize=64)
def _headings(text: str) -> tuple[tuple[int, str], ...]:
    out = []
    for pos, seg in segments(text):
        if len(seg) <= 40 and SECTION_RE.match(seg.strip("#*: ")):
            low = seg.lower()
            kind = (
                "education"
                if re.search(r"educat|academ|qualif", low)
                else "experience"
                if re.search(r"experience|employment|history", low)
                else low.split()[0].strip("#*:")
            )
            out.append((pos, kind))
    return tuple(out)


def _near_any(pos: int, positions: set[int], window: int = 400) -> bool:
    return any(0 <= pos - p <= window for p in positions)


def _name(segs: list[tuple[int, str]]) -> Snippet | None:
    for _, seg in segs[:6]:
        s = re.sub(r"^#+\s*", "", seg).strip()
        if (
            re.fullmatch(r"[A-Z][^\W\d_]+(?:[ '’-][A-Z][^\W\d_.'’-]*\.?){1,3}", s)
            and (not s.isupper() or seg is segs[0][1])
            and not SECTION_RE.match(s)
            and not TITLE_RE.search(s)
            and s.lower() not in vocabulary().titles
        ):
            return Snippet(value=s, source=seg)
    return None


@lru_cache(maxsize=1)
def _title_pattern() -> re.Pattern[str]:
    titles = sorted((t for t in vocabulary().titles if len(t) > 3), key=len, reverse=True)
    return re.compile(
        r"(?<![\w/])(?:" + "|".join(re.escape(t) for t in titles) + r")(?![\w/])", re.IGNORECASE
    )


def _titles_in(seg: str) -> list[str]:
    vocab_titles = vocabulary().titles
    seg = re.sub(r"[*_`]{1,3}", "", seg).strip("#• ")
    head = clean(re.split(r"\s+(?:-|–|at|in|@|\|)\s+|,", seg)[0])
    if head.lower() in vocab_titles and len(head.split()) <= 6:
        return [head]
    found = []
    for m in re.finditer(
        r"\b(?:as|as an?|role of)\s+(?:an?\s+)?([A-Z][\w/&.-]*(?:\s+[A-Z][\w/&.-]*){0,4})", seg
    ):
        cand = m.group(1)
        t = TITLE_RE.search(cand)
        if t:
            found.append(clean(cand[: t.end()]))
    if found:
        return found
    if len(head.split()) <= 6 and head[:1].isupper() and not SECTION_RE.match(head):
        t = TITLE_RE.search(head)
        if t and t.start() <= 2 and len(t.group(0)) >= 0.6 * len(head):
            return [clean(t.group(0))]
    if len(seg.split()) <= 14:
        found = [clean(m.group(0)) for m in _title_pattern().finditer(seg)][:2]
    if not found:
        # Title-Cased role names inside prose ("worked as Restaurant Manager for ...").
        for m in _CASED_TITLE_RE.finditer(seg):
            if len(m.group(0).split()) >= 2 and not ORG_RE.search(m.group(0)):
                found.append(clean(m.group(0)))
    return found[:3]


def _work_items(text: str, segs: list[tuple[int, str]], periods: list[dates.Period]) -> list[WorkItem]:
    items: list[WorkItem] = []
    seen: set[str] = set()
    for i, (pos, seg) in enumerate(segs):
        if _in_section(text, pos) == "education":
            continue
        for title in _titles_in(seg):
            company = _company_near(segs, i, title)
            if company and re.search(
                rf"\b(?:19|20)\d\d\b|\b(?:present|current|{dates._MONTH_RE})\b", company, re.IGNORECASE
            ):
                company = None
            period = next((p for p in periods if 0 <= p.pos - pos <= 250), None)
            if period is None and i < 3:
                company = None  # the headline under the name ("Senior AE | Chicago, IL") names a city, not an employer
            if re.search(r"\bcertified\b", title, re.IGNORECASE):
                continue
            key = f"{title.lower()}|{(company or '').lower()}|{period.pos if period else ''}"
            if key in seen:
                continue
            seen.add(key)
            items.append(
                WorkItem(
                    title=title,
                    company=company,
                    start=dates.ym(period.start) if period else None,
                    end=None if period is None or period.current else dates.ym(period.end - 1),
                    current=bool(period and period.current),
                    months=period.months if period else 0,
                    source=seg[:200],
                )
            )
    return items


def _company_near(segs: list[tuple[int, str]], i: int, title: str) -> str | None:
    seg = re.sub(r"[*_`]{1,3}", "", segs[i][1])
    # "Title, Segment - Company (what they do), City": a dash/at/@/| separator names the company first.
    for sep in (r"[^-–|@]*?\s(?:-|–|\||@|at|in)\s+", r"\s*,\s*"):
        m = re.search(re.escape(title) + sep + r"([A-Z][\w&.' -]{1,60}?)(?:\s+[-–]\s+|\s*[,|(·]|$)", seg)
        if m and not dates.RANGE_RE.search(m.group(1)):
            return clean(m.group(1))
    for _, nxt in segs[i + 1 : i + 3]:
        m = re.match(r"([A-Z][\w&.,' ]{1,60}?)\s+[-–]\s+[A-Z][\w .]+(?:,\s*[A-Z][\w .]+)?$", nxt)
        if m:
            return clean(m.group(1))
        org = ORG_RE.search(nxt)
        if org:
            return clean(org.group(1))
    org = ORG_RE.search(seg)
    return clean(org.group(1)) if org else None


def companies_in(text: str) -> list[str]:
    """Organisation names: from work items plus anything with a company suffix (Ltd, Inc, Bank ...)."""
    return [clean(m.group(1)) for m in ORG_RE.finditer(text)]


def _education(text: str, segs: list[tuple[int, str]]) -> list[EducationItem]:
    out = []
    for i, (pos, seg) in enumerate(segs):
        for m in DEGREE_RE.finditer(seg):
            word = m.group(1)
            weak = (len(word.replace(".", "").replace(" ", "")) <= 3 and "." not in word) or word in (
                "Bachelor",
                "Master",
            )
            if (
                weak
                and _in_section(text, pos) != "education"
                and not re.match(r"\s*(?:in|of|\(|,|\||degree)\b", seg[m.end() :], re.IGNORECASE)
            ):
                continue
            rest = re.split(r"\s+(?:-|–|from|at)\s+|[|;]|\s{2,}|\(|(?:19|20)\d\d", seg[m.start() :])[0]
            degree = clean(rest)[:80]
            nearby = " ".join(s for _, s in segs[i : i + 3])
            year = re.findall(r"\b(?:19|20)\d\d\b", nearby)
            school = re.search(
                r"([A-Z][\w.&' ]*(?:University|College|Institute|School|Academy)[\w.&' ]*)", nearby
            )
            low = degree.lower()
            level = next((lv for pat, lv in _LEVEL if re.search(pat, low)), 0)
            out.append(
                EducationItem(
                    degree=degree,
                    level=level,
                    school=clean(school.group(1)) if school else None,
                    year=int(year[-1]) if year else None,
                    source=seg[:200],
                )
            )
    return out


_COUNTRIES = (
    "USA|United States|UK|United Kingdom|India|Canada|Australia|Germany|France|Spain|Italy|Ireland|"
    "Netherlands|Mexico|Brazil|Singapore|Japan|China|Nigeria|Kenya|South Africa|Poland|Portugal"
)


def _locations(text: str) -> list[Snippet]:
    out, seen = [], set()
    for m in re.finditer(rf"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?), ?([A-Z]{{2}}\b|{_COUNTRIES})\b", text):
        value = m.group(0)
        if value not in seen and not TITLE_RE.fullmatch(m.group(1)) and len(out) < 5:
            seen.add(value)
            out.append(Snippet(value=value, source=line_at(text, m.start())))
    return out


def _skills(text: str, segs: list[tuple[int, str]], spans=None) -> list[SkillHit]:
    """Skills: curated-vocabulary mentions plus the span tagger's skills when the tagger is available;
    without it, every vocabulary mention plus short items of lists under a "Skills" heading."""
    hits = find_skills(text)
    if spans is not None:
        return tagged_skills(text, spans, hits)
    vocab = vocabulary()
    known = {h.name.lower() for h in hits} | {h.surface.lower() for h in hits}
    for pos, seg in segs:
        section = _in_section(text, pos) or ""
        if not section.startswith(("skill", "technical", "key")) or SECTION_RE.match(seg):
            continue
        body = seg.split(":", 1)[1] if re.match(r"^[\w /&]{2,30}:", seg) else seg
        for item in re.split(r"[,;|•·]|\s/\s|\band\b", body):
            item = clean(item)
            words = item.split()
            if (
                not 1 <= len(words) <= 4
                or len(item) < 2
                or not re.search(r"[A-Za-z]", item)
                or item.lower() in known
            ):
                continue
            name = vocab.normalise(item) or item
            if name.lower() not in known:
                known.add(name.lower())
                hits.append(SkillHit(name=name, surface=item, source=seg[:200]))
    return hits


def _spoken(text: str) -> list[Snippet]:
    out = []
    for lang in _languages():
        m = re.search(rf"\b{lang}\b", text)
        if m and re.search(
            r"language|fluent|native|speak|bilingual|proficien", line_at(text, m.start()), re.IGNORECASE
        ):
            out.append(Snippet(value=lang, source=line_at(text, m.start())))
    return out


def _certs(text: str) -> list[Snippet]:
    out, seen = [], set()
    for m in CERT_RE.finditer(text):
        line = line_at(text, m.start())
        if line not in seen:
            seen.add(line)
            out.append(Snippet(value=clean(m.group(0))[:100], source=line))
    return out
