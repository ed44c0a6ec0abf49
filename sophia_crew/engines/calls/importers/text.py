"""Plain-text importer: ``Name: text`` lines, optionally prefixed by ``[hh:mm:ss]`` or ``[mm:ss]`` stamps.

Stamps give only start times, so each utterance is taken to last until the next one starts (pauses are
indistinguishable from speech: ``pauses_known`` is False and patience is reported unavailable). The last
utterance has no successor; its length is estimated from its word count at the call's own speaking rate
and the estimate is recorded in ``notes``. Lines without a ``Name:`` prefix continue the previous utterance.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from ....errors import InputError
from ..models import CallTranscript, Utterance
from .common import build_transcript, parse_stamp, speaker_id, split_name_prefix

_LEAD_STAMP = re.compile(r"^\s*[\[(]?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?\s*[-–]?\s*(.*)$")
_FALLBACK_WPS = 150 / 60  # used only when no other utterance gives the call's own rate


def parse_text(text: str, path: Path) -> CallTranscript:
    """Parse a plain-text transcript."""
    rows: list[list] = []  # [start|None, speaker, text]
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        start = None
        m = _LEAD_STAMP.match(line)
        if m and m.group(2):
            start = parse_stamp(m.group(1), f"{path}: line {lineno}")
            line = m.group(2)
        name, rest = split_name_prefix(line)
        if name is None:
            if not rows:
                raise InputError(
                    f"{path}: line {lineno}: expected 'Name: text' (no speaker before this line)"
                )
            if start is not None:
                raise InputError(f"{path}: line {lineno}: timestamped line has no 'Name:' speaker")
            rows[-1][2] += " " + line
            continue
        rows.append([start, speaker_id(name), rest, lineno])
    if not rows:
        raise InputError(f"{path}: no 'Name: text' lines found")
    stamped = [r[0] is not None for r in rows]
    if any(stamped) and not all(stamped):
        missing = rows[stamped.index(False)][3]
        raise InputError(f"{path}: line {missing}: some lines have [hh:mm:ss] stamps and this one does not")
    notes: list[str] = []
    if not all(stamped):
        utts = [
            Utterance.model_construct(speaker=s, start=None, end=None, text=t, spans=None, topic=None)
            for _, s, t, _ in rows
        ]
        return build_transcript(
            call_id=path.stem, utterances=utts, source_format="text", source=path, pauses_known=False
        )
    for a, b in pairwise(rows):
        if b[0] < a[0]:
            raise InputError(f"{path}: line {b[3]}: timestamp goes backwards ({b[0]} < {a[0]})")
    words = sum(len(r[2].split()) for r in rows[:-1])
    span = rows[-1][0] - rows[0][0]
    wps = words / span if span > 0 and words else _FALLBACK_WPS
    last_len = max(1.0, len(rows[-1][2].split()) / wps)
    notes.append(
        f"plain-text stamps give start times only: each utterance lasts until the next starts; "
        f"last utterance length estimated as {last_len:.1f} s from its words at {wps * 60:.0f} wpm"
    )
    utts = []
    for i, (start, spk, txt, _) in enumerate(rows):
        end = rows[i + 1][0] if i + 1 < len(rows) else start + last_len
        utts.append(
            Utterance.model_construct(speaker=spk, start=start, end=end, text=txt, spans=None, topic=None)
        )
    return build_transcript(
        call_id=path.stem, utterances=utts, source_format="text", source=path, pauses_known=False, notes=notes
    )
