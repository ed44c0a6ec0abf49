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
import re
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from ....errors import InputError
from ..models import CallTranscript, Participant, Utterance
from .alignment import align
from .common import build_transcript

try:  # optional dependency: the pure-Python reader gives the same result, about 3x slower
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
except ImportError:
    pa = None

TOKEN_GAP_S = 0.5


class _Nlp:
    """Turn-level view of an ``.nlp`` file: speaker runs, their text and (if present) token times."""

    def __init__(
        self,
        speakers: list[str],
        bounds: list[int],
        texts: list[str],
        ts: list[str] | None,
        te: list[str] | None,
    ):
        self.turns = [(speakers[k], bounds[k], bounds[k + 1]) for k in range(len(texts))]
        self.texts = texts
        self.ts, self.te = ts, te
        self.n_tokens = bounds[-1]


def _check_header(text: str, path: Path) -> None:
    head, _, body = text.partition("\n")
    if head.strip().split("|")[:5] != ["token", "speaker", "ts", "endTs", "punctuation"]:
        raise InputError(f"{path}: line 1: expected header 'token|speaker|ts|endTs|punctuation|...'")
    if not body or body.isspace():
        raise InputError(f"{path}: no tokens")


def _read_nlp_arrow(text: str, path: Path) -> _Nlp:
    # pyarrow's multithreaded CSV reader and list-join keep the import close to a bare pyarrow read
    cols = ["token", "speaker", "ts", "endTs", "punctuation"]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            parse_options=pacsv.ParseOptions(delimiter="|", quote_char=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=cols, column_types={c: pa.string() for c in cols}
            ),
        )
    except (pa.ArrowInvalid, KeyError) as exc:
        raise InputError(f"{path}: malformed .nlp token file ({str(exc).splitlines()[0]})") from None
    if table.num_rows == 0:
        raise InputError(f"{path}: no tokens")
    spk = table.column("speaker").combine_chunks()
    changes = pc.indices_nonzero(pc.not_equal(spk[1:], spk[:-1])).to_pylist()
    bounds = [0, *(i + 1 for i in changes), table.num_rows]
    words = pc.binary_join_element_wise(
        table.column("token").combine_chunks(), table.column("punctuation").combine_chunks(), ""
    )
    lists = pa.ListArray.from_arrays(pa.array(bounds, pa.int32()), words)
    texts = pc.binary_join(lists, " ").to_pylist()
    speakers = spk.take(pa.array(bounds[:-1])).to_pylist()
    ts_col, te_col = table.column("ts"), table.column("endTs")
    timed = pc.all(pc.not_equal(ts_col, "")).as_py() and pc.all(pc.not_equal(te_col, "")).as_py()
    ts = ts_col.to_pylist() if timed else None
    te = te_col.to_pylist() if timed else None
    return _Nlp(speakers, bounds, texts, ts, te)


def _read_nlp_python(text: str, path: Path) -> _Nlp:
    rows = [line.split("|", 5) for line in text.splitlines()[1:] if line]
    for n, r in enumerate(rows, 2):
        if len(r) < 5:
            raise InputError(f"{path}: line {n}: expected at least 5 '|'-separated fields")
    toks, spk, ts, te, punct = (list(c) for c in list(zip(*rows))[:5])
    cuts = [i for i, (a, b) in enumerate(pairwise(spk), 1) if a != b]
    bounds = [0, *cuts, len(spk)]
    words = list(map(str.__add__, toks, punct))
    texts = [" ".join(words[a:b]) for a, b in pairwise(bounds)]
    timed = all(ts) and all(te)
    return _Nlp([spk[b] for b in bounds[:-1]], bounds, texts, ts if timed else None, te if timed else None)


def read_nlp(text: str, path: Path) -> _Nlp:
    """Parse ``.nlp`` text into speaker turns (pyarrow when installed, else pure Python)."""
    _check_header(text, path)
    if pa is not None:
        return _read_nlp_arrow(text, path)
    return _read_nlp_python(text, path)


_RTTM_LINE = re.compile(
    r"^SPEAKER[ \t]+\S+[ \t]+\S+[ \t]+(\S+)[ \t]+(\S+)[ \t]+\S+[ \t]+\S+[ \t]+(\S+)", re.MULTILINE
)


_RTTM_COLUMNS = [f"f{i}" for i in range(10)]
_RTTM_ODD = (b"  ", b"\t", b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f")


def _read_rttm_arrow(path: Path) -> list[tuple[float, float, str]] | None:
    """read_rttm's result for the plain layout (10 single-space-separated fields per line, every line a
    ``SPEAKER`` line) parsed by pyarrow; None for anything else, which the regex reader then handles."""
    raw = path.read_bytes()
    # bytes where pyarrow and the regex could split fields differently: those files take the regex path
    if not raw.isascii() or any(c in raw for c in _RTTM_ODD):
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(raw),
            read_options=pacsv.ReadOptions(column_names=_RTTM_COLUMNS, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=" ", quote_char=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=["f0", "f3", "f4", "f7"],
                column_types={"f0": pa.string(), "f3": pa.float64(), "f4": pa.float64(), "f7": pa.string()},
            ),
        )
    except pa.ArrowException:
        return None
    if not table.num_rows or not pc.all(pc.equal(table.column("f0"), "SPEAKER")).as_py():
        return None
    starts, durs = table.column("f3").to_pylist(), table.column("f4").to_pylist()
    if None in starts or None in durs or min(starts) < 0 or min(durs) < 0:
        return None
    segs = list(zip(starts, [s + d for s, d in zip(starts, durs)], table.column("f7").to_pylist()))
    if not all(map(operator.le, starts, starts[1:])):  # RTTMs are usually in time order already
        segs.sort(key=operator.itemgetter(0))
    return segs


def read_rttm(path: Path) -> list[tuple[float, float, str]]:
    """RTTM ``SPEAKER`` lines → (start, end, speaker) sorted by start; InputError on bad fields."""
    fast = _read_rttm_arrow(path) if pa is not None else None
    if fast is not None:
        return fast
    text = path.read_text(encoding="utf-8")
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


def _runs(segs):
    runs = []  # (speaker, [(start, end), ...])
    for s, e, spk in segs:
        if runs and runs[-1][0] == spk:
            runs[-1][1].append((s, e))
        else:
            runs.append((spk, [(s, e)]))
    return runs


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


def _timed_by_tokens(nlp: _Nlp, path: Path) -> list[Utterance]:
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
            Utterance.model_construct(
                speaker=s,
                start=spans[0][0],
                end=max(map(operator.itemgetter(1), spans)),
                text=text,
                spans=spans,
                topic=None,
            )
        )
    return utts


def _timed_by_rttm(nlp: _Nlp, rttm_path: Path) -> tuple[list[Utterance], list[str]]:
    runs = _runs(read_rttm(rttm_path))
    turns = nlp.turns
    rdesc = [(r[0], sum(e - s for s, e in r[1])) for r in runs]
    speech = sum(d for _, d in rdesc)
    rate = nlp.n_tokens / speech if speech > 0 else 2.5
    path_ = align([(s, (b - a) / rate) for s, a, b in turns], rdesc)
    next_start = [0.0] * len(path_)
    upcoming = runs[-1][1][-1][1]
    for k in range(len(path_) - 1, -1, -1):
        if path_[k][1] is not None:
            upcoming = runs[path_[k][1]][1][0][0]
        next_start[k] = upcoming
    make = Utterance.model_construct
    utts: list[Utterance] = []
    lost_turns = lost_words = empty_runs = 0
    empty_s = 0.0
    for k, (i, j) in enumerate(path_):
        if j is None:
            s, a, b = turns[i]
            lost_turns += 1
            lost_words += b - a
            utts.append(
                make(
                    speaker=s, start=next_start[k], end=next_start[k], text=nlp.texts[i], spans=[], topic=None
                )
            )
            continue
        rspk, spans = runs[j]
        if i is None:
            empty_runs += 1
            empty_s += rdesc[j][1]
        utts.append(
            make(
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


def parse_earnings21(text: str, path: Path, rttm: Path | str | None = None) -> CallTranscript:
    """Parse an Earnings-21 ``.nlp`` file, timed by its token timings or else by its RTTM."""
    nlp = read_nlp(text, path)
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
                Utterance.model_construct(speaker=s, start=None, end=None, text=t, spans=None, topic=None)
                for (s, _, _), t in zip(nlp.turns, nlp.texts)
            ]
            notes = ["token ts/endTs are empty and no RTTM was found: untimed"]
            pauses = False
        else:
            utts, notes = _timed_by_rttm(nlp, rttm_path)
            pauses = True
    ids = dict.fromkeys(u.speaker for u in utts)
    people = [Participant(id=s, name=names.get(s) or None) for s in ids]
    return build_transcript(utterances=utts, participants=people, pauses_known=pauses, notes=notes, **common)
