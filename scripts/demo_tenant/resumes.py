"""The .docx and .pdf resumes, rendered from the text in ``_sources/resumes`` with fixed timestamps."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from .common import SOURCES

BINARY_RESUMES = [("amelia_brooks", "docx"), ("rahul_mehta", "docx"), ("daniel_kowalski", "pdf")]
FIXED_TIME = datetime(2026, 11, 1, 9, 0, 0)


def render_docx(text: str) -> bytes:
    """A .docx from the resume text ('# ' headings, '- ' bullets), re-zipped with fixed timestamps."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    lines = text.strip().splitlines()
    doc.add_heading(lines[0], level=0)
    for line in lines[1:]:
        if line.startswith("# "):
            doc.add_heading(line[2:], level=1)
        elif line.startswith("- "):
            doc.add_paragraph(line[2:], style="List Bullet")
        elif line.strip():
            para = doc.add_paragraph(line)
            para.paragraph_format.space_after = Pt(2)
    props = doc.core_properties
    props.author = props.last_modified_by = "sophia_crew demo data"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.title = lines[0]
    raw = io.BytesIO()
    doc.save(raw)
    return rezip(raw.getvalue())


def rezip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def pdf_escape(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def render_pdf(text: str) -> bytes:
    """A plain text PDF (Helvetica, A4) written by hand so no PDF library is needed and bytes are stable."""
    import textwrap

    lines: list[tuple[str, str]] = []
    raw = text.strip().splitlines()
    lines.append(("F2", raw[0]))
    for line in raw[1:]:
        if line.startswith("# "):
            lines += [("F1", ""), ("F2", line[2:])]
        elif line.startswith("- "):
            wrapped = textwrap.wrap(line[2:], 88) or [""]
            lines += [("F1", "-  " + wrapped[0])] + [("F1", "   " + w) for w in wrapped[1:]]
        else:
            lines += [("F1", w) for w in (textwrap.wrap(line, 92) or [""])]
    pages = [lines[i:i + 56] for i in range(0, len(lines), 56)]
    objects: list[bytes] = []
    n_pages = len(pages)
    page_ids = [5 + 2 * i for i in range(n_pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    for i, page in enumerate(pages):
        ops = ["BT", "56 786 Td", "14 TL"]
        for font, line in page:
            size = 12 if font == "F2" else 10
            ops.append(f"/{font} {size} Tf ({pdf_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R "
                       f"/F2 4 0 R >> >> /Contents {page_ids[i] + 1} 0 R >>".encode())
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    objects.append(b"<< /Producer (sophia_crew build_demo_data.py) /Title (Resume) >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{num} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
              f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def render_resumes() -> list[tuple[str, bytes]]:
    files = []
    for stem, fmt in BINARY_RESUMES:
        text = (SOURCES / "resumes" / f"{stem}.txt").read_text(encoding="utf-8")
        data = render_docx(text) if fmt == "docx" else render_pdf(text)
        files.append((f"recruiting/resumes/{stem}.{fmt}", data))
    return files
