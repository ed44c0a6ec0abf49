"""Methodology scorecards, quote verification and mention detection on the hand-checked fixture."""

from __future__ import annotations

from datetime import date

import pytest

from sophia_crew.engines.calls import detect_mentions, load_transcript, score_methodology, verify_quotes
from sophia_crew.engines.calls.mentions import find_when, parse_amounts, resolve_when


@pytest.fixture
def call(fixtures_dir):
    return load_transcript(fixtures_dir / "calls" / "hand_checked.vtt", reps=["Ana"])


def test_meddpicc_found_criteria_with_evidence(call):
    sc = score_methodology(call, "meddpicc")
    status = {c.id: c.status for c in sc.criteria}
    assert {k for k, v in status.items() if v == "found"} == {
        "metrics",
        "decision_process",
        "identify_pain",
        "competition",
    }
    assert (sc.found, sc.total) == (4, 8)
    pain = next(c for c in sc.criteria if c.id == "identify_pain").evidence[0]
    assert (pain.speaker, pain.start, pain.cue) == ("Bo Buyer", 12.0, "manually")
    assert pain.quote.startswith("Um, we reconcile everything manually")
    metrics = next(c for c in sc.criteria if c.id == "metrics").evidence[0]
    assert metrics.cue == "20 hours a week"
    missing = next(c for c in sc.criteria if c.id == "economic_buyer")
    assert missing.evidence == [] and "signs off" in missing.note


def test_side_restriction_customer_only(call):
    # identify_pain is customer-side: the rep saying "challenge" does not count
    sc = score_methodology(call, "meddpicc")
    pain = next(c for c in sc.criteria if c.id == "identify_pain")
    assert all(e.speaker == "Bo Buyer" for e in pain.evidence)


def test_spin_scores_rep_questions_and_bant(call):
    spin = {c.id: c for c in score_methodology(call, "spin").criteria}
    assert spin["problem"].status == "found"  # "What is your biggest challenge ...?"
    assert spin["situation"].status == "found"  # "Can you walk me through ...?" / "today"
    assert spin["implication"].status == "not_found"
    bant = {c.id: c.status for c in score_methodology(call, "BANT").criteria}
    assert bant == {"budget": "not_found", "authority": "found", "need": "found", "timeline": "not_found"}


def test_verify_quotes_accepts_real_and_rejects_invented(call):
    sc = score_methodology(call, "meddpicc")
    assert all(q.verified for q in verify_quotes(sc, call))
    checks = verify_quotes(
        [
            {"criterion": "pain", "quote": "we reconcile everything MANUALLY", "speaker": "Bo Buyer"},
            {"criterion": "eb", "quote": "our CFO signs off on this"},
            {"criterion": "pain", "quote": "we reconcile everything manually", "speaker": "Ana Rep"},
            {"criterion": "pain", "quote": "we reconcile everything manually", "start": 200},
            {"criterion": "pain", "quote": "we reconcile everything manually", "start": 13},
        ],
        call,
    )
    assert [c.verified for c in checks] == [True, False, False, False, True]
    assert checks[1].reason == "quote not found in the transcript"
    assert checks[2].reason == "quote exists but was said by someone else"
    assert checks[3].reason == "quote exists but not at that time"


def test_long_quotes_are_clipped_but_still_verifiable(tmp_path):
    long = "We struggle because " + " ".join(f"word{i}" for i in range(100)) + " and it hurts."
    path = tmp_path / "long.txt"
    path.write_text(f"Ana: Hello?\nBo: {long}\n")
    t = load_transcript(path, reps=["Ana"])
    ev = next(c for c in score_methodology(t).criteria if c.id == "identify_pain").evidence[0]
    assert len(ev.quote) <= 302 and ev.quote.endswith(" …") and ev.quote.startswith("We struggle because")
    assert verify_quotes([{"quote": ev.quote, "speaker": "Bo"}], t)[0].verified


def test_mentions(call):
    mn = detect_mentions(call)
    assert [(m.speaker, m.when, m.start) for m in mn.next_steps] == [("Ana Rep", "Friday", 58.0)]
    assert mn.next_steps[0].due_date is None  # the VTT has no call date to resolve "Friday" against
    assert mn.competitor_counts == {"SwiftPay": 1} and mn.competitors[0].start == 54.0
    priced = [m for m in mn.pricing if m.amounts_usd]
    assert [(m.amounts_usd, m.start) for m in priced] == [([1200.0], 58.0)]
    custom = detect_mentions(call, competitors=["Stripe"])
    assert custom.competitors == [] and custom.competitors_searched == ["Stripe"]


def test_amounts_and_dates():
    assert parse_amounts("We pay $40k a year, roughly $1.2 million total, or 500 dollars a month") == [
        40000.0,
        1200000.0,
        500.0,
    ]
    assert parse_amounts("Pricing is $0.25 per transaction") == [0.25]
    assert parse_amounts(
        "a platform fee of three thousand two hundred dollars a month, ninety cents per ACH, "
        "one hundred and fifty thousand dollars in total"
    ) == [3200.0, 0.9, 150000.0]
    wed = date(2026, 11, 11)  # a Wednesday
    assert resolve_when("Friday", wed) == date(2026, 11, 13)
    assert resolve_when("next Friday", wed) == date(2026, 11, 20)
    assert resolve_when("tomorrow", wed) == date(2026, 11, 12)
    assert resolve_when("end of the month", wed) == date(2026, 11, 30)
    assert resolve_when("end of quarter", wed) == date(2026, 12, 31)
    assert resolve_when("December 3rd", wed) == date(2026, 12, 3)
    assert resolve_when("March 3", wed) == date(2027, 3, 3)
    assert resolve_when("2026-12-01", None) == date(2026, 12, 1)
    assert resolve_when("Friday", None) is None
    # the most specific phrase wins: "Friday October sixteenth" is the 16th, not the next Friday
    assert find_when("I'll send it over by Friday October sixteenth.") == "October sixteenth"
    assert resolve_when("October sixteenth", date(2026, 10, 7)) == date(2026, 10, 16)
    assert resolve_when("the twenty-first of November", wed) == date(2026, 11, 21)
