"""Plain text out of .docx, .pdf, .txt and .md resumes and job descriptions, with clear errors for bad files."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sophia_crew.errors import InputError

SUPPORTED = (".docx", ".pdf", ".txt", ".md")


def read_document(path: str | Path) -> str:
    """Text of one document.

    Args:
        path: a .docx, .pdf, .txt or .md file.

    Returns:
        The document's text, lines separated by newlines.

    Raises:
        InputError: missing, empty, corrupt, encrypted or image-only file, or an unsupported extension.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: file not found")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: file is empty")
    suffix = p.suffix.lower()
    if suffix == ".docx":
        text = _read_docx(p)
    elif suffix == ".pdf":
        text = _read_pdf(p)
    elif suffix in (".txt", ".md"):
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    else:
        raise InputError(
            f"{p}: unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED)}"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    if not text.strip():
        raise InputError(f"{p}: no text found in the document")
    return text


def _read_docx(p: Path) -> str:
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(p))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{p}: not a readable .docx file (corrupt or not a Word document): {exc}") from exc
    lines = [para.text for para in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = []
            for cell in row.cells:
                if cell.text.strip() and cell.text not in cells:
                    cells.append(cell.text.strip())
            lines.append(" | ".join(cells))
    # Section headers/footers often carry the contact line.
    for section in document.sections:
        for para in section.header.paragraphs:
            if para.text.strip():
                lines.insert(0, para.text)
    return "\n".join(lines)


def _read_pdf(p: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(str(p))
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty user password only (copy protection); those open fine.
            try:
                ok = reader.decrypt("")
            except (FileNotDecryptedError, NotImplementedError, PdfReadError) as exc:
                raise InputError(f"{p}: PDF is encrypted and cannot be opened without its password") from exc
            if not ok:
                raise InputError(f"{p}: PDF is encrypted and cannot be opened without its password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except FileNotDecryptedError as exc:
        raise InputError(f"{p}: PDF is encrypted and cannot be opened without its password") from exc
    except (PdfReadError, ValueError, OSError, KeyError) as exc:
        raise InputError(f"{p}: not a readable PDF (corrupt?): {exc}") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(
            f"{p}: PDF has no text layer ({len(pages)} page(s), probably a scanned image); OCR is not supported"
        )
    return text
