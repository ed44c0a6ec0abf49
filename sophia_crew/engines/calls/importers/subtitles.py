"""WebVTT and SRT importers.

Speakers come from WebVTT voice tags (``<v Jane Doe>text</v>``) or a ``Name:`` prefix on the cue text.
A cue without either continues the previous cue's speaker (captions often split one turn into many
cues); a file whose first cue has no speaker at all is rejected, since talk ratios would be meaningless.
"""

from __future__ import annotations

import re
from pathlib import Path

from ....errors import InputError
from ..models import CallTranscript, Utterance
from .common import build_transcript, parse_stamp, speaker_id, split_name_prefix

_ARROW = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _cues(text: str, path: Path, kind: str):
    """Yield (line number, start, end, text lines) for every cue."""
    lines = text.splitlines()
    i = 0
    n = len(lines)
    while i < n:
        m = _ARROW.match(lines[i])
        if not m:
            i += 1
            continue
        where = f"{path}: line {i + 1}"
        start = parse_stamp(m.group(1), where)
        end = parse_stamp(m.group(2), where)
        body = []
        i += 1
        while i < n and lines[i].strip():
            body.append(lines[i])
            i += 1
        yield i, start, end, body


def _parse(text: str, path: Path, kind: str) -> CallTranscript:
    utterances: list[Utterance] = []
    current: str | None = None
    for lineno, start, end, body in _cues(text, path, kind):
        joined = " ".join(b.strip() for b in body)
        speaker = None
        m = _VOICE.search(joined)
        if m:
            speaker = m.group(1).strip()
        cleaned = _TAG.sub("", joined).strip()
        if speaker is None:
            name, rest = split_name_prefix(cleaned)
            if name is not None:
                speaker, cleaned = name, rest
        if speaker is None:
            if current is None:
                raise InputError(
                    f"{path}: line {lineno}: cue has no speaker (<v Name> tag or 'Name:' prefix)"
                )
            speaker = current
        current = speaker_id(speaker)
        if not cleaned:
            continue
        utterances.append(
            Utterance.model_construct(
                speaker=current, start=start, end=end, text=cleaned, spans=None, topic=None
            )
        )
    if not utterances:
        raise InputError(f"{path}: no {kind.upper()} cues found")
    return build_transcript(call_id=path.stem, utterances=utterances, source_format=kind, source=path)


def parse_vtt(text: str, path: Path) -> CallTranscript:
    """Parse a WebVTT file (``WEBVTT`` header, ``hh:mm:ss.mmm --> hh:mm:ss.mmm`` cues)."""
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError(f"{path}: line 1: WebVTT files must start with 'WEBVTT'")
    return _parse(text, path, "vtt")


def parse_srt(text: str, path: Path) -> CallTranscript:
    """Parse an SRT file (numbered cues, ``hh:mm:ss,mmm --> hh:mm:ss,mmm``)."""
    return _parse(text, path, "srt")
