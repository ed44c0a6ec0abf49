"""Transcript importers: one module per format, all producing :class:`CallTranscript`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ....errors import InputError
from ..models import CallTranscript
from .common import apply_reps, read_source
from .detect import FORMATS, detect_format, normalise_format
from .earnings21 import parse_earnings21
from .gong import parse_gong
from .qmsum import parse_qmsum
from .subtitles import parse_srt, parse_vtt
from .text import parse_text

__all__ = ["FORMATS", "apply_reps", "detect_format", "load_transcript"]


def load_transcript(
    path: str | Path,
    format: str | None = None,
    reps: Iterable[str] | None = None,
    parties: Any = None,
    rttm: str | Path | None = None,
) -> CallTranscript:
    """Read one call transcript file into a :class:`CallTranscript`.

    Args:
        path: transcript file.
        format: one of ``gong_json, vtt, srt, text, earnings21, qmsum`` (aliases: gong, webvtt, txt, nlp);
            None detects it from the name and content.
        reps: names, first names, e-mails or speaker ids of the selling side; overrides affiliation from
            the source (everyone else becomes external).
        parties: Gong parties (a list of party dicts, a ``/v2/calls/extensive`` response, or a path to one)
            when the transcript file does not carry them.
        rttm: RTTM file timing an Earnings-21 ``.nlp`` (default: found next to it).

    Returns:
        The transcript, with ``notes`` saying what was assumed.

    Raises:
        InputError: missing, empty, binary or malformed file, unknown format, bad timestamps.
    """
    p = Path(path)
    raw, text = read_source(p)
    fmt = normalise_format(format) if format else detect_format(p, text)
    if fmt == "gong_json":
        t = parse_gong(text, p, parties)
    elif fmt == "vtt":
        t = parse_vtt(text, p)
    elif fmt == "srt":
        t = parse_srt(text, p)
    elif fmt == "text":
        t = parse_text(text, p)
    elif fmt == "earnings21":
        t = parse_earnings21(text, p, rttm, raw=raw)
    elif fmt == "qmsum":
        t = parse_qmsum(text, p)
    else:  # normalise_format guarantees a known name
        raise InputError(f"{p}: format {fmt!r} not supported")
    return apply_reps(t, reps)
