"""Turn↔run alignment of the Earnings-21 importer (the dynamic programme in :mod:`.earnings21`'s doc).

Only cells whose cost can be on the optimal path are computed: with an upper bound ``U`` on the total
cost, a cell costing more than ``U`` can be neither on the optimal path nor tie with a move chosen on it
(all move costs are >= 0, so costs only grow along a path). ``U`` is the cost of the best path inside a
narrow band around the diagonal (a real path, so never below the optimum). The result is the same path,
cost for cost and tie for tie, as the full table.
"""

from __future__ import annotations

_INF = float("inf")


def align(
    turns: list[tuple[str, float]], runs: list[tuple[str, float]]
) -> list[tuple[int | None, int | None]]:
    """Monotone alignment of (speaker, expected seconds) turns to (speaker, seconds) runs.

    Costs in seconds: a match (same speaker) costs ``|turn − run|``, skipping a turn its expected
    seconds, skipping a run its seconds. Ties prefer a match, then skipping the turn.

    Returns:
        The path as (turn index or None, run index or None) pairs in order.
    """
    if [t[0] for t in turns] == [r[0] for r in runs]:
        return [(i, i) for i in range(len(turns))]
    n, m = len(turns), len(runs)
    _, bound = _moves_within(turns, runs, _INF, band=abs(n - m) + 4)
    moves, _ = _moves_within(turns, runs, bound)
    return _trace(moves, n, m)


def _moves_within(turns, runs, bound, band=None):
    """(move table, final cost) over cells costing <= bound (and, with ``band``, within that many columns
    of the diagonal); moves are 1 match, 2 skip turn, 3 skip run; the cost is inf if the end is cut off.
    """
    n, m = len(turns), len(runs)
    if band is None:
        band = n + m + 1
    row = [_INF] * (m + 1)
    mv = [0] * (m + 1)
    row[0] = c = 0.0
    lo = hi = 0
    for j in range(1, m + 1):
        c = c + runs[j - 1][1]
        if c > bound:
            break
        row[j], mv[j], hi = c, 3, j
    moves = [mv]
    for i, (ts, te) in enumerate(turns, 1):
        prev, row, mv = row, [_INF] * (m + 1), [0] * (m + 1)
        new_lo = new_hi = -1
        centre = i * m // n
        j, j_end = max(lo, centre - band), min(m, centre + band)
        if j == 0:
            c = prev[0] + te
            if c <= bound:
                row[0], mv[0], new_lo, new_hi = c, 2, 0, 0
            j = 1
        while j <= j_end:
            rs, rd = runs[j - 1]
            best, how = prev[j] + te, 2
            c = row[j - 1] + rd
            if c < best:
                best, how = c, 3
            if rs == ts:
                c = prev[j - 1] + abs(te - rd)
                if c <= best:
                    best, how = c, 1
            if best <= bound:
                row[j], mv[j] = best, how
                if new_lo < 0:
                    new_lo = j
                new_hi = j
            elif j > hi + 1:  # out of the previous row's reach, and no cheap skip-run chain left
                break
            j += 1
        if new_lo < 0:
            return moves, _INF
        lo, hi = new_lo, new_hi
        moves.append(mv)
    return moves, row[m]


def _trace(moves, n, m):
    path = []
    i, j = n, m
    while i or j:
        how = moves[i][j]
        if how == 1:
            path.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == 2:
            path.append((i - 1, None))
            i -= 1
        else:
            path.append((None, j - 1))
            j -= 1
    path.reverse()
    return path
