"""Word and filler counts of speaker turns straight from an ``.nlp`` file's token columns (needs pyarrow).

A turn's text is its tokens (token + punctuation) joined by single spaces, so its
:func:`~sophia_crew.engines.calls.language.text_stats` words are the tokens that keep a character once
punctuation is deleted, and its fillers are runs of such tokens that spell a filler. Counting that on the
token column avoids re-scanning every text in the metrics, with the same figures: all tokens are lowered
and stripped of punctuation by one ``bytes.translate`` and looked up in the filler vocabulary at once,
tokens with whitespace or non-ASCII characters are normalised one by one exactly as ``text_stats`` does. When a token would split into two words, the punctuation column holds more than
punctuation, or the rules need a text scan (fillers that can overlap), this returns None and the metrics
count the text.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import language
from .arrays import filled, value_bytes, value_offsets

# token bytes → b"p" (ASCII punctuation), b"s" (ASCII whitespace or non-ASCII: normalised in Python), else
# b"w"; bytes.split() splits on exactly these whitespace bytes
_CLASS = bytes(
    0x70 if c in language._ASCII_PUNCT else 0x73 if c in b" \t\n\r\x0b\x0c" or c >= 0x80 else 0x77
    for c in range(256)
)
_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


def _normalised(text: str) -> list[bytes]:
    """The words of ``text`` exactly as ``language.text_stats`` splits them."""
    low = text.lower()
    if not low.isascii():
        low = language._NON_ASCII_PUNCT.sub("", low)
    return low.encode().translate(None, language._ASCII_PUNCT).split()


def turn_stats(tokens: pa.Array, punct: pa.Array, bounds: list[int]) -> list[tuple[int, int]] | None:
    """(words, fillers) of each turn ``bounds[k]:bounds[k + 1]`` of the tokens, or None (count the text).

    Args:
        tokens: the call's ``token`` column as one pyarrow string array.
        punct: its ``punctuation`` column (appended to each token in the text).
        bounds: turn boundaries into ``tokens`` (first 0, last ``len(tokens)``).
    """
    r = language.rules()
    if r.fillers_re2 is None or tokens.type != pa.string() or tokens.null_count or punct.null_count:
        return None
    if _normalised(value_bytes(punct).translate(None, language._ASCII_PUNCT).decode()):
        return None  # punctuation that holds a word would change the word stream
    ids, value_set, single, multi = _vocab(r)
    n = len(tokens)
    offsets = value_offsets(tokens)
    data = value_bytes(tokens)
    # every byte that is not a plain kept ASCII byte, and the token it is in
    odd = np.flatnonzero(np.frombuffer(data.translate(_CLASS), dtype=np.uint8) != 0x77)
    odd_token = np.searchsorted(offsets, odd, side="right") - 1
    is_punct = np.frombuffer(data, dtype=np.uint8)[odd]
    is_punct = np.frombuffer(bytes(is_punct).translate(_CLASS), dtype=np.uint8) == 0x70
    # tokens lowered with their punctuation deleted, as one array over one buffer
    deleted = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(odd_token[is_punct], minlength=n), out=deleted[1:])
    norm_offsets = offsets - deleted
    norm = pa.Array.from_buffers(
        pa.binary(),
        n,
        [None, pa.py_buffer(norm_offsets), pa.py_buffer(data.translate(_LOWER, language._ASCII_PUNCT))],
    )
    fid = filled(pc.index_in(norm, value_set=value_set), -1)
    is_word = np.diff(norm_offsets) > 0
    special = odd_token[~is_punct]
    if len(special):
        special = special[np.concatenate(([True], special[1:] != special[:-1]))]  # sorted: unique
        for k, text in zip(special.tolist(), tokens.take(pa.array(special)).to_pylist()):
            words = _normalised(text)
            if len(words) > 1:
                return None
            is_word[k] = bool(words)
            fid[k] = ids.get(words[0], -1) if words else -1
    # the word stream (tokens that keep a character) and where each turn's words start in it
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(is_word, out=starts[1:])
    starts = starts[np.asarray(bounds)]
    wfid = fid[is_word]
    fpos = np.flatnonzero(wfid >= 0)  # words that are a word of some filler (rare)
    ffid = wfid[fpos]
    hits = [fpos[single[ffid + 1]]]
    for seq in multi:
        first = fpos[ffid == seq[0]]
        first = first[first + len(seq) <= len(wfid)]
        for j, w in enumerate(seq[1:], 1):
            first = first[wfid[first + j] == w]
        # the run must lie inside one turn
        hits.append(first[_turn(starts, first) == _turn(starts, first + len(seq) - 1)])
    fillers = np.bincount(_turn(starts, np.concatenate(hits)), minlength=len(bounds) - 1)
    return list(zip(np.diff(starts).tolist(), fillers.tolist()))


def _turn(starts: np.ndarray, word: np.ndarray) -> np.ndarray:
    """The turn of each word index (``starts``: each turn's first word index, then the word count)."""
    return np.searchsorted(starts, word, side="right") - 1


_VOCAB: list = [None, None]


def _vocab(r: language.LanguageRules):
    """(filler word → id, id → word array, single-word filler table by id + 1, multi-word fillers as id
    tuples) for rules ``r``, built once per rules object."""
    if _VOCAB[0] is not r:
        seqs = [f.split() for f in r.fillers]
        words = sorted({w for s in seqs for w in s})
        ids = {w: k for k, w in enumerate(words)}
        single = np.zeros(len(words) + 1, dtype=bool)  # indexed by id + 1, so -1 (no filler word) is False
        single[[ids[s[0]] + 1 for s in seqs if len(s) == 1]] = True
        multi = [tuple(ids[w] for w in s) for s in seqs if len(s) > 1]
        _VOCAB[:] = [r, (ids, pa.array(words, pa.binary()), single, multi)]
    return _VOCAB[1]
