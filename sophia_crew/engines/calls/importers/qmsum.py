"""QMSum JSON importer (``meeting_transcripts[{speaker, content}]``; no timings).

AMI annotation marks such as ``{vocalsound}`` or ``{gap}`` are removed; turns left empty are dropped
(counted in ``notes``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ....errors import InputError
from ..models import CallTranscript, Utterance
from .common import build_transcript, speaker_id

_MARK = re.compile(r"\{\w+\}")
_SPACE_PUNCT = re.compile(r"\s+([.,?!])")


def parse_qmsum(text: str, path: Path) -> CallTranscript:
    """Parse a QMSum meeting JSON."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None
    turns = data.get("meeting_transcripts") if isinstance(data, dict) else None
    if not isinstance(turns, list) or not turns:
        raise InputError(f"{path}: meeting_transcripts: missing or empty")
    utterances, dropped = [], 0
    for i, turn in enumerate(turns):
        if not isinstance(turn, dict) or "speaker" not in turn:
            raise InputError(f"{path}: meeting_transcripts[{i}].speaker: missing")
        content = _SPACE_PUNCT.sub(r"\1", _MARK.sub("", str(turn.get("content", "")))).strip()
        content = re.sub(r"\s{2,}", " ", content)
        if not content:
            dropped += 1
            continue
        utterances.append(
            Utterance.model_construct(
                speaker=speaker_id(str(turn["speaker"])),
                start=None,
                end=None,
                text=content,
                spans=None,
                topic=None,
            )
        )
    notes = (
        [f"{dropped} turns held only annotation marks such as {{vocalsound}} and were dropped"]
        if dropped
        else []
    )
    return build_transcript(
        call_id=path.stem,
        utterances=utterances,
        source_format="qmsum",
        source=path,
        pauses_known=False,
        notes=notes,
    )
