"""Resume parsing on hand-written fixtures (values checked by hand) and the bad-input cases."""

from __future__ import annotations

from datetime import date

import docx
import fitz  # PyMuPDF, only to build test PDFs
import pytest

from sophia_crew.engines.recruiting import parse_resume, parse_resume_folder, parse_resume_text
from sophia_crew.errors import InputError

TODAY = date(2026, 11, 15)


@pytest.fixture
def resumes(fixtures_dir):
    return fixtures_dir / "recruiting" / "resumes"


def test_txt_resume_fields_and_snippets(resumes):
    p = parse_resume(resumes / "ana_ruiz.txt", today=TODAY)
    assert p.name.value == "Ana Ruiz"
    assert p.contact.emails == ["ana.ruiz@example.com"]
    assert p.contact.phones == ["+1 512 555 0147"]
    assert p.contact.links == ["linkedin.com/in/ana-ruiz-demo"]
    assert [(w.title, w.company, w.start, w.end, w.current) for w in p.work] == [
        ("Senior Account Executive", "Paylane Inc", "2021-01", None, True),
        ("Account Executive", "Cardly Software", "2017-03", "2020-12", False),
    ]
    # Mar 2017..Dec 2020 = 46 months, Jan 2021..Nov 2026 = 71 months.
    assert p.experience_months == 117
    assert p.stated_experience_years == 7
    assert p.education[0].level == 3 and p.education[0].year == 2016
    assert {"Salesforce", "Negotiation", "MEDDIC", "PCI DSS", "HubSpot"} <= p.skill_names
    meddic = next(s for s in p.skills if s.name == "MEDDIC")
    assert "Ran MEDDIC qualification" in meddic.source
    assert [lang.value for lang in p.languages] == ["English", "Spanish"]
    assert p.warnings == []


def test_overlapping_jobs_are_not_double_counted(resumes):
    p = parse_resume(resumes / "ben_okafor.md", today=TODAY)
    assert [w.months for w in p.work] == [78, 33]  # Jun 2020..Nov 2026, Sep 2018..May 2021
    assert p.experience_months == 99  # union Sep 2018..Nov 2026, not 78 + 33 = 111
    assert p.work[0].company == "Ledgerly Ltd"
    assert p.education[0].level == 4


def test_docx_resume(tmp_path):
    d = docx.Document()
    for line in [
        "Maria Lopez",
        "maria@example.com",
        "EXPERIENCE",
        "Data Analyst - Acme Corp - Boston, MA",
        "Feb 2019 - Jan 2023",
        "Skills: Python, Tableau, SQL",
    ]:
        d.add_paragraph(line)
    path = tmp_path / "maria.docx"
    d.save(path)
    p = parse_resume(path, today=TODAY)
    assert p.name.value == "Maria Lopez"
    assert p.work[0].title == "Data Analyst" and p.work[0].months == 48
    assert {"Python", "Tableau", "SQL"} <= p.skill_names


def _pdf(path, text=None, **save):
    doc = fitz.open()
    page = doc.new_page()
    if text:
        page.insert_text((72, 72), text)
    else:
        page.draw_rect(fitz.Rect(50, 50, 300, 300), color=(0, 0, 0), fill=(0.5, 0.5, 0.5))
    doc.save(path, **save)


def test_pdf_resume_text_layer(tmp_path):
    path = tmp_path / "cv.pdf"
    _pdf(path, "John Smith\nSoftware Engineer - Initech Inc\nJan 2020 - Dec 2021\nPython, Docker")
    p = parse_resume(path, today=TODAY)
    assert p.work[0].months == 24
    assert {"Python", "Docker"} <= p.skill_names


def test_encrypted_pdf_is_a_clear_error(tmp_path):
    path = tmp_path / "locked.pdf"
    _pdf(path, "Secret resume", encryption=fitz.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="owner")
    with pytest.raises(InputError, match="locked.pdf: PDF is encrypted"):
        parse_resume(path)


def test_image_only_pdf_is_a_clear_error(tmp_path):
    path = tmp_path / "scan.pdf"
    _pdf(path)
    with pytest.raises(InputError, match="scan.pdf: PDF has no text layer"):
        parse_resume(path)


def test_corrupt_docx_and_empty_file(tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(InputError, match="broken.docx: not a readable .docx"):
        parse_resume(bad)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InputError, match="empty.txt: file is empty"):
        parse_resume(empty)
    with pytest.raises(InputError, match="unsupported file type .rtf"):
        (tmp_path / "x.rtf").write_text("hello")
        parse_resume(tmp_path / "x.rtf")


def test_other_language_is_detected_and_partly_parsed(resumes):
    p = parse_resume(resumes / "lucia_fernandez_es.txt", today=TODAY)
    assert p.language == "es"
    assert any("Spanish" in w for w in p.warnings)
    assert p.name.value == "Lucía Fernández"
    assert p.contact.emails == ["lucia.fernandez@example.es"]
    assert "Salesforce" in p.skill_names
    assert p.experience_months == 95  # Enero 2019 - Presente


def test_folder_collects_errors_instead_of_failing(tmp_path, resumes):
    (tmp_path / "ok.txt").write_text((resumes / "chris_lee.txt").read_text())
    (tmp_path / "empty.md").write_text("   \n")
    profiles, errors = parse_resume_folder(tmp_path, today=TODAY)
    assert [p.candidate_id for p in profiles] == ["ok"]
    assert len(errors) == 1 and "empty.md" in errors[0]
    assert profiles[0].contact.phones == ["(415) 555-0199"]


def test_empty_text_raises():
    with pytest.raises(InputError, match="resume text is empty"):
        parse_resume_text("  \n ", "c1")


SPAN_RESUME = """Priya Nair
Senior Data Engineer

WORK EXPERIENCE
Data Engineer - Zentrix Analytics Pvt Ltd - Pune
June 2016 - March 2019
Built streaming pipelines in Apache Kafka and Spark; designed Airflow DAGs.

SKILLS
Python, Scala, Pulumi, Snowflake, Dagster, stakeholder management
"""


def test_span_tagger_titles_and_unlisted_skills():
    from sophia_crew.engines.recruiting.skills import vocabulary

    p = parse_resume_text(SPAN_RESUME, "c1", today=TODAY)
    # The headline title is not a work entry but is a title the candidate holds; both are found.
    assert [t.value for t in p.titles] == ["Senior Data Engineer", "Data Engineer"]
    assert p.titles[0].source == "Senior Data Engineer"
    # Pulumi and Dagster are in no vocabulary: the tagger finds them from the list layout under SKILLS.
    assert vocabulary().normalise("Pulumi") is None and vocabulary().normalise("Dagster") is None
    assert {"Python", "Scala", "Pulumi", "Snowflake", "Dagster", "Stakeholder Management", "Kafka"} <= p.skill_names
    pulumi = next(s for s in p.skills if s.name == "Pulumi")
    assert pulumi.source == "Python, Scala, Pulumi, Snowflake, Dagster, stakeholder management"
    assert [(w.title, w.company, w.months) for w in p.work][1] == ("Data Engineer", "Zentrix Analytics Pvt Ltd", 34)


def test_without_tagger_titles_fall_back_to_work_entries():
    from sophia_crew.engines.recruiting.tagger import use_tagger

    use_tagger(None, off=True)
    try:
        p = parse_resume_text(SPAN_RESUME, "c1", today=TODAY)
    finally:
        use_tagger(None)
    assert [t.value for t in p.titles] == [w.title for w in p.work]
    # "Spark" is too ambiguous for the vocabulary rules ("spark interest"); in this sentence the tagger keeps it.
    assert "Spark" not in p.skill_names
    assert "Spark" in parse_resume_text(SPAN_RESUME, "c1", today=TODAY).skill_names


def test_dotin_gold_spans_are_aligned_to_the_stripped_text(shared_data):
    from sophia_crew.engines.recruiting.tagger_build import bio, load_spans

    docs = load_spans(shared_data("resumes_jobs", "dotin_resume_ner", "545_cvs_train_v2.zip"))
    assert len(docs) == 310
    name, text, spans = docs[0]
    assert name == "1.xml"  # 1.xml: "Associate Software Engineer" heads the CV; C++, python, java are Tech Tools
    got = [(k, text[s:e]) for k, s, e in spans]
    assert got[0] == ("TITLE", "Associate Software Engineer")
    assert ("SKILL", "C++") in got and ("SKILL", "python") in got and ("SKILL", "java") in got
    toks, labels = bio(text, spans)
    first = [t[2] for t, lab in zip(toks, labels) if lab != "O"][:3]
    assert first == ["Associate", "Software", "Engineer"]
