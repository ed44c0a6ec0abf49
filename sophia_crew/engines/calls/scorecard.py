"""Methodology scorecards (MEDDPICC, BANT, SPIN) from phrase cues, and quote verification for LLM claims.

Offline, a criterion is ``found`` when one of its cues (regex in knowledge/calls/methodologies/<name>.yaml)
matches a sentence said by the allowed side; the evidence is the quoted sentence, speaker and timestamp.
When an LLM fills a scorecard instead, :func:`verify_quotes` checks that every quote really occurs in the
transcript, so no criterion can be backed by an invented utterance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...errors import ConfigError, InputError
from ...resources import knowledge_path
from .language import split_sentences
from .models import CallTranscript

MAX_EVIDENCE = 3
MAX_QUOTE_CHARS = 300


def clip(sentence: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """Shorten a long sentence at a word boundary (still a verbatim substring, so it stays verifiable)."""
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + " …"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Criterion(_Model):
    id: str
    label: str
    ask: str
    side: Literal["any", "rep", "customer"] = "any"
    questions_only: bool = False
    cues: list[str] = Field(min_length=1)


class Methodology(_Model):
    name: str
    description: str = ""
    criteria: list[Criterion] = Field(min_length=1)


class Evidence(_Model):
    """A quoted sentence supporting a criterion."""

    quote: str
    speaker: str
    name: str
    start: float | None
    cue: str | None = None


class CriterionResult(_Model):
    id: str
    label: str
    status: Literal["found", "not_found"]
    evidence: list[Evidence] = Field(default_factory=list)
    note: str | None = None


class Scorecard(_Model):
    """A methodology scored on one call."""

    call_id: str
    methodology: str
    criteria: list[CriterionResult]
    found: int
    total: int
    notes: list[str] = Field(default_factory=list)


@lru_cache(maxsize=8)
def load_methodology(name: str) -> tuple[Methodology, tuple[tuple[re.Pattern[str], ...], ...]]:
    """Load ``knowledge/calls/methodologies/<name>.yaml`` and compile its cues."""
    key = name.strip().lower()
    path = knowledge_path("calls", "methodologies", f"{key}.yaml")
    if not re.fullmatch(r"[a-z0-9_]+", key) or not path.is_file():
        known = sorted(p.stem for p in knowledge_path("calls", "methodologies").glob("*.yaml"))
        raise InputError(f"methodology {name!r}: unknown (known: {', '.join(known)})")
    try:
        m = Methodology.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        compiled = tuple(tuple(re.compile(c, re.IGNORECASE) for c in cr.cues) for cr in m.criteria)
    except (yaml.YAMLError, ValidationError, re.error) as exc:
        raise ConfigError(f"{path}: {str(exc).splitlines()[0]}") from None
    return m, compiled


def sentences(t: CallTranscript):
    """Yield (speaker, start, sentence) for every sentence of every utterance."""
    for u in t.utterances:
        if not u.text:
            continue
        for s in split_sentences(u.text):
            yield u.speaker, u.start, s


def score_methodology(t: CallTranscript, methodology: str = "meddpicc") -> Scorecard:
    """Score a call against a methodology by cue detection (see module docstring).

    Args:
        t: the transcript.
        methodology: meddpicc | bant | spin (a YAML file name under knowledge/calls/methodologies).

    Returns:
        Scorecard with found/not_found per criterion and up to 3 quoted pieces of evidence each.
    """
    m, compiled = load_methodology(methodology)
    roles = t.roles()
    has_sides = any(r == "internal" for r in roles.values())
    notes = [] if has_sides else ["no rep side known: side restrictions ignored (pass reps=[...])"]
    results = []
    sents = list(sentences(t))
    for crit, cues in zip(m.criteria, compiled):
        evidence: list[Evidence] = []
        want = {"rep": "internal", "customer": "external"}.get(crit.side)
        for speaker, start, sent in sents:
            if want and has_sides and roles.get(speaker) != want:
                continue
            if crit.questions_only and not sent.rstrip("\"')]").endswith("?"):
                continue
            for cue in cues:
                hit = cue.search(sent)
                if hit:
                    evidence.append(
                        Evidence(
                            quote=clip(sent),
                            speaker=speaker,
                            name=t.speaker_name(speaker),
                            start=start,
                            cue=hit.group(0),
                        )
                    )
                    break
            if len(evidence) >= MAX_EVIDENCE:
                break
        results.append(
            CriterionResult(
                id=crit.id,
                label=crit.label,
                status="found" if evidence else "not_found",
                evidence=evidence,
                note=None if evidence else crit.ask,
            )
        )
    found = sum(r.status == "found" for r in results)
    return Scorecard(
        call_id=t.call_id, methodology=m.name, criteria=results, found=found, total=len(results), notes=notes
    )


# --------------------------------------------------------------------------- quote verification

_NORM = re.compile(r"[^a-z0-9]+")


def _norm(text: str) -> str:
    return " " + _NORM.sub(" ", text.lower()).strip() + " "


class QuoteCheck(_Model):
    """Whether one claimed quote occurs in the transcript."""

    criterion: str | None = None
    quote: str
    verified: bool
    speaker: str | None = None
    start: float | None = None
    reason: str | None = None


def verify_quotes(
    claims: Scorecard | Iterable[dict[str, Any]], t: CallTranscript, time_tolerance_s: float = 5.0
) -> list[QuoteCheck]:
    """Check that every quoted piece of evidence exists in the transcript.

    Matching ignores case, punctuation and spacing; the quote must lie inside one utterance. When a claim
    names a speaker (id or name) or a start time, those must match too (start within ``time_tolerance_s``).

    Args:
        claims: a Scorecard (every evidence item is checked) or dicts with ``quote`` and optional
            ``criterion``, ``speaker``, ``start``.
        t: the transcript the claims are about.

    Returns:
        One QuoteCheck per claim, ``verified`` False with a reason when the quote is not found.
    """
    if isinstance(claims, Scorecard):
        items = [
            {"criterion": c.id, "quote": e.quote, "speaker": e.speaker, "start": e.start}
            for c in claims.criteria
            for e in c.evidence
        ]
    else:
        items = list(claims)
    utts = [(u, _norm(u.text)) for u in t.utterances if u.text]
    out = []
    for i, c in enumerate(items):
        if not isinstance(c, dict) or not str(c.get("quote") or "").strip():
            raise InputError(f"claims[{i}].quote: missing or empty")
        q = _norm(str(c["quote"]))
        want_spk = str(c["speaker"]).lower() if c.get("speaker") not in (None, "") else None
        hits = [u for u, n in utts if q in n]
        reason = None if hits else "quote not found in the transcript"
        if hits and want_spk:
            hits = [u for u in hits if want_spk in (u.speaker.lower(), t.speaker_name(u.speaker).lower())]
            reason = None if hits else "quote exists but was said by someone else"
        if hits and c.get("start") is not None and t.timed:
            near = [
                u
                for u in hits
                if u.start is not None
                and u.start - time_tolerance_s <= float(c["start"]) <= (u.end or u.start) + time_tolerance_s
            ]
            reason = None if near else "quote exists but not at that time"
            hits = near
        u = hits[0] if hits else None
        out.append(
            QuoteCheck(
                criterion=c.get("criterion"),
                quote=str(c["quote"]),
                verified=u is not None,
                speaker=u.speaker if u else None,
                start=u.start if u else None,
                reason=reason,
            )
        )
    return out
