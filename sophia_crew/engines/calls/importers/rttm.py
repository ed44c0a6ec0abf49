"""RTTM speaker-segment files (``SPEAKER <file> <chan> <start> <dur> <NA> <NA> <speaker> <NA> <NA>``)."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from ....errors import InputError

try:  # optional: the layout check and number parsing vectorised; the regex reader gives the same result
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from .arrays import numpy_view
except ImportError:
    pa = None

_RTTM_LINE = re.compile(
    r"^SPEAKER[ \t]+\S+[ \t]+\S+[ \t]+(\S+)[ \t]+(\S+)[ \t]+\S+[ \t]+\S+[ \t]+(\S+)", re.MULTILINE
)
# the plain layout has only printable ASCII and "\n"; anything else (tabs, "\r", other whitespace that the
# regex splits on, non-ASCII), double spaces and blank lines take the regex path
_PLAIN = bytes(range(0x20, 0x7F)) + b"\n"
_SPEAKER = b"SPEAKER"
# per line: start, " ", duration, "<NA> <NA> ", speaker, rest of the line: cut out as six strings
_CUTS = ((2, 1), (3, 0), (3, 1), (4, 0), (6, 1), (7, 0))


def _read_fast(raw: bytes):
    """read_rttm's result as (starts, ends, speakers) arrays for the plain layout (10 non-empty fields
    per line separated by single spaces, every line a ``SPEAKER`` line, finite non-negative numbers);
    None for anything else, which the regex reader then handles (and explains)."""
    body = raw[:-1] if raw.endswith(b"\n") else raw
    if not body or body.translate(None, _PLAIN) or b"  " in body or b"\n\n" in body or body[:1] == b"\n":
        return None
    buf = np.frombuffer(body, dtype=np.uint8)
    seps = np.flatnonzero(buf <= 32)  # every space and newline, in order
    n = body.count(b"\n") + 1
    if len(seps) != 10 * n - 1:
        return None
    seps = np.append(seps, len(buf)).reshape(n, 10)  # a line's nine spaces, then its end
    line_start = np.empty(n, dtype=np.int64)
    line_start[0] = 0
    line_start[1:] = seps[:-1, 9] + 1
    if not (
        (buf[seps[:-1, 9]] == 10).all()  # n - 1 newlines found where lines end: the rest are spaces
        and (seps[:, 0] - line_start == len(_SPEAKER)).all()
        and (buf[line_start[:, None] + np.arange(len(_SPEAKER))] == np.frombuffer(_SPEAKER, np.uint8)).all()
        and (seps[:, 8] + 1 < seps[:, 9]).all()  # no empty last field
    ):
        return None
    cuts = np.stack([seps[:, c] + d for c, d in _CUTS], axis=1).ravel().astype(np.int32)
    fields = pa.Array.from_buffers(
        pa.string(), 6 * n - 1, [None, pa.py_buffer(cuts), pa.py_buffer(body)]
    )  # zero copy; the last line's "rest" is left out
    picked = fields.take(
        np.arange(6 * n).reshape(n, 6)[:, [0, 2, 4]].T.ravel()
    )  # starts, durations, speakers
    try:
        numbers = numpy_view(pc.cast(picked.slice(0, 2 * n), pa.float64()))
    except pa.ArrowInvalid:
        return None
    if not np.isfinite(numbers).all() or numbers.min() < 0:
        return None
    starts, durs, speakers = numbers[:n], numbers[n:], picked.slice(2 * n)
    ends = starts + durs
    if (starts[1:] < starts[:-1]).any():  # RTTMs are usually in time order already
        order = np.argsort(starts, kind="stable")
        starts, ends, speakers = starts[order], ends[order], speakers.take(order)
    return starts, ends, speakers


def read_rttm(path: Path) -> list[tuple[float, float, str]]:
    """RTTM ``SPEAKER`` lines → (start, end, speaker) sorted by start; InputError on bad fields."""
    raw = path.read_bytes()
    fast = _read_fast(raw) if pa is not None else None
    if fast is not None:
        starts, ends, speakers = fast
        return list(zip(starts.tolist(), ends.tolist(), speakers.to_pylist()))
    return _read_slow(raw, path)


def read_runs(path: Path) -> list[tuple[str, list[tuple[float, float]], float]]:
    """:func:`read_rttm`'s segments grouped into runs of one speaker: (speaker, [(start, end), ...],
    voiced seconds), the seconds summed segment by segment in order."""
    raw = path.read_bytes()
    fast = _read_fast(raw) if pa is not None else None
    if fast is None:
        runs: list[tuple[str, list[tuple[float, float]]]] = []
        for s, e, spk in _read_slow(raw, path):
            if runs and runs[-1][0] == spk:
                runs[-1][1].append((s, e))
            else:
                runs.append((spk, [(s, e)]))
        return [(spk, spans, sum(e - s for s, e in spans)) for spk, spans in runs]
    starts, ends, speakers = fast
    changes = numpy_view(pc.indices_nonzero(pc.not_equal(speakers[1:], speakers[:-1]))) + 1
    cuts = [0, *changes.tolist(), len(starts)]
    names = speakers.take(pa.array(cuts[:-1])).to_pylist()
    spans = list(zip(starts.tolist(), ends.tolist()))
    seconds = (ends - starts).tolist()
    return [(names[k], spans[a:b], sum(seconds[a:b])) for k, (a, b) in enumerate(pairwise(cuts))]


def _read_slow(raw: bytes, path: Path) -> list[tuple[float, float, str]]:
    text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as Path.read_text
    rows = _RTTM_LINE.findall(text)
    try:
        starts = list(map(float, (r[0] for r in rows)))
        durs = list(map(float, (r[1] for r in rows)))
    except ValueError:
        starts = durs = []
    bad = len(starts) != len(rows) or text.count("SPEAKER") != len(rows) or min(starts + durs, default=0) < 0
    if bad:  # find the offending line for the message
        for n, line in enumerate(text.splitlines(), 1):
            f = line.split()
            if not f or f[0] != "SPEAKER":
                continue
            try:
                start, dur = float(f[3]), float(f[4])
            except (IndexError, ValueError):
                start = dur = None
            if start is None or len(f) < 8:
                raise InputError(
                    f"{path}: line {n}: expected 'SPEAKER <file> <chan> <start> <dur> <NA> <NA> <speaker>' "
                    f"with numeric start and duration"
                )
            if start < 0 or dur < 0:
                raise InputError(f"{path}: line {n}: negative start or duration")
    if not rows:
        raise InputError(f"{path}: no SPEAKER segments")
    segs = [(s, s + d, r[2]) for s, d, r in zip(starts, durs, rows)]
    segs.sort(key=lambda s: s[0])
    return segs
