"""Readers of Earnings-21 ``.nlp`` token files (``token|speaker|ts|endTs|punctuation|...``) into speaker turns.

A turn is a run of consecutive tokens with the same ``speaker``; its text is the tokens, each followed by its
``punctuation``, joined by single spaces. With pyarrow (a dependency, but optional here) the file is parsed by
pyarrow's CSV reader, the texts are joined by pyarrow kernels and the word and filler counts come from the token
column (:mod:`.token_stats`), so the metrics need not re-scan the texts; without it a plain-Python reader gives
the same turns.
"""

from __future__ import annotations

import codecs
from itertools import pairwise
from pathlib import Path

from ....errors import InputError
from .. import language

try:  # optional dependency: the pure-Python reader gives the same result, about 3x slower
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from .arrays import numpy_view, value_offsets
    from .token_stats import turn_stats
except ImportError:
    pa = None


class Nlp:
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
    end = text.find("\n")
    head = text if end < 0 else text[:end]
    if head.strip().split("|")[:5] != ["token", "speaker", "ts", "endTs", "punctuation"]:
        raise InputError(f"{path}: line 1: expected header 'token|speaker|ts|endTs|punctuation|...'")
    # the body must hold a non-space character; look at its start before scanning (copying) all of it
    start = text[end + 1 : end + 65] if end >= 0 else ""
    if not start or (start.isspace() and text[end + 1 :].isspace()):
        raise InputError(f"{path}: no tokens")


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    # combine_chunks copies even a single chunk (and re-unifies a dictionary)
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _read_arrow(text: str, path: Path, raw: bytes | None) -> Nlp:
    # pyarrow's multithreaded CSV reader and list-join keep the import close to a bare pyarrow read
    cols = ["token", "speaker", "ts", "endTs", "punctuation"]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(text.encode("utf-8") if raw is None else raw),
            parse_options=pacsv.ParseOptions(delimiter="|", quote_char=False),
            # no UTF-8 check (the text was decoded already); plain strings: dictionary-encoding the speakers
            # while parsing costs more than comparing neighbouring strings once
            convert_options=pacsv.ConvertOptions(
                include_columns=cols, column_types=dict.fromkeys(cols, pa.string()), check_utf8=False
            ),
        )
    except (pa.ArrowInvalid, KeyError) as exc:
        raise InputError(f"{path}: malformed .nlp token file ({str(exc).splitlines()[0]})") from None
    if table.num_rows == 0:
        raise InputError(f"{path}: no tokens")
    spk = _one_chunk(table.column("speaker"))
    cuts = numpy_view(pc.indices_nonzero(pc.not_equal(spk[1:], spk[:-1])))
    bounds = [0, *(cuts + 1).tolist(), table.num_rows]
    tokens, punct = _one_chunk(table.column("token")), _one_chunk(table.column("punctuation"))
    words = pc.binary_join_element_wise(tokens, punct, "")
    offsets = pa.array(bounds, pa.int32())
    lists = pa.ListArray.from_arrays(offsets, words)
    texts = pc.binary_join(lists, " ").to_pylist()
    stats = turn_stats(tokens, punct, bounds)
    if stats is not None:  # the metrics take these counts instead of re-scanning the texts
        r = language.rules()
        texts = [language.counted(t, n, f, r) for t, (n, f) in zip(texts, stats)]
    speakers = spk.take(offsets[:-1]).to_pylist()
    ts_col, te_col = table.column("ts"), table.column("endTs")
    # the published files leave both columns empty: then their total length is 0 and nothing is compared
    timed = all(value_offsets(ch)[-1] for c in (ts_col, te_col) for ch in c.chunks if len(ch)) and (
        pc.all(pc.not_equal(ts_col, "")).as_py() and pc.all(pc.not_equal(te_col, "")).as_py()
    )
    ts = ts_col.to_pylist() if timed else None
    te = te_col.to_pylist() if timed else None
    return Nlp(speakers, bounds, texts, ts, te)


def _read_python(text: str, path: Path) -> Nlp:
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
    return Nlp([spk[b] for b in bounds[:-1]], bounds, texts, ts if timed else None, te if timed else None)


def read_nlp(text: str, path: Path, raw: bytes | None = None) -> Nlp:
    """Parse ``.nlp`` text into speaker turns (pyarrow when installed, else pure Python).

    ``raw``, when given, must be the file's bytes that ``text`` was decoded from (a UTF-8 BOM is skipped);
    it spares encoding the text again for pyarrow.
    """
    _check_header(text, path)
    if pa is not None:
        if raw is not None and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        return _read_arrow(text, path, raw)
    return _read_python(text, path)
