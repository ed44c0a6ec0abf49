"""Helpers shared by the importers: safe reading, timestamp parsing, validation, transcript assembly."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ....errors import InputError
from ..models import CallTranscript, Participant, Role, Utterance

MAX_BYTES = 200 * 1024 * 1024

_STAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")


def read_text(path: Path) -> str:
    """Read a transcript file as UTF-8 text; InputError for missing, empty or binary files."""
    return read_source(path)[1]


def read_source(path: Path) -> tuple[bytes, str]:
    """(bytes, UTF-8 text) of a transcript file, checked as by :func:`read_text`."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: file is empty")
    if size > MAX_BYTES:
        raise InputError(f"{path}: file is larger than {MAX_BYTES // 2**20} MB; not a transcript")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path}: binary file, not a transcript")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if text.isspace():
        raise InputError(f"{path}: file holds only whitespace")
    return raw, text


def parse_stamp(value: str, where: str) -> float:
    """Seconds from ``hh:mm:ss.mmm``, ``mm:ss``, ``hh:mm:ss,mmm`` (SRT); InputError naming ``where``."""
    m = _STAMP.match(value.strip())
    if not m:
        raise InputError(f"{where}: bad timestamp {value!r}")
    hours, minutes, seconds, frac = m.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        raise InputError(f"{where}: bad timestamp {value!r}")
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if frac:
        total += int(frac) / 10 ** len(frac)
    return float(total)


def check_timings(utterances: list[Utterance], source: str) -> None:
    """Reject negative times, ends before starts and starts that go backwards.

    Overlap (a start before the previous end) is legal speech overlap and is handled by the metrics.
    """
    last_start = 0.0
    for i, u in enumerate(utterances, 1):
        if u.start is None or u.end is None:
            continue
        if u.start < 0 or u.end < 0:
            raise InputError(f"{source}: utterance {i}: negative timestamp ({u.start}, {u.end})")
        if u.end < u.start:
            raise InputError(f"{source}: utterance {i}: ends ({u.end}) before it starts ({u.start})")
        if u.start < last_start:
            raise InputError(f"{source}: utterance {i}: timestamp goes backwards ({u.start} < {last_start})")
        last_start = u.start


def speaker_id(name: str) -> str:
    """Stable id for a speaker known only by name."""
    return re.sub(r"\s+", " ", name.strip())


def _matches(p: Participant, wanted: set[str]) -> bool:
    keys = {p.id.lower()}
    if p.name:
        keys.add(p.name.lower())
        keys.add(p.name.split()[0].lower())
    if p.email:
        keys.add(p.email.lower())
    return bool(keys & wanted)


def apply_reps(t: CallTranscript, reps: Iterable[str] | None) -> CallTranscript:
    """Mark participants named in ``reps`` (id, full name, first name or e-mail) internal, the rest external.

    An explicit list overrides affiliation from the source. Reps not on this call are recorded in ``notes``
    (normal in batch mode, where one list covers many calls).
    """
    if not reps:
        return t
    wanted = {r.strip().lower() for r in reps if r and r.strip()}
    if not wanted:
        return t
    participants = []
    for p in t.participants:
        role: Role = "internal" if _matches(p, wanted) else "external"
        participants.append(p.model_copy(update={"role": role}))
    notes = list(t.notes)
    if not any(p.role == "internal" for p in participants):
        notes.append(f"reps {sorted(wanted)} match no speaker on this call")
    return t.model_copy(update={"participants": participants, "notes": notes})


def build_transcript(
    *,
    call_id: str,
    utterances: list[Utterance],
    source_format: str,
    source: Path,
    participants: list[Participant] | None = None,
    date=None,
    pauses_known: bool = True,
    notes: list[str] | None = None,
    check: bool = True,
) -> CallTranscript:
    """Assemble and validate a CallTranscript; participants missing for a speaker are added as unknown."""
    if not utterances:
        raise InputError(f"{source}: no utterances found")
    if check:
        check_timings(utterances, str(source))
    known = {p.id: p for p in participants or []}
    ordered: list[Participant] = []
    seen: set[str] = set()
    for u in utterances:
        if u.speaker not in seen:
            seen.add(u.speaker)
            ordered.append(known.get(u.speaker) or Participant(id=u.speaker, name=u.speaker))
    timed = all(u.start is not None and u.end is not None for u in utterances)
    if not timed and any(u.start is not None for u in utterances):
        raise InputError(f"{source}: some utterances have timestamps and some do not")
    return CallTranscript.model_construct(
        call_id=call_id,
        date=date,
        participants=ordered,
        utterances=utterances,
        source_format=source_format,
        source=str(source),
        timed=timed,
        pauses_known=pauses_known and timed,
        notes=list(notes or []),
    )


def split_name_prefix(line: str) -> tuple[str | None, str]:
    """``"Jane Doe: hello"`` → ("Jane Doe", "hello"); no plausible name prefix → (None, line)."""
    m = _NAME_PREFIX.match(line)
    if not m:
        return None, line
    return m.group(1).strip(), m.group(2).strip()


# A name prefix: up to 6 words of letters/dots/apostrophes/hyphens/parentheses before a colon.
_NAME_PREFIX = re.compile(r"^\s*([A-Za-z][\w.'()\- ]{0,60}?)\s*:\s+(.*)$")
