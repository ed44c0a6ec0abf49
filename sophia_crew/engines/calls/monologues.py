"""Timeline turns (monologues) of a call: utterances by start, same-speaker neighbours merged."""

from __future__ import annotations

from .models import CallTranscript, Monologue, trusted


def timeline_turns(t: CallTranscript) -> list[dict]:
    """Utterances with speech or words, sorted by start, merged into same-speaker monologues."""
    items = [u for u in t.utterances if u.start is not None and (u.text or u.speech())]
    items.sort(key=lambda u: u.start)  # stable: ties keep transcript order
    groups: list[dict] = []
    for u in items:
        real = u.end > u.start
        if groups and groups[-1]["speaker"] == u.speaker:
            g = groups[-1]
            g["end"] = max(g["end"], u.end)
            g["real"] = g["real"] or real
        else:
            groups.append({"speaker": u.speaker, "start": u.start, "end": u.end, "real": real})
    return groups


def longest(groups: list[dict], roles) -> tuple[dict, dict, dict | None]:
    """The longest real group per speaker, per role and overall (the first of equal lengths wins)."""
    by_speaker: dict = {}
    by_role: dict = {}
    speaker_len: dict = {}
    role_len: dict = {}
    overall = overall_len = None
    for g in groups:
        if g["real"]:
            d = g["end"] - g["start"]
            speaker = g["speaker"]
            b = speaker_len.get(speaker)
            if b is None or d > b:
                by_speaker[speaker], speaker_len[speaker] = g, d
            role = roles.get(speaker)
            b = role_len.get(role)
            if b is None or d > b:
                by_role[role], role_len[role] = g, d
            if overall_len is None or d > overall_len:
                overall, overall_len = g, d
    return by_speaker, by_role, overall


def monologue(t: CallTranscript, g: dict) -> Monologue:
    """A timeline turn as a Monologue, times rounded to milliseconds."""
    p = next((p for p in t.participants if p.id == g["speaker"]), None)
    # built without re-validation: every field is already of its declared type (floats made floats)
    return trusted(
        Monologue,
        speaker=g["speaker"],
        name=p.label if p else g["speaker"],
        role=p.role if p else "unknown",
        start=float(round(g["start"], 3)),
        end=float(round(g["end"], 3)),
        duration_s=float(round(g["end"] - g["start"], 3)),
    )
