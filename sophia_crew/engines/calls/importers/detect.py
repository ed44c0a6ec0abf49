"""Format detection from the file name and the first bytes of its text."""

from __future__ import annotations

import re
from pathlib import Path

from ....errors import InputError

FORMATS = ("gong_json", "vtt", "srt", "text", "earnings21", "qmsum")
ALIASES = {
    "gong": "gong_json",
    "json": None,
    "webvtt": "vtt",
    "txt": "text",
    "plain": "text",
    "nlp": "earnings21",
    "rttm": "earnings21",
}

_SRT_HEAD = re.compile(r"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2},\d{1,3}\s+-->")
_JSON_ARRAY = re.compile(r"\[\s*[{\]\"]")
_TEXT_LINE = re.compile(
    r"^\s*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s*)?[A-Za-z][\w.'()\- ]{0,60}:\s+\S"
)


def normalise_format(name: str) -> str:
    """Canonical format name for a user-supplied ``format=`` value; InputError if unknown."""
    key = name.strip().lower()
    canon = ALIASES.get(key, key)
    if canon not in FORMATS:
        raise InputError(f"format {name!r}: unknown (known: {', '.join(FORMATS)})")
    return canon


def detect_format(path: Path, text: str) -> str:
    """Guess the format of a transcript; InputError naming the file when nothing fits."""
    head = text[:4096].lstrip("\ufeff")
    stripped = head.lstrip()
    suffix = path.suffix.lower()
    if head.startswith("token|speaker|") or suffix == ".nlp":
        return "earnings21"
    if stripped.startswith("WEBVTT") or suffix == ".vtt":
        return "vtt"
    if _SRT_HEAD.match(head) or suffix == ".srt":
        return "srt"
    if stripped.startswith("{") or _JSON_ARRAY.match(stripped) or suffix == ".json":
        if '"callTranscripts"' in text:
            return "gong_json"
        if '"meeting_transcripts"' in text:
            return "qmsum"
        raise InputError(
            f"{path}: JSON without 'callTranscripts' (Gong) or 'meeting_transcripts' (QMSum); "
            f"unknown transcript format"
        )
    lines = [ln for ln in head.splitlines() if ln.strip()][:20]
    if lines and sum(bool(_TEXT_LINE.match(ln)) for ln in lines) >= max(1, len(lines) // 2):
        return "text"
    raise InputError(f"{path}: unknown transcript format (pass format= one of {', '.join(FORMATS)})")
