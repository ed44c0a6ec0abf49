"""Gong API v2 importer.

Accepts the ``/v2/calls/transcript`` response (``callTranscripts[].transcript[]`` monologues with
``speakerId``, ``topic`` and ``sentences[{start, end, text}]`` in milliseconds), optionally combined in the
same file with parties (top-level ``parties`` or the ``/v2/calls/extensive`` shape ``calls[].parties`` with
``metaData``). Parties can also come from a separate file or list via ``parties=``. Each monologue becomes
one utterance whose ``spans`` are its sentences, so pauses between sentences are not talk time.
Without parties, speakers are ``unknown`` until a ``reps`` list says who the rep is.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ....errors import InputError
from ..models import CallTranscript, Participant, Utterance
from .common import build_transcript, read_text

_AFFILIATION = {"internal": "internal", "external": "external", "unknown": "unknown"}


def _parties_from(data: Any, call_id: str | None) -> tuple[list[dict], dict]:
    """(party dicts, metaData) from a parties list, a /v2/calls/extensive response or a combined file."""
    if isinstance(data, list):
        return data, {}
    if not isinstance(data, dict):
        return [], {}
    if isinstance(data.get("parties"), list):
        return data["parties"], data.get("metaData") or {}
    calls = data.get("calls")
    if isinstance(calls, list):
        for call in calls:
            meta = call.get("metaData") or {}
            if call_id is None or str(meta.get("id")) == str(call_id) or len(calls) == 1:
                return call.get("parties") or [], meta
    return [], {}


def _participants(parties: list[dict], path: Path) -> dict[str, Participant]:
    out: dict[str, Participant] = {}
    for i, p in enumerate(parties):
        if not isinstance(p, dict):
            raise InputError(f"{path}: parties[{i}] is not an object")
        sid = p.get("speakerId")
        if sid is None:
            continue  # invited but never spoke
        aff = str(p.get("affiliation") or "Unknown").lower()
        out[str(sid)] = Participant(
            id=str(sid),
            name=p.get("name"),
            title=p.get("title"),
            email=p.get("emailAddress"),
            role=_AFFILIATION.get(aff, "unknown"),
        )
    return out


def _call_date(meta: dict) -> date | None:
    started = meta.get("started") or meta.get("scheduled")
    if not started:
        return None
    try:
        return datetime.fromisoformat(str(started)).date()
    except ValueError:
        return None


def parse_gong(text: str, path: Path, parties: Any = None) -> CallTranscript:
    """Parse a Gong v2 transcript JSON (with or without parties)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None
    calls = data.get("callTranscripts") if isinstance(data, dict) else None
    if not isinstance(calls, list) or not calls:
        raise InputError(f"{path}: callTranscripts: missing or empty (not a Gong v2 transcript)")
    if len(calls) > 1:
        raise InputError(f"{path}: callTranscripts holds {len(calls)} calls; split it into one file per call")
    call = calls[0]
    call_id = str(call.get("callId") or path.stem)
    if isinstance(parties, (str, Path)):
        ppath = Path(parties)
        parties = json.loads(read_text(ppath))
    party_list, meta = _parties_from(parties if parties is not None else data, call_id)
    people = _participants(party_list, path)
    utterances: list[Utterance] = []
    for i, mono in enumerate(call.get("transcript") or []):
        sid = mono.get("speakerId")
        sentences = mono.get("sentences") or []
        if sid is None:
            raise InputError(f"{path}: callTranscripts[0].transcript[{i}].speakerId: missing")
        spans, texts = [], []
        for j, s in enumerate(sentences):
            try:
                start, end = float(s["start"]) / 1000.0, float(s["end"]) / 1000.0
            except (KeyError, TypeError, ValueError):
                raise InputError(
                    f"{path}: transcript[{i}].sentences[{j}]: start/end must be numbers (ms)"
                ) from None
            if end < start:
                raise InputError(
                    f"{path}: transcript[{i}].sentences[{j}]: end {end} s before start {start} s"
                )
            spans.append((start, end))
            texts.append(str(s.get("text", "")).strip())
        if not spans:
            continue
        utterances.append(
            Utterance.model_construct(
                speaker=str(sid),
                start=spans[0][0],
                end=max(e for _, e in spans),
                text=" ".join(texts),
                spans=spans,
                topic=mono.get("topic"),
            )
        )
    notes = [] if people else ["no parties: speaker names and affiliations unknown (pass parties= or reps=)"]
    return build_transcript(
        call_id=call_id,
        utterances=utterances,
        source_format="gong_json",
        source=path,
        participants=list(people.values()),
        date=_call_date(meta),
        notes=notes,
    )
