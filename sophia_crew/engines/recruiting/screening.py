"""Blind screening for agents: pseudonymous candidate ids, redaction before anything leaves the engine, an audit.

A candidate's id is ``C-`` + the first 6 hex digits of the SHA-256 of the resume file's bytes, so it says
nothing about the person (file names usually do), stays the same across runs, and anyone holding the files
can map it back with ``sha256sum``. Profiles returned here are redacted (:func:`.fairness.redact`) and carry
only that id: no name, contact, location, file name or path. :class:`RedactionAudit` checks it: every name
word, email, phone and link parsed from the original resume is searched for in the redacted profile.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from sophia_crew.errors import InputError

from .fairness import redact
from .jd import analyze_job
from .models import CandidateProfile, JobRequirements, Snippet
from .parse_resume import parse_resume
from .readers import SUPPORTED

PLACEHOLDERS = ("NAME", "EMAIL", "PHONE", "URL", "ADDRESS", "LOCATION", "ZIP", "DOB", "AGE", "GENDER",
                "PERSONAL", "PHOTO")


class UnreadableFile(BaseModel):
    """A file in the resume folder that could not be parsed (listed for a human, never scored)."""

    candidate_id: str
    file_type: str
    reason: str


class RedactionAudit(BaseModel):
    """What redaction removed before any agent saw the resumes, and whether anything personal is left."""

    redaction_applied: bool = True
    candidates: int
    removed: dict[str, int] = Field(description="placeholder kind -> occurrences in the redacted texts")
    personal_items_checked: int = Field(description="name words, emails, phones and links parsed from originals")
    leaks: int = Field(description="of those, how many still appear in what an agent can see")
    leaked_candidates: list[str] = []
    names_not_detected: list[str] = Field(
        default_factory=list, description="candidates whose name the parser did not find (check by hand)")


@dataclass
class Screening:
    """Redacted, pseudonymised profiles of one resume folder, the files that failed, and the audit."""

    profiles: list[CandidateProfile]
    unreadable: list[UnreadableFile]
    audit: RedactionAudit
    key: dict[str, str]  # candidate id -> file name; for humans only, never returned by a tool


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _resume_files(root: Path) -> list[Path]:
    return [f for f in sorted(root.iterdir())
            if f.is_file() and not f.name.startswith((".", "~$")) and f.name.upper() != "README.MD"]


def candidate_key(folder: str | Path) -> dict[str, str]:
    """Candidate id → file name for every file in a resume folder (identical files share nothing: suffixed)."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{root}: resume folder not found")
    key: dict[str, str] = {}
    for f in _resume_files(root):
        digest = _digest(f)
        cid, n = f"C-{digest[:6]}", 2
        while cid in key:  # duplicate content (or a 24-bit collision): keep ids unique
            cid, n = f"C-{digest[:6]}-{n}", n + 1
        key[cid] = f.name
    return key


def _scrub(message: str, path: Path, cid: str) -> str:
    """An error message with the file's path and name replaced by its candidate id."""
    out = message.replace(str(path), cid).replace(str(path.resolve()), cid)
    for part in (path.name, path.stem):
        out = out.replace(part, cid)
    return out.removeprefix(f"{cid}: ")


def _name_guess(profile: CandidateProfile, stem: str) -> Snippet | None:
    """When the parser found no name: file-name words that also appear in the resume's first lines."""
    head = [ln for ln in profile.text.splitlines() if ln.strip()][:2]
    words = [w for w in re.split(r"[^A-Za-zÀ-ÿ]+", stem) if len(w) > 2]
    found = []
    for w in words:  # as written in the resume, so redaction (which also tries Title and UPPER case) matches it
        hit = next((m.group(0) for ln in head for m in [re.search(rf"(?<!\w){re.escape(w)}(?!\w)", ln, re.IGNORECASE)] if m),
                   None)
        if hit:
            found.append(hit)
    if not found:
        return None
    return Snippet(value=" ".join(found), source=head[0])


def _personal_items(original: CandidateProfile) -> list[str]:
    items: list[str] = []
    if original.name:
        items += [w for w in re.split(r"\s+", original.name.value) if len(w) > 2]
    items += original.contact.emails + original.contact.phones + original.contact.links
    return items


def _leaks(items: list[str], visible: str) -> int:
    return sum(1 for it in items if re.search(rf"(?<!\w){re.escape(it)}(?!\w)", visible, re.IGNORECASE))


def screen_folder(folder: str | Path, today: date | None = None) -> Screening:
    """Parse, pseudonymise and redact every resume in ``folder``; unreadable files are listed, not raised.

    Args:
        folder: a folder of .docx, .pdf, .txt and .md resumes (other file types are listed as unreadable).
        today: closes "to present" date ranges; defaults to the system date.

    Raises:
        InputError: the folder is missing, is a file, or holds no files at all.
    """
    root = Path(folder)
    if root.is_file():
        raise InputError(f"{root}: expected a folder of resumes, got a file")
    key = candidate_key(root)
    if not key:
        raise InputError(f"{root}: no resumes ({', '.join(SUPPORTED)}) found")
    return _screen_cached(str(root.resolve()), _stamp(root), today or date.today(), tuple(key.items()))


def _stamp(root: Path) -> tuple:
    return tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in _resume_files(root))


@lru_cache(maxsize=8)
def _screen_cached(root: str, stamp: tuple, today: date, key_items: tuple) -> Screening:
    key = dict(key_items)
    profiles: list[CandidateProfile] = []
    unreadable: list[UnreadableFile] = []
    removed = dict.fromkeys(PLACEHOLDERS, 0)
    checked = leaks = 0
    leaked, unnamed = [], []
    for cid, name in key.items():
        path = Path(root) / name
        suffix = path.suffix.lower() or "(none)"
        if suffix not in SUPPORTED:
            unreadable.append(UnreadableFile(candidate_id=cid, file_type=suffix,
                                             reason=f"unsupported file type; expected one of {', '.join(SUPPORTED)}"))
            continue
        try:
            original = parse_resume(path, candidate_id=cid, today=today)
        except InputError as exc:
            unreadable.append(UnreadableFile(candidate_id=cid, file_type=suffix, reason=_scrub(str(exc), path, cid)))
            continue
        if original.name is None:
            unnamed.append(cid)
            original.name = _name_guess(original, path.stem)
        clean = redact(original)
        clean.file = f"{cid}{suffix}"
        clean.warnings = [_scrub(w, path, cid) for w in clean.warnings]
        items = _personal_items(original)
        n = _leaks(items, clean.model_dump_json())
        checked, leaks = checked + len(items), leaks + n
        if n:
            leaked.append(cid)
        for kind in PLACEHOLDERS:
            removed[kind] += clean.text.count(f"[{kind}]")
        profiles.append(clean)
    audit = RedactionAudit(candidates=len(profiles), removed={k: v for k, v in removed.items() if v},
                           personal_items_checked=checked, leaks=leaks, leaked_candidates=leaked,
                           names_not_detected=unnamed)
    return Screening(profiles=profiles, unreadable=unreadable, audit=audit, key=key)


def load_jobs(job: str | Path) -> list[JobRequirements]:
    """One analysed job description, or every .md/.txt/.docx/.pdf job description in a folder.

    Raises:
        InputError: missing path, an empty folder, or an empty/unreadable job description.
    """
    p = Path(job)
    if p.is_dir():
        files = [f for f in sorted(p.iterdir()) if f.is_file() and f.suffix.lower() in SUPPORTED
                 and not f.name.startswith(".") and f.name.upper() != "README.MD"]
        if not files:
            raise InputError(f"{p}: no job descriptions ({', '.join(SUPPORTED)}) found")
        return [analyze_job(f) for f in files]
    if not p.exists():
        raise InputError(f"{p}: job description not found")
    return [analyze_job(p)]
