"""Every call of the embedded demo tenant (sophia_crew/demo_data/payready/calls) imports and gets metrics."""

from __future__ import annotations

import csv

import pytest

from sophia_crew.engines.calls import analyze_folder, compute_metrics, load_transcript
from sophia_crew.resources import demo_path


@pytest.fixture
def calls_dir():
    folder = demo_path("calls")
    if not (folder / "index.csv").is_file():
        pytest.skip("demo tenant calls not present")
    return folder


def test_every_demo_call_imports_with_declared_format(calls_dir):
    with open(calls_dir / "index.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        t = load_transcript(calls_dir / row["file"])  # detection must agree with the index
        assert t.source_format == row["format"], row["file"]
        assert t.timed and len(t.participants) >= 2, row["file"]
        m = compute_metrics(t)
        assert m.speech_s > 0 and m.words > 0 and m.turns > 1, row["file"]


def test_demo_folder_batch(calls_dir):
    fa = analyze_folder(calls_dir)
    assert fa.failures == [] and len(fa.rows) == len(fa.calls) >= 10
    for a in fa.calls:
        m = a.metrics
        assert m.rep is not None and m.customer is not None, m.call_id  # sides from affiliation or owners.csv
        assert 0 < m.rep.talk_ratio < 1
        assert a.rep  # named through index.csv rep_owner_id → owners.csv
        # plain-text calls cannot know pauses; every other format has patience
        assert (m.patience_s is None) == (a.transcript.source_format == "text"), m.call_id
    assert any(r.calls >= 2 for r in fa.reps)
