"""Deterministic intent rules: a plain-language request → which crews, with which inputs, and why.

Rules live in ``knowledge/routing.yaml`` (weighted phrases per crew, refusals, entity file types). A request
is split into clauses ("…, then …", "… and …", "…; also …"); each clause goes to its best-scoring crew when
that score reaches the threshold; entities (file paths, URLs, account names, money amounts) fill the inputs
the chosen crew declares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..resources import knowledge_path

SPLIT = re.compile(r";|,\s*(?:and\s+)?then\b|\bthen\b|\balso\b|,\s*and\b|\band\b|\?\s+(?=\w)", re.I)
URL = re.compile(r"\bhttps?://[^\s,;]+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|io|de|net|org|co|example)\b[^\s,;]*", re.I)
PATH = re.compile(r"(?:~|\.{1,2})?/?(?:[\w.-]+/)+[\w.-]*|[\w.-]+\.(?:vtt|srt|json|nlp|txt|pdf|docx|doc|csv|md)\b")
MONEY = re.compile(r"\$\s?(\d+(?:[.,]\d+)?)\s*([kKmM])?\b")


@dataclass(frozen=True)
class Rules:
    threshold: float
    crews: dict[str, list[tuple[re.Pattern, float, str]]]
    refuse: list[str]
    transcript_ext: tuple[str, ...]
    resume_ext: tuple[str, ...]


def _phrase(p: str) -> re.Pattern:
    body = re.escape(p.rstrip("*")).replace(r"\ ", r"[\s-]+")
    tail = r"[\w-]*" if p.endswith("*") else ""
    return re.compile(r"(?<![\w])" + body + tail + r"(?![\w])", re.I)


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> Rules:
    data = yaml.safe_load(Path(path or knowledge_path("routing.yaml")).read_text(encoding="utf-8"))
    crews = {crew: [(_phrase(p), float(w), p) for p, w in phrases.items()] for crew, phrases in data["crews"].items()}
    ent = data.get("entities", {})
    return Rules(float(data.get("threshold", 1.0)), crews, [r.lower() for r in data.get("refuse", [])],
                 tuple(ent.get("transcript_ext", [])), tuple(ent.get("resume_ext", [])))


def score(text: str, rules: Rules) -> dict[str, tuple[float, list[str]]]:
    """Per crew: the summed weight of the phrases found in ``text`` and which phrases they were."""
    out = {}
    for crew, phrases in rules.crews.items():
        hits = [(w, p) for rx, w, p in phrases if rx.search(text)]
        out[crew] = (sum(w for w, _ in hits), [p for _, p in hits])
    return out


def entities(text: str, rules: Rules, account_names: list[str] | None = None) -> dict[str, Any]:
    """Paths, URLs, money amounts and account names found in ``text``."""
    found: dict[str, Any] = {}
    urls = [u.rstrip(".?!") for u in URL.findall(text)]
    paths = [p.rstrip(".?!") for p in PATH.findall(text) if not any(p in u for u in urls)]
    for p in paths:
        low = p.lower()
        if low.endswith(rules.transcript_ext):
            found.setdefault("transcript", p)
        elif low.endswith(rules.resume_ext):
            found.setdefault("resume", p)
        elif low.endswith("/") or "." not in Path(p).name:
            found.setdefault("folder", p)
    if urls:
        found["url"] = urls[0] if urls[0].startswith("http") else f"https://{urls[0]}"
    money = MONEY.search(text)
    if money:
        value = float(money.group(1).replace(",", ""))
        value *= {"k": 1e3, "m": 1e6}.get((money.group(2) or "").lower(), 1)
        found["target_usd"] = value
    for name in account_names or []:
        if re.search(rf"\b{re.escape(name)}\b", text, re.I):
            found.setdefault("account", name)
    return found


def route(text: str, rules: Rules | None = None) -> list[tuple[str, float, list[str], str]]:
    """Ordered ``(crew, score, phrases, clause)`` for each clause that a crew fits; [] when none does."""
    rules = rules or load_rules()
    lowered = text.lower()
    if any(r in lowered for r in rules.refuse):
        return []
    steps: list[tuple[str, float, list[str], str]] = []
    for clause in (c.strip(" ,.") for c in SPLIT.split(text)):
        if not clause:
            continue
        scores = score(clause, rules)
        if URL.search(clause):  # a web address is research material
            s, hits = scores["research"]
            scores["research"] = (s + 2.0, [*hits, "url"])
        best = max(scores.items(), key=lambda kv: kv[1][0])
        crew, (value, hits) = best
        if value >= rules.threshold and crew not in [s[0] for s in steps]:
            steps.append((crew, value, hits, clause))
    return steps
