"""Earnings-21 importer: ``.nlp`` token files (``token|speaker|ts|endTs|punctuation|...``) plus RTTM.

Speaker turns are runs of consecutive tokens with the same ``speaker``. When every token has ``ts`` and
``endTs`` the turns are timed from the tokens (a turn's voiced spans are its tokens merged across gaps
up to ``TOKEN_GAP_S``). The published Earnings-21 ``.nlp`` references have *empty* ``ts``/``endTs``
columns, so the turns are then timed from the companion RTTM (``../rttms/<id>.rttm`` or ``<id>.rttm``
next to the file, or ``rttm=``):

1. RTTM segments, sorted by start, are grouped into *runs* of consecutive segments of one speaker.
2. Turns and runs are aligned by dynamic programming (monotone, speaker must be equal to match), with
   costs in seconds: matching turn *i* to run *j* costs ``|words_i / rate − duration_j|``; leaving a turn
   unmatched costs its expected duration ``words_i / rate``; leaving a run unmatched costs its duration.
   ``rate`` is the call's own words per second of RTTM speech. This matches long turns to long runs
   instead of pairing, say, a one-word "Right" with a two-minute answer.
3. A matched turn gets the run's segments as its voiced ``spans``. A turn with no run (mostly short
   interjections the diarization left out) is kept with zero duration at the start of the next run, so its
   words and questions count but it adds no talk time. A run with no turn (speech the reference has no
   words for) is kept as an utterance with empty text, so talk time stays faithful to the RTTM.
The counts of both kinds of leftovers are recorded in ``notes``.
"""

from __future__ import annotations

import csv
import operator
from functools import lru_cache
from pathlib import Path

from ....errors import InputError
from ..models import CallTranscript, Participant, Utterance, trusted
from .alignment import align
from .common import build_transcript
from .nlp import Nlp, read_nlp
from .rttm import read_rttm, read_runs

__all__ = ["find_rttm", "parse_earnings21", "read_nlp", "read_rttm"]

TOKEN_GAP_S = 0.5


@lru_cache(maxsize=8)
def _speaker_metadata(meta: Path, mtime: float) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with meta.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r.get("file_id", ""), {})[r.get("speaker_id", "")] = r.get("speaker_name", "")
    return out


def _names(path: Path, call_id: str) -> dict[str, str]:
    """Speaker names from ``../speaker-metadata.csv`` (Earnings-21 layout), if present."""
    meta = path.parent.parent / "speaker-metadata.csv"
    if not meta.is_file():
        return {}
    return _speaker_metadata(meta, meta.stat().st_mtime).get(call_id, {})


def find_rttm(path: Path) -> Path | None:
    """The companion RTTM of an ``.nlp`` file, if one exists."""
    for cand in (path.parent.parent / "rttms" / f"{path.stem}.rttm", path.with_suffix(".rttm")):
        if cand.is_file():
            return cand
    return None


def _timed_by_tokens(nlp: Nlp, path: Path) -> list[Utterance]:
    try:
        tsf, tef = [float(x) for x in nlp.ts], [float(x) for x in nlp.te]
    except ValueError:
        raise InputError(f"{path}: ts/endTs must be numbers") from None
    utts = []
    for (s, a, b), text in zip(nlp.turns, nlp.texts):
        spans = [(tsf[a], tef[a])]
        for k in range(a + 1, b):
            if tsf[k] - spans[-1][1] <= TOKEN_GAP_S:
                spans[-1] = (spans[-1][0], max(spans[-1][1], tef[k]))
            else:
                spans.append((tsf[k], tef[k]))
        utts.append(
            trusted(
                Utterance,
                speaker=s,
                start=spans[0][0],
                end=max(map(operator.itemgetter(1), spans)),
                text=text,
                spans=spans,
                topic=None,
            )
        )
    return utts


def _timed_by_rttm(nlp: Nlp, rttm_path: Path, runs) -> tuple[list[Utterance], list[str]]:
    """Turns timed by the RTTM ``runs`` (:func:`read_runs` of ``rttm_path``): the alignment in the doc."""
    turns = nlp.turns
    rdesc = [(r[0], r[2]) for r in runs]
    speech = sum(d for _, d in rdesc)
    rate = nlp.n_tokens / speech if speech > 0 else 2.5
    path_ = align([(s, (b - a) / rate) for s, a, b in turns], rdesc)
    next_start = [0.0] * len(path_)
    upcoming = runs[-1][1][-1][1]
    for k in range(len(path_) - 1, -1, -1):
        if path_[k][1] is not None:
            upcoming = runs[path_[k][1]][1][0][0]
        next_start[k] = upcoming
    utts: list[Utterance] = []
    lost_turns = lost_words = empty_runs = 0
    empty_s = 0.0
    for k, (i, j) in enumerate(path_):
        if j is None:
            s, a, b = turns[i]
            lost_turns += 1
            lost_words += b - a
            utts.append(
                trusted(
                    Utterance,
                    speaker=s,
                    start=next_start[k],
                    end=next_start[k],
                    text=nlp.texts[i],
                    spans=[],
                    topic=None,
                )
            )
            continue
        rspk, spans, _ = runs[j]
        if i is None:
            empty_runs += 1
            empty_s += rdesc[j][1]
        utts.append(
            trusted(
                Utterance,
                speaker=rspk,
                start=spans[0][0],
                end=max(map(operator.itemgetter(1), spans)),
                text="" if i is None else nlp.texts[i],
                spans=spans,
                topic=None,
            )
        )
    notes = [
        f"token ts/endTs empty: turns timed from {rttm_path.name} ({len(turns)} turns, {len(runs)} RTTM runs)"
    ]
    if lost_turns:
        notes.append(
            f"{lost_turns} turns ({lost_words} of {nlp.n_tokens} words) have no RTTM run: "
            f"kept with zero duration"
        )
    if empty_runs:
        notes.append(
            f"{empty_runs} RTTM runs ({empty_s:.1f} s) have no transcript words: kept as untranscribed speech"
        )
    return utts, notes


def parse_earnings21(
    text: str, path: Path, rttm: Path | str | None = None, raw: bytes | None = None
) -> CallTranscript:
    """Parse an Earnings-21 ``.nlp`` file, timed by its token timings or else by its RTTM.

    Args:
        text: the file's text.
        path: the file (call id, companion RTTM and speaker metadata are found from it).
        rttm: RTTM file to time the turns with (default: :func:`find_rttm`).
        raw: the bytes ``text`` was decoded from, if at hand (spares re-encoding it).
    """
    nlp = read_nlp(text, path, raw)
    call_id = path.stem
    names = _names(path, call_id)
    common = {"call_id": call_id, "source_format": "earnings21", "source": path}
    if nlp.ts is not None:
        utts = _timed_by_tokens(nlp, path)
        notes = ["timed from token ts/endTs"]
        pauses = True
    else:
        rttm_path = Path(rttm) if rttm else find_rttm(path)
        if rttm_path is None:
            utts = [
                trusted(Utterance, speaker=s, start=None, end=None, text=t, spans=None, topic=None)
                for (s, _, _), t in zip(nlp.turns, nlp.texts)
            ]
            notes = ["token ts/endTs are empty and no RTTM was found: untimed"]
            pauses = False
        else:
            utts, notes = _timed_by_rttm(nlp, rttm_path, read_runs(rttm_path))
            pauses = True
    ids = dict.fromkeys(u.speaker for u in utts)
    people = [Participant(id=s, name=names.get(s) or None) for s in ids]
    return build_transcript(utterances=utts, participants=people, pauses_known=pauses, notes=notes, **common)
