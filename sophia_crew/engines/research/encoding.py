"""Body decoding for fetched pages: declared charset, BOM, <meta charset>, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_body(body: bytes, content_type: str) -> tuple[str, str, bool]:
    """Decode a body: header charset, BOM, ``<meta charset>``, then detection.

    Returns:
        (text, encoding used, had_errors). Undecodable bytes become U+FFFD instead of raising.
    """
    candidates: list[str] = []
    header = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    if header:
        candidates.append(header.group(1))
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            candidates.insert(0, name)
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    declared = []
    for name in candidates:
        try:
            declared.append(codecs.lookup(name).name)
        except LookupError:
            continue
    if declared:
        try:
            return body.decode(declared[0]), declared[0], False
        except UnicodeDecodeError:
            return body.decode(declared[0], errors="replace"), declared[0], True
    try:
        return body.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        return str(best), best.encoding, False
    return body.decode("utf-8", errors="replace"), "utf-8", True
