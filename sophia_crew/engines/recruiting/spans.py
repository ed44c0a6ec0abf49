"""Profile fields from the learned span tagger (:mod:`.tagger`): job titles and skills, each with its line."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter

from .models import SkillHit, Snippet, WorkItem
from .skills import line_at, vocabulary
from .tagger import TITLE_HEAD_RE, Span, heading_kind
from .textutil import clean


def titles_from(text: str, spans: list[Span] | None, work: list[WorkItem]) -> list[Snippet]:
    """Every job title named (headline, work entries, prose), first mention of each kept.

    The tagger's titles when it ran (``spans`` is not None), else the work-entry titles: cross-validated on
    the dotin train split, the tagger alone scored better than the tagger plus the rule-based titles.
    """
    out, seen = [], set()
    if spans is None:
        found = [(w.title, w.source) for w in work if w.title]
    else:
        found = [(sp.text, line_at(text, sp.start)) for sp in spans if sp.kind == "TITLE"]
    for raw, source in found:
        value = clean(raw)
        if value and value.lower() not in seen:
            seen.add(value.lower())
            out.append(Snippet(value=value, source=source))
    return out


def tagged_skills(text: str, spans: list[Span], hits: list[SkillHit]) -> list[SkillHit]:
    """Curated-vocabulary ``hits`` plus the tagger's skill spans, normalised to vocabulary names when known.

    Terms that are in the vocabulary only because an annotated corpus labelled them ("observed") are often
    plain prose ("management"); they are kept only when the tagger marks them as skills in context.
    (Dropping the curated hits the tagger did not mark scored better on the dotin train split, skills lenient
    F1 0.612 -> 0.629 with the value filter, because its annotators skip skills named in passing; but it
    dropped skills the demo resumes plainly claim, e.g. MEDDIC, HubSpot, Kubernetes, so they are kept.)
    """
    vocab = vocabulary()
    hits = [h for h in hits if vocab.category.get(h.name) != "observed"]
    known = {h.name.lower() for h in hits} | {h.surface.lower() for h in hits}
    for sp in spans:
        item = clean(sp.text)
        if sp.kind != "SKILL" or len(item) < 2 or item.lower() in known:
            continue
        name = vocab.normalise(item) or item
        if name.lower() not in known:
            known.update((name.lower(), item.lower()))
            hits.append(SkillHit(name=name, surface=item, source=line_at(text, sp.start)))
    return hits


def _line_sections(text: str) -> tuple[list[int], list[str]]:
    """Start offset and section kind (last heading above, see :func:`.tagger.heading_kind`) of every line."""
    starts, kinds, section, pos = [], [], "none", 0
    for line in text.split("\n"):
        kind = heading_kind(line)
        if kind:
            section = kind
        starts.append(pos)
        kinds.append(section)
        pos += len(line) + 1
    return starts, kinds


def value_features(text: str, spans: list[Span], gazetteers: dict) -> dict[tuple[str, str], dict[str, float]]:
    """Features of each distinct (kind, value) the tagger found in one resume, for the value filter.

    How sure the tagger was (best and mean span score), how often the value was tagged and how often it
    occurs at all, its length, gazetteer membership, the section and list layout around its first mention.
    """
    starts, kinds = _line_sections(text)
    groups: dict[tuple[str, str], list[Span]] = {}
    for sp in spans:
        value = clean(sp.text).lower()
        if len(value) >= 2:
            groups.setdefault((sp.kind, value), []).append(sp)
    per_kind = Counter(kind for kind, _ in groups)
    low = text.lower()
    out = {}
    for (kind, value), sps in groups.items():
        scores = [sp.score for sp in sps]
        n_occ = max(_mentions(low, value), 1)
        n_words = len(value.split())
        f = {
            "b": 1.0,
            "max": max(scores),
            "mean": sum(scores) / len(scores),
            "ltag": math.log1p(len(sps)),
            "locc": math.log1p(n_occ),
            "frac": min(len(sps) / n_occ, 1.0),
            f"nw{min(n_words, 5)}": 1.0,
            "lchar": math.log(len(value)),
            "lncand": math.log1p(per_kind[kind]),
            "ldoc": math.log1p(len(text)) / 10,
            "rel": sps[0].start / max(len(text), 1),
        }
        own, other = ("skill", "title") if kind == "SKILL" else ("title", "skill")
        for name, key in ((own, "gz"), ("curated", "cur"), (other, "gzo")):
            if value in gazetteers.get(name, ()):
                f[key] = 1.0
        first = sps[0]
        f[f"sec={kinds[bisect_right(starts, first.start) - 1]}"] = 1.0
        for sp in sps:
            f[f"anysec={kinds[bisect_right(starts, sp.start) - 1]}"] = 1.0
        before = text[max(0, first.start - 3) : first.start].strip(" \t")
        after = text[first.end : first.end + 3].strip(" \t")
        f["lstart"] = float(not before or before[-1] in "\n,;|:•)\\")
        f["lend"] = float(not after or after[0] in "\n,;|.(•\\")
        f["listy"] = f["lstart"] * f["lend"]
        surface = first.text.strip()
        for name, hit in (
            ("cap", surface[:1].isupper()),
            ("upper", surface.isupper() and len(surface) > 1),
            ("digit", bool(re.search(r"\d", surface))),
            ("sym", bool(re.search(r"[+#./]", surface))),
            ("head", bool(TITLE_HEAD_RE.search(surface))),
        ):
            if hit:
                f[name] = 1.0
        out[(kind, value)] = f
    return out


def _mentions(low: str, value: str) -> int:
    """Non-overlapping mentions of ``value`` in ``low`` on word boundaries, as ``re.findall`` with
    ``(?<!\\w)value(?!\\w)`` counts them, without compiling a pattern per value (that was half the time)."""
    n, i, size = 0, low.find(value), len(value)
    while i != -1:
        end = i + size
        if (i == 0 or not _is_word(low[i - 1])) and (end == len(low) or not _is_word(low[end])):
            n += 1
            i = low.find(value, end)
        else:
            i = low.find(value, i + 1)
    return n


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def keep_likely(text: str, spans: list[Span], model) -> list[Span]:
    """Drop the spans whose value the tagger's value filter (a logistic regression over
    :func:`value_features`, trained on out-of-fold tagger output) scores below its threshold."""
    vf = getattr(model, "value_filter", None)
    if not vf:
        return spans
    sets = model.gazetteer_sets()
    prob = {}
    for key, f in value_features(text, spans, sets).items():
        params = vf.get(key[0])
        if params:
            z = sum(params["weights"].get(name, 0.0) * x for name, x in f.items())
            prob[key] = 1 / (1 + math.exp(-z)) >= params["threshold"]
    return [sp for sp in spans if prob.get((sp.kind, clean(sp.text).lower()), True)]
