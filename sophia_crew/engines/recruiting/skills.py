"""Skills vocabulary (knowledge/recruiting/skills*.yaml) and normalisation of skill mentions.

Curated entries (``skills.yaml``) map synonyms to one canonical name; observed terms (``skills_observed.yaml``,
derived from an annotated resume corpus) are their own canonical names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from sophia_crew.errors import ConfigError
from sophia_crew.resources import knowledge_path

from .models import SkillHit

# Surface forms so short or common that they would match ordinary prose.
_AMBIGUOUS = {
    "go",
    "r",
    "c",
    "ts",
    "py",
    "node",
    "rest",
    "spark",
    "b2b",
    "ml",
    "analytics",
    "selling",
    "outbound",
    "forecasting",
    "training",
    "coaching",
    "analytical",
    "presentations",
    "containers",
    "acquiring",
}


@dataclass(frozen=True)
class Vocabulary:
    """Surface form (lower case) → canonical skill name, plus the compiled matcher."""

    canonical: dict[str, str]
    category: dict[str, str]
    titles: frozenset[str]
    pattern: re.Pattern[str]

    def normalise(self, surface: str) -> str | None:
        """Canonical name of a skill as written, or None when it is not in the vocabulary."""
        key = _norm(surface)
        return self.canonical.get(key) or (self.canonical.get(key[:-1]) if key.endswith("s") else None)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .,;:-•*()").lower()


def _load_yaml(name: str) -> dict:
    path = knowledge_path("recruiting", name)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read skills vocabulary: {exc}") from exc


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Load and compile the skills vocabulary once per process."""
    canonical: dict[str, str] = {}
    category: dict[str, str] = {}
    for entry in _load_yaml("skills.yaml").get("skills", []):
        name = entry["name"]
        category[name] = entry.get("category", "tech")
        for surface in [name, *entry.get("synonyms", [])]:
            key = _norm(surface)
            if key in _AMBIGUOUS and surface != name:
                continue
            canonical.setdefault(key, name)
    observed = _load_yaml("skills_observed.yaml")
    for term in observed.get("skills", []):
        key = _norm(str(term))
        if key and key not in canonical and key not in _AMBIGUOUS:
            canonical[key] = key if not key.islower() else _title(key)
            category.setdefault(canonical[key], "observed")
    titles = frozenset(_norm(str(t)) for t in observed.get("titles", []))
    surfaces = sorted(canonical, key=len, reverse=True)
    body = "|".join(re.escape(s) for s in surfaces)
    # An optional plural "s" so "relational databases" finds "relational database".
    pattern = re.compile(rf"(?<![\w+#/.])(?:{body})s?(?![\w+#]|\.\w)", re.IGNORECASE)
    return Vocabulary(canonical, category, titles, pattern)


def _title(term: str) -> str:
    # Keep acronyms and tool names readable without inventing capitalisation for multi-word phrases.
    return term.upper() if len(term) <= 4 and term.isalpha() else term[:1].upper() + term[1:]


def find_skills(text: str, source_of=None) -> list[SkillHit]:
    """All vocabulary skills mentioned in ``text``, first mention of each canonical skill kept.

    Args:
        text: plain text to scan.
        source_of: optional callable (start, end) → snippet; defaults to the line containing the match.

    Returns:
        Skill hits in order of first appearance.
    """
    vocab = vocabulary()
    hits: dict[str, SkillHit] = {}
    for m in vocab.pattern.finditer(text):
        surface = m.group(0)
        key = _norm(surface)
        if key in _AMBIGUOUS and not _strong_context(text, m.start(), m.end(), surface):
            continue
        name = vocab.normalise(key)
        if name is None or name in hits:
            continue
        snippet = source_of(m.start(), m.end()) if source_of else line_at(text, m.start())
        hits[name] = SkillHit(name=name, surface=surface, source=snippet)
    return list(hits.values())


def _strong_context(text: str, start: int, end: int, surface: str) -> bool:
    """Ambiguous short names count only when written like a tool name or inside a list."""
    if surface.isupper() and len(surface) <= 4:
        return True
    window = text[max(0, start - 2) : end + 2]
    return bool(re.search(r"[,/|:]", window))


def line_at(text: str, pos: int, limit: int = 200) -> str:
    """The line of ``text`` containing character ``pos``, trimmed to ``limit`` characters."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : end if end != -1 else len(text)].strip()
    return line[:limit]
