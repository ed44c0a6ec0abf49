"""Privacy and fairness: PII redaction before any LLM sees a resume, and the four-fifths adverse-impact check."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from sophia_crew.errors import InputError

from .models import AdverseImpactReport, CandidateProfile, Contact, GroupRate
from .textutil import EMAIL_RE, PHONE_RE, URL_RE

_RULES: list[tuple[re.Pattern[str], str]] = [
    (EMAIL_RE, "[EMAIL]"),
    (URL_RE, "[URL]"),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)|<img[^>]*>", re.IGNORECASE), "[PHOTO]"),
    (re.compile(r"\b(?:photo|picture|headshot|portrait)\s*(?:of|:)[^\n]*", re.IGNORECASE), "[PHOTO]"),
    (
        re.compile(
            r"\b(?:date of birth|d\.?o\.?b\.?|born(?: on| in)?|birth ?date|birthday)\s*[:\-]?\s*[^\n,;]{0,30}",
            re.IGNORECASE,
        ),
        "[DOB]",
    ),
    (
        re.compile(r"\b(?:age\s*[:\-]?\s*\d{2}|\d{2}\s*(?:years|yrs)\s*old|aged\s+\d{2})\b", re.IGNORECASE),
        "[AGE]",
    ),
    (re.compile(r"\b(?:gender|sex)\s*[:\-]\s*\w+", re.IGNORECASE), "[GENDER]"),
    (
        re.compile(
            r"\b(?:marital status|nationality|religion|ethnicity|race)\s*[:\-]\s*[^\n,;]+", re.IGNORECASE
        ),
        "[PERSONAL]",
    ),
    (re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|MR|MRS|MISS)\.?\s+(?=[A-Z[])"), ""),
    (re.compile(r"\b(?:he|she|him|her|his|hers|himself|herself)\b", re.IGNORECASE), "they"),
    (re.compile(r"\b(?:male|female|woman|man|mother of|father of)\b", re.IGNORECASE), "[GENDER]"),
    (
        re.compile(
            r"\d{1,5}\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct)\b\.?[^\n]{0,40}"
        ),
        "[ADDRESS]",
    ),
    (re.compile(r"\b\d{5}(?:-\d{4})?\b(?=\s*$)", re.MULTILINE), "[ZIP]"),
    (PHONE_RE, "[PHONE]"),
]


def redact_text(text: str, names: list[str] | None = None, places: list[str] | None = None) -> str:
    """Remove names, contacts, addresses, URLs, photo alt text, age/date-of-birth and gender cues from text.

    Args:
        text: any text (resume, notes).
        names: person names to remove as well (each word of each name is replaced).
        places: home locations to remove ("Austin, TX").
    """
    out = text
    for place in places or []:
        out = out.replace(place, "[LOCATION]")
    for name in names or []:
        for part in sorted({p for p in re.split(r"\s+", name) if len(p) > 1}, key=len, reverse=True):
            out = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[NAME]", out)
        out = re.sub(r"\[NAME\](?:\s+\[NAME\])+", "[NAME]", out)
    for pattern, repl in _RULES:
        out = pattern.sub(repl, out)
    return out


def redact(item: CandidateProfile | str) -> CandidateProfile | str:
    """Redacted copy of a profile (text and personal fields) or of a plain string.

    Skills, work history and education stay (the matcher scores redacted profiles the same way).
    """
    if isinstance(item, str):
        return redact_text(item)
    # The name as written plus its title/upper-case forms ("JESSICA TRAN" heads a resume, "Jessica" recurs).
    names = sorted({item.name.value, item.name.value.title(), item.name.value.upper()}) if item.name else []
    places = [loc.value for loc in item.locations]

    def clean(s: str) -> str:
        return redact_text(s, names, places)

    data = item.model_copy(deep=True)
    data.name = None
    data.contact = Contact()
    data.locations = []
    data.text = clean(item.text)
    for w in data.work:
        w.source = clean(w.source)
    for e in data.education:
        e.source = clean(e.source)
    for s in [*data.skills, *data.titles, *data.languages, *data.certifications]:
        s.source = clean(s.source)
    # Learned spans can misfire on a name or a city, so the values are scrubbed too.
    for t in data.titles:
        t.value = clean(t.value)
    for h in data.skills:
        h.surface, h.name = clean(h.surface), clean(h.name)
    data.redacted = True
    return data


def adverse_impact(
    rows: list[dict[str, str]], group_column: str, selected_column: str, min_group_size: int = 30
) -> AdverseImpactReport:
    """Four-fifths rule over selection outcomes.

    Each group's selection rate is divided by the highest group's rate; a ratio below 0.8 is flagged.
    Groups smaller than ``min_group_size`` are marked: the ratio is unstable there and a flag is not proof.

    Args:
        rows: one dict per applicant.
        group_column: column with the group label.
        selected_column: column with 1/0, yes/no, true/false.

    Raises:
        InputError: missing column or a value that is not a yes/no outcome, or no rows.
    """
    if not rows:
        raise InputError("adverse impact: no applicant rows")
    for col in (group_column, selected_column):
        if col not in rows[0]:
            raise InputError(f"adverse impact: column {col!r} not found (have: {', '.join(rows[0])})")
    counts: dict[str, list[int]] = {}
    for i, row in enumerate(rows, start=2):
        raw = str(row[selected_column]).strip().lower()
        if raw in ("1", "yes", "y", "true", "selected", "advanced"):
            sel = 1
        elif raw in ("0", "no", "n", "false", "rejected", "not selected", ""):
            sel = 0
        else:
            raise InputError(
                f"adverse impact: row {i}: {selected_column}={row[selected_column]!r} is not yes/no or 1/0"
            )
        group = str(row[group_column]).strip() or "(blank)"
        c = counts.setdefault(group, [0, 0])
        c[0] += 1
        c[1] += sel
    rates = {g: s / n for g, (n, s) in counts.items()}
    ref = max(rates, key=lambda g: (rates[g], counts[g][0]))
    top = rates[ref]
    groups = []
    for g, (n, s) in sorted(counts.items()):
        ratio = rates[g] / top if top else 1.0
        groups.append(
            GroupRate(
                group=g,
                applicants=n,
                selected=s,
                selection_rate=round(rates[g], 4),
                impact_ratio=round(ratio, 4),
                flagged=ratio < 0.8,
                small_sample=n < min_group_size,
            )
        )
    caveats = [
        (
            "The four-fifths rule is a screening heuristic, not a legal finding; review flagged groups with a "
            "statistical test and counsel."
        )
    ]
    small = [g.group for g in groups if g.small_sample]
    if small:
        caveats.append(
            f"Small samples (< {min_group_size} applicants): {', '.join(small)}; ratios there are unstable."
        )
    if top == 0:
        caveats.append("No applicant was selected: impact ratios are undefined and shown as 1.0.")
    return AdverseImpactReport(
        groups=groups,
        reference_group=ref,
        caveats=caveats,
        flagged_groups=[g.group for g in groups if g.flagged],
    )


def adverse_impact_csv(path: str | Path, group_column: str, selected_column: str) -> AdverseImpactReport:
    """:func:`adverse_impact` over a CSV file of outcomes."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: outcomes file not found")
    with p.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    try:
        return adverse_impact(rows, group_column, selected_column)
    except InputError as exc:
        raise InputError(f"{p}: {exc}") from exc
