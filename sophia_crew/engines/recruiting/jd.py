"""Job description → JobRequirements: must-have vs nice-to-have skills, years, education, location, seniority.

Skills come from the skills vocabulary (so they match resumes by canonical name and synonyms); every other
requirement phrase the JD-span model (:mod:`.jd_spans`) finds in a requirement sentence ("managing a busy
kitchen team", "food hygiene") becomes a ``competency``: reported with evidence and asked about in the
interview kit, not scored (word overlap cannot tell whether a resume shows it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from sophia_crew.errors import InputError

from .jd_spans import requirement_spans, trim
from .models import JobRequirements, Requirement, Snippet
from .parse_resume import _COUNTRIES, _LEVEL, DEGREE_RE, _languages
from .readers import read_document
from .skills import find_skills, line_at
from .textutil import clean

_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|"
    "ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_IGNORE_HEAD = re.compile(
    r"about|offer|benefit|perk|why (?:join|us|work)|salary|compensation|equal opportunit|"
    r"how to apply|our (?:company|team|culture)|the team|who we are|diversity",
    re.IGNORECASE,
)
_DUTY_HEAD = re.compile(
    r"what you(?:'ll| will) do|responsibilit|the role|your role|day[- ]to[- ]day|you will", re.IGNORECASE
)
_NICE_HEAD = re.compile(
    r"nice[- ]to[- ]have|preferred|bonus|desirable|pluses|good to have|optional", re.IGNORECASE
)
_MUST_HEAD = re.compile(
    r"requirements?|must[- ]have|required|qualifications|what you(?:'ll)? (?:need|bring)|you have|essential",
    re.IGNORECASE,
)
_NICE_CUE = re.compile(
    r"\b(?:preferred|nice[- ]to[- ]have|a plus|is a bonus|bonus|desirable|ideally|advantageous|good to have)\b",
    re.IGNORECASE,
)
_MUST_CUE = re.compile(r"\b(?:must|required|essential|minimum|at least|you have|you bring)\b", re.IGNORECASE)
_YEARS_RE = re.compile(r"(\d{1,2})\s*(?:\+|-\s*\d{1,2}|to\s+\d{1,2})?\s*\+?\s*(?:years?|yrs?)", re.IGNORECASE)
_SENIORITY = [
    ("intern", r"\bintern(ship)?\b"),
    ("executive", r"\b(?:vp|vice president|chief|c[etfor]o|head of)\b"),
    ("lead", r"\b(?:lead|principal|staff|manager)\b"),
    ("senior", r"\b(?:senior|sr\.?)\b"),
    ("junior", r"\b(?:junior|jr\.?|entry[- ]level|graduate)\b"),
]


def analyze_job(path: str | Path, job_id: str | None = None) -> JobRequirements:
    """Read a job description file (.md, .txt, .docx, .pdf) and extract its requirements.

    Raises:
        InputError: missing, empty or unreadable file.
    """
    p = Path(path)
    return analyze_job_text(read_document(p), job_id or p.stem, source=str(p))


def sentences(text: str) -> list[tuple[str | None, str]]:
    """(section heading, sentence) pairs: bullets and lines are split further on sentence ends."""
    out: list[tuple[str | None, str]] = []
    heading = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        bare = line.lstrip("#*-• ").rstrip(":").strip()
        if line.startswith("#") or (len(bare.split()) <= 6 and line.endswith(":")):
            heading = bare
            continue
        for sent in re.split(r"(?<=[.!?;])\s+(?=[A-Z])", line.lstrip("*-•· ").strip()):
            if sent.strip():
                out.append((heading, sent.strip()))
    return out


def analyze_job_text(text: str, job_id: str = "job", source: str = "") -> JobRequirements:
    """Extract :class:`JobRequirements` from job-description text (see :func:`analyze_job`)."""
    if not text or not text.strip():
        raise InputError(f"{source or job_id}: job description is empty")
    first = next((ln.strip().lstrip("# ").strip() for ln in text.splitlines() if ln.strip()), "")
    title = re.sub(r"^(?:job\s+(?:title|description)\s*[:\-]\s*)", "", first, flags=re.IGNORECASE)[:120]
    reqs: list[Requirement] = []
    seen: set[tuple[str, str]] = set()
    remote, locations = "unknown", _header_locations(text)
    sents = sentences(text)
    structured = any(h and (_MUST_HEAD.search(h) or _NICE_HEAD.search(h)) for h, _ in sents)
    for heading, sent in sents:
        section = _section(heading)
        in_nice = section in ("nice", "duties")
        must = not (in_nice or _NICE_CUE.search(sent)) or bool(
            _MUST_CUE.search(sent) and not _NICE_CUE.search(sent)
        )
        low = sent.lower()
        mode = (
            "remote"
            if re.search(r"\bremote\b|work from home|anywhere", low) and "hybrid" not in low
            else "hybrid"
            if "hybrid" in low
            else "onsite"
            if re.search(r"on[- ]?site|in[- ]office|in the office", low)
            else None
        )
        if mode and remote == "unknown" and section != "ignore":
            remote = mode
        # In a sectioned JD, requirements come only from requirement/duty sections, not "About us" or perks.
        if structured and section in ("ignore", "none"):
            continue

        def add(kind: str, value: str, _must: bool = must, _sent: str = sent, **kw) -> None:
            if (kind, value.lower()) not in seen:
                seen.add((kind, value.lower()))
                reqs.append(Requirement(kind=kind, value=value, must_have=_must, source=_sent, **kw))
            elif _must:
                # A skill named in the duties and again under "Must have" is a must-have.
                old = next(r for r in reqs if r.kind == kind and r.value.lower() == value.lower())
                if not old.must_have:
                    old.must_have, old.source = True, _sent

        hits = find_skills(sent)
        lang_spans = list(re.finditer(rf"\b(?:{'|'.join(_language_names())})\b", sent))
        langs = [m.group(0) for m in lang_spans]
        if langs:
            if len(langs) > 1 and re.search(r"\bor\b", sent):
                add("language", " or ".join(langs), alternatives=langs)
            else:
                for lang in langs:
                    add("language", lang, alternatives=[lang])
        hits = [h for h in hits if h.name not in langs]
        grouped: set[str] = set()
        for a, b in pairwise(hits):
            gap = (
                sent[sent.find(a.surface) + len(a.surface) : sent.find(b.surface)]
                if a.surface in sent
                else ""
            )
            if re.fullmatch(
                r"\s*(?:skills|experience)?\s*[,(]?\s*(?:or|/|and/or|preferably|ideally|e\.g\.|such as|like)"
                r"(?:\s+(?:in|with|a similar|a comparable|another|an equivalent))?\s*",
                gap,
                re.IGNORECASE,
            ):
                grouped |= {a.name, b.name}
        group = [h.name for h in hits if h.name in grouped]
        if group:
            add("skill", " or ".join(group), alternatives=group)
        for hit in hits:
            if hit.name not in grouped:
                add("skill", hit.name, alternatives=[hit.name])
        years = _YEARS_RE.search(sent)
        if years and (
            section in ("must", "nice")
            or re.search(r"experience|background|track record", sent, re.IGNORECASE)
        ):
            add("experience", f"{years.group(1)}+ years", years=float(years.group(1)))
        degrees = [
            m
            for m in DEGREE_RE.finditer(sent)
            if len(m.group(1)) > 3 or "." in m.group(1) or re.match(r"\s*(?:in|or|degree)", sent[m.end() :])
        ]
        if degrees:
            m = degrees[0]
            level = next((lv for pat, lv in _LEVEL if re.search(pat, m.group(1).lower())), 0)
            name = clean(m.group(1))
            add("education", name if "degree" in name.lower() or level < 2 else f"{name} degree", level=level)
        for m in re.finditer(
            r"\b(?:based in|located in|location:?)\s+([A-Z][\w .,]+?)(?:[.;(]|$| or | and )", sent
        ):
            locations.append(Snippet(value=clean(m.group(1)), source=sent))
        for phrase in _competencies(sent, [years, *degrees, *lang_spans], hits):
            add("competency", phrase)
    grouped_alts = {
        a
        for r in reqs
        if r.kind == "skill" and r.must_have and len(r.alternatives) > 1
        for a in r.alternatives
    }
    reqs = [r for r in reqs if not (r.kind == "skill" and not r.must_have and r.value in grouped_alts)]
    seniority, sen_src = "unknown", ""
    for level, pat in _SENIORITY:
        if re.search(pat, title, re.IGNORECASE):
            seniority, sen_src = level, title
            break
    if seniority == "unknown":
        exp = [r.years for r in reqs if r.kind == "experience" and r.years]
        if exp:
            y = max(exp)
            seniority = "junior" if y < 2 else "mid" if y < 5 else "senior"
            sen_src = next(r.source for r in reqs if r.years == y)
    return JobRequirements(
        job_id=job_id,
        title=title,
        seniority=seniority,
        seniority_source=sen_src,
        requirements=reqs,
        remote=remote,
        locations=locations,
        text=text,
    )


def _section(heading: str | None) -> str:
    if not heading:
        return "none"
    if _NICE_HEAD.search(heading):
        return "nice"
    if _MUST_HEAD.search(heading) or re.search(
        r"education|skills|experience|who you are", heading, re.IGNORECASE
    ):
        return "must"
    if _DUTY_HEAD.search(heading):
        return "duties"
    if _IGNORE_HEAD.search(heading):
        return "ignore"
    return "none"


def _header_locations(text: str) -> list[Snippet]:
    head = "\n".join([ln for ln in text.splitlines() if ln.strip()][1:4])
    pat = rf"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?), ({_US_STATES}|{_COUNTRIES})\b"
    return [Snippet(value=m.group(0), source=line_at(head, m.start())) for m in re.finditer(pat, head)]


@lru_cache(maxsize=1)
def _language_names() -> frozenset[str]:
    return frozenset(_languages())


def _competencies(sent: str, found: list, hits: list) -> list[str]:
    """Requirement phrases of one sentence that are not already requirements.

    ``found`` holds the sentence's regex matches for years, degrees and languages; ``hits`` holds its
    vocabulary skills. A phrase holding any of them is already a requirement. So is a lone word right beside
    one ("structured" before "sales methodology"). A degree counts with its field ("Bachelor's degree in
    business, economics"). A phrase inside brackets is an example of the phrase before it ("finance buyers
    (CFO, controller)").
    """
    covered = []
    for m in found:
        if m is None:
            continue
        end = m.end()
        if m.re is DEGREE_RE and (field := re.match(r"\s+(?:in|of)\s+[^;.()]+", sent[end:])):
            end += field.end()
        covered.append((m.start(), end))
    covered += [
        m.span()
        for h in hits
        for term in {h.surface, h.name}
        for m in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", sent, re.IGNORECASE)
    ]
    examples = [m.span() for m in re.finditer(r"\([^()]*\)", sent)]
    out = []
    for a, b, _ in requirement_spans(sent):
        phrase = _balanced(clean(sent[a:b]))
        near = 2 if len(phrase.split()) == 1 else 0  # one space between
        if (
            _is_phrase(phrase)
            and not any(x < b + near and a - near < y for x, y in covered)
            and not any(x <= a and b <= y for x, y in examples)
        ):
            out.append(phrase)
    return out


def _balanced(phrase: str) -> str:
    """The phrase without what lies beyond an unmatched bracket ("gRPC) and event contracts" → "and event
    contracts" → "event contracts"), keeping the longer side."""
    for op, cl in ("()", "[]"):
        if phrase.count(op) != phrase.count(cl):
            cut = phrase.find(cl) if phrase.count(cl) > phrase.count(op) else phrase.rfind(op)
            left, right = phrase[:cut], phrase[cut + 1 :]
            phrase = max(left, right, key=len).strip()
    return trim(phrase)


def _is_phrase(phrase: str) -> bool:
    """A requirement phrase worth listing: 1-12 words with a word of three or more letters."""
    n = len(phrase.split())
    return 1 <= n <= 12 and bool(re.search(r"[^\W\d_]{3,}", phrase))
