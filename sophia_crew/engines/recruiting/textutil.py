"""Small text helpers shared by the resume and job parsers: language guess, segmentation, contacts."""

from __future__ import annotations

import re

_STOP = {
    "en": [
        "the",
        "and",
        "of",
        "to",
        "in",
        "for",
        "with",
        "a",
        "on",
        "as",
        "is",
        "at",
        "by",
        "from",
        "an",
        "be",
        "are",
        "this",
        "that",
        "was",
        "i",
        "my",
        "have",
        "or",
        "will",
        "our",
    ],
    "es": [
        "el",
        "la",
        "de",
        "que",
        "y",
        "en",
        "los",
        "del",
        "las",
        "un",
        "por",
        "con",
        "para",
        "una",
        "es",
        "al",
        "lo",
        "como",
        "más",
        "pero",
        "sus",
        "le",
        "ya",
        "o",
        "este",
    ],
    "fr": [
        "le",
        "la",
        "les",
        "de",
        "des",
        "et",
        "en",
        "un",
        "une",
        "du",
        "pour",
        "est",
        "dans",
        "que",
        "qui",
        "sur",
        "au",
        "avec",
        "par",
        "pas",
        "plus",
        "ce",
        "sont",
    ],
    "de": [
        "der",
        "die",
        "und",
        "in",
        "den",
        "von",
        "zu",
        "das",
        "mit",
        "sich",
        "des",
        "auf",
        "für",
        "ist",
        "im",
        "dem",
        "nicht",
        "ein",
        "eine",
        "als",
        "auch",
        "es",
        "an",
    ],
    "pt": [
        "de",
        "a",
        "o",
        "que",
        "e",
        "do",
        "da",
        "em",
        "um",
        "para",
        "com",
        "não",
        "uma",
        "os",
        "no",
        "se",
        "na",
        "por",
        "mais",
        "as",
        "dos",
        "como",
        "mas",
        "ao",
    ],
    "it": [
        "di",
        "e",
        "il",
        "la",
        "che",
        "in",
        "un",
        "per",
        "è",
        "non",
        "una",
        "sono",
        "del",
        "della",
        "con",
        "le",
        "si",
        "da",
        "gli",
        "al",
        "nel",
    ],
    "nl": [
        "de",
        "het",
        "een",
        "en",
        "van",
        "in",
        "is",
        "op",
        "te",
        "dat",
        "die",
        "voor",
        "zijn",
        "met",
        "aan",
        "er",
        "niet",
        "ook",
        "als",
    ],
}
_STOP_SETS = {lang: frozenset(words) for lang, words in _STOP.items()}
LANG_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
}

# Head nouns of job titles ("Senior Data *Engineer*"), shared by the rule-based parser and the span tagger.
TITLE_HEADS = (
    "manager|engineer|developer|consultant|analyst|director|executive|officer|intern|representative|specialist|"
    "coordinator|assistant|associate|lead|architect|administrator|accountant|designer|supervisor|secretary|agent|"
    "clerk|technician|teacher|nurse|scientist|programmer|tester|advisor|adviser|head|president|vp|partner|owner|"
    "founder|cashier|receptionist|trainee|auditor|controller|recruiter|generalist|planner|buyer|chef|cook|driver|"
    "operator|instructor|trainer|editor|writer|strategist|merchandiser|attendant|server|bartender|host|"
    "salesperson|salesman|account executive|sdr|bdr"
)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b(?:linkedin\.com|github\.com)/\S+", re.IGNORECASE)
PHONE_RE = re.compile(
    r"(?<![\w/])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}(?![\w/])"
)


def detect_language(text: str) -> str:
    """ISO 639-1 guess from stop-word frequency ("en", "es", ...); "und" when too little text or no clear winner."""
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    if len(words) < 20:
        return "en" if words else "und"
    counts = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOP_SETS.items()}
    best = max(counts, key=counts.get)
    if counts[best] < 0.03 * len(words):
        return "und"
    # English resumes are terse (few stop words): prefer English unless another language clearly wins.
    if best != "en" and counts[best] < 1.5 * counts["en"]:
        return "en"
    return best


def segments(text: str) -> list[tuple[int, str]]:
    """Lines of ``text`` with their offsets; runs of 2+ spaces also split (flattened PDF/CSV resumes)."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        line, base = m.group(0), m.start()
        for part in re.finditer(r"(?:(?!\s{2,}).)+", line):
            piece = part.group(0).strip()
            if piece:
                out.append((base + part.start() + (len(part.group(0)) - len(part.group(0).lstrip())), piece))
    return out


def clean(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip(" .,;:-–•*|()\t")
