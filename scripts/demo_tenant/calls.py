"""Call transcripts: parse the dialogue scripts in ``_sources/calls``, time them sentence by sentence and render
them as Gong JSON, WebVTT, SRT or plain text, with ``calls/index.csv``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from .common import SOURCES, rng_for
from .world import CALLS

TURN = re.compile(r"^(~?)([A-Z]{2,3}): (.*)$")
SENTENCE_END = re.compile(r"(?<!\bDr\.)(?<!\bMr\.)(?<!\bMrs\.)(?<=[.!?])\s+(?=[A-Z0-9\"'$])")


def parse_call(path: Path) -> dict:
    """Read a dialogue script: ``key: value`` header, ``---``, then ``XX: text`` turns and ``# Topic`` lines."""
    head, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
    meta: dict = {"speakers": {}, "turns": []}
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        if key == "speaker":
            code, name, title, affiliation, email, wpm = [p.strip() for p in value.split("|")]
            meta["speakers"][code] = {"name": name, "title": title, "affiliation": affiliation, "email": email,
                                      "wpm": float(wpm)}
        elif key:
            meta[key] = value.strip()
    topic = None
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("# "):
            topic = line[2:].strip()
            continue
        m = TURN.match(line)
        if m:
            meta["turns"].append({"overlap": bool(m.group(1)), "speaker": m.group(2), "text": m.group(3),
                                  "topic": topic})
        else:
            meta["turns"][-1]["text"] += " " + line
    return meta


def time_call(meta: dict, rng: np.random.Generator) -> list[dict]:
    """Sentence timings: per-speaker speaking rate, 0.2-0.6 s between sentences, 0.25-1.8 s between turns,
    and interjections marked ``~`` overlap the end of the previous turn by 0.3-0.9 s."""
    sentences = []
    clock, prev_last_start = 1.4, 0.0
    for turn_no, turn in enumerate(meta["turns"]):
        spk = meta["speakers"][turn["speaker"]]
        if turn["overlap"] and sentences:
            start = max(prev_last_start + 0.4, clock - rng.uniform(0.3, 0.9))
        else:
            start = clock + (rng.uniform(0.25, 1.8) if sentences else 0.0)
        for k, text in enumerate(SENTENCE_END.split(turn["text"])):
            if k:
                start += rng.uniform(0.2, 0.6)
            words = len(text.split())
            dur = max(0.45, words / spk["wpm"] * 60.0 * rng.uniform(0.93, 1.07))
            sentences.append({"speaker": turn["speaker"], "start": round(start, 2), "end": round(start + dur, 2),
                              "text": text, "topic": turn["topic"], "turn": turn_no})
            prev_last_start = start
            start += dur
        clock = max(clock, start)
    return sentences


def ts(sec: float, sep: str = ".") -> str:
    ms = round(sec * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def render_gong(cid: str, meta: dict, sentences: list[dict], rng: np.random.Generator) -> bytes:
    ids = {code: str(int(rng.integers(10**18, 9 * 10**18))) for code in meta["speakers"]}
    parties = []
    for code, spk in meta["speakers"].items():
        party = {"id": str(int(rng.integers(10**18, 9 * 10**18))), "emailAddress": spk["email"], "name": spk["name"],
                 "title": spk["title"], "speakerId": ids[code], "affiliation": spk["affiliation"],
                 "methods": ["Invitee"]}
        if spk["affiliation"] == "Internal":
            party["userId"] = str(int(rng.integers(10**18, 9 * 10**18)))
        parties.append(party)
    monologues: list[dict] = []
    for s in sorted(sentences, key=lambda x: x["start"]):
        if not monologues or monologues[-1]["speakerId"] != ids[s["speaker"]]:
            monologues.append({"speakerId": ids[s["speaker"]], "topic": s["topic"], "sentences": []})
        monologues[-1]["sentences"].append({"start": round(s["start"] * 1000), "end": round(s["end"] * 1000),
                                            "text": s["text"]})
    doc = {"requestId": f"{int(rng.integers(10**15, 10**16)):x}",
           "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
           "callTranscripts": [{"callId": cid, "transcript": monologues}], "parties": parties}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def render_vtt(meta: dict, sentences: list[dict]) -> bytes:
    out = ["WEBVTT", ""]
    for n, s in enumerate(sorted(sentences, key=lambda x: x["start"]), start=1):
        name = meta["speakers"][s["speaker"]]["name"]
        out += [str(n), f"{ts(s['start'])} --> {ts(s['end'])}", f"<v {name}>{s['text']}</v>", ""]
    return "\n".join(out).encode("utf-8")


def render_srt(meta: dict, sentences: list[dict]) -> bytes:
    out = []
    for n, s in enumerate(sorted(sentences, key=lambda x: x["start"]), start=1):
        name = meta["speakers"][s["speaker"]]["name"]
        out += [str(n), f"{ts(s['start'], ',')} --> {ts(s['end'], ',')}", f"{name}: {s['text']}", ""]
    return "\n".join(out).encode("utf-8")


def render_text(meta: dict, sentences: list[dict]) -> bytes:
    out, current = [], None
    for s in sorted(sentences, key=lambda x: x["start"]):
        if current is None or s["turn"] != current:
            name = meta["speakers"][s["speaker"]]["name"]
            sec = int(s["start"])
            out.append(f"[{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}] {name}: {s['text']}")
            current = s["turn"]
        else:
            out[-1] += " " + s["text"]
    return ("\n".join(out) + "\n").encode("utf-8")


EXT = {"gong_json": "json", "vtt": "vtt", "srt": "srt", "text": "txt"}


def render_calls() -> tuple[list[tuple[str, bytes]], tuple[list[str], list[list]]]:
    files, index = [], []
    for cid, stem, fmt, aid, deal, rep, ctype in CALLS:
        meta = parse_call(SOURCES / "calls" / f"{stem}.txt")
        rng = rng_for(f"calls/{cid}")
        sentences = time_call(meta, rng)
        if fmt == "gong_json":
            data = render_gong(cid, meta, sentences, rng)
        elif fmt == "vtt":
            data = render_vtt(meta, sentences)
        elif fmt == "srt":
            data = render_srt(meta, sentences)
        else:
            data = render_text(meta, sentences)
        name = f"{meta['date']}_{stem}.{EXT[fmt]}"
        files.append((f"calls/{name}", data))
        index.append([cid, name, fmt, aid, deal, meta["date"], rep, ctype])
    return files, (["call_id", "file", "format", "account_id", "deal_id", "date", "rep_owner_id", "call_type"],
                   index)


def call_meta() -> dict[str, dict]:
    return {c[0]: parse_call(SOURCES / "calls" / f"{c[1]}.txt") for c in CALLS}
