"""Profile fields from the learned span tagger (:mod:`.tagger`): job titles and skills, each with its line."""

from __future__ import annotations

from .models import SkillHit, Snippet, WorkItem
from .skills import line_at, vocabulary
from .tagger import Span
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
