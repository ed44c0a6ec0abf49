"""Build (and cross-validate) the resume span tagger from the TRAIN split of the dotin corpus only.

    /work/venv/bin/python -m sophia_crew.engines.recruiting.tagger_build ZIP [--cv] [--out PATH]

ZIP is ``545_cvs_train_v2.zip`` (dotin-inc/resume-dataset-NER-annotations, CC0). The test split is never read
here. Gazetteer features are cross-fitted: each training document sees gazetteers built from the *other*
folds, so the model learns how far to trust a gazetteer hit on text it was not built from (as at run time).
``--cv`` reports 5-fold scores of the whole parser (evaluation rule of :mod:`.evaluation`) on the train split.
Deterministic: fixed folds (document index mod 5), lbfgs solver.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

from .tagger import LABELS, Gazetteer, Tagger, features, tokens, tokens_lower

SKILL_LABELS = {"Job Specific Skills", "Tech Tools", "Soft Skills"}
TITLE_LABELS = {"Designation"}
FOLDS = 5
# P(O) thresholds chosen by 5-fold cross-validation on the TRAIN split (each fold tagged by a model fitted on the
# other four; lenient F1 of the full parser): TITLE on folds 0-1 then checked on folds 2-4, SKILL on all five
# (0.55 / 0.6 / 0.65 / 0.7 gave 0.579 / 0.581 / 0.576 / 0.567). Never on the test split.
THRESHOLDS = {"SKILL": 0.6, "TITLE": 0.8}
_TAG_RE = re.compile(r'<label type="([^"]+)">|</label>|<\?xml[^>]*\?>|</?cv>')


def load_spans(zip_path: Path) -> list[tuple[str, str, list[tuple[str, int, int]]]]:
    """(name, plain text, [(kind, start, end)]) per CV; kind is SKILL or TITLE; other labels dropped."""
    docs = []
    with zipfile.ZipFile(zip_path) as zf:
        for name in sorted(n for n in zf.namelist() if n.endswith(".xml")):
            raw = zf.read(name).decode("utf-8", errors="replace")
            parts: list[str] = []
            size = 0
            spans = []
            open_label: tuple[str, int] | None = None
            last = 0
            for m in _TAG_RE.finditer(raw):
                chunk = html.unescape(raw[last : m.start()])
                parts.append(chunk)
                size += len(chunk)
                last = m.end()
                if m.group(1):
                    open_label = (m.group(1), size)
                elif m.group(0) == "</label>" and open_label:
                    label, start = open_label
                    kind = "SKILL" if label in SKILL_LABELS else "TITLE" if label in TITLE_LABELS else None
                    if kind:
                        spans.append((kind, start, size))
                    open_label = None
            parts.append(html.unescape(raw[last:]))
            docs.append((Path(name).name, "".join(parts), spans))
    return docs


def train_docs(docs):
    """The documents fit to train on: both span kinds annotated somewhere in the CV.

    About one train CV in eight labels no skill (or no title) at all, although many list plenty (e.g. a
    50,000-character CV with technology tables): the annotator skipped that type, and fitting on such a CV
    would teach the model that its skills are plain words. Cross-validated on the train split (held-out folds
    2-4, same decoding), dropping them raised designation lenient F1 from 0.691 to 0.703; skills about equal.
    """
    return [d for d in docs if {k for k, _, _ in d[2]} >= {"SKILL", "TITLE"}]


def bio(text: str, spans) -> tuple[list, list[str]]:
    """Tokens of ``text`` and their BIO labels from gold character spans."""
    toks = tokens(text)
    labels = ["O"] * len(toks)
    for kind, s, e in spans:
        inside = [i for i, (ts, te, _) in enumerate(toks) if ts >= s and te <= e]
        for k, i in enumerate(inside):
            labels[i] = f"{'B' if k == 0 else 'I'}-{kind}"
    return toks, labels


def build_gazetteers(docs) -> dict[str, list[str]]:
    """Terms labelled often enough to be trusted: skills >= 30 % of occurrences (once seen: 50 %), titles >= 40 %."""
    out = {}
    for kind, rate in (("SKILL", 0.3), ("TITLE", 0.4)):
        labelled = Counter()
        for _, text, spans in docs:
            for k, s, e in spans:
                term = re.sub(r"\s+", " ", text[s:e]).strip(" .,;:-•*()").lower()
                if k == kind and 1 < len(term) <= 60:
                    labelled[term] += 1
        gz = Gazetteer(labelled)
        seen = Counter()
        for _, text, _ in docs:
            low = tokens_lower(text)
            for i, j in gz.matches(low):
                seen[" ".join(low[i:j])] += 1
        keep = []
        for term, n in labelled.items():
            total = max(seen.get(" ".join(tokens_lower(term)), 0), n)
            if n / total >= (max(rate, 0.5) if n == 1 else rate):
                keep.append(term)
        out[kind.lower()] = sorted(keep)
    out["curated"] = _curated_terms()
    return out


def _curated_terms() -> list[str]:
    from .skills import _load_yaml

    terms = []
    for entry in _load_yaml("skills.yaml").get("skills", []):
        terms += [entry["name"], *entry.get("synonyms", [])]
    return sorted({t.lower() for t in terms})


def _xy(docs, gaz_for) -> tuple[list[list[str]], list[str]]:
    X, y = [], []
    for idx, (_, text, spans) in enumerate(docs):
        toks, labels = bio(text, spans)
        gz = {k: Gazetteer(v) for k, v in gaz_for(idx).items()}
        X += features(text, toks, gz)
        y += labels
    return X, y


def fit(docs, C: float = 0.3) -> tuple[Tagger, dict[str, list[float]], list[float]]:
    """Train on ``docs`` (from :func:`load_spans`, filtered by :func:`train_docs`) with cross-fitted
    gazetteer features.

    Returns:
        (tagger with gazetteers built from all of ``docs``, pruned weights, intercepts).
    """
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    docs = train_docs(docs)
    fold_gaz = [build_gazetteers([d for j, d in enumerate(docs) if j % FOLDS != k]) for k in range(FOLDS)]
    X, y = _xy(docs, lambda idx: fold_gaz[idx % FOLDS])
    # Features seen once cannot generalise; dropping them halves the fit time and the artefact.
    counts = Counter(name for f in X for name in f)
    vec = DictVectorizer()
    Xm = vec.fit_transform([{name: 1 for name in f if counts[name] > 1} for f in X])
    model = LogisticRegression(C=C, max_iter=150)
    model.fit(Xm, y)
    order = [list(model.classes_).index(lab) for lab in LABELS]
    coef = model.coef_[order]
    names = vec.get_feature_names_out()
    weights = {}
    for j, name in enumerate(names):
        col = coef[:, j] - coef[:, j].mean()
        if abs(col).max() >= 0.02:
            weights[str(name)] = [round(float(v), 3) for v in col]
    bias = [round(float(v), 3) for v in model.intercept_[order]]
    return Tagger(weights, bias, build_gazetteers(docs), dict(THRESHOLDS)), weights, bias


def save(tagger_parts, path: Path, source: str) -> None:
    """Write :func:`fit`'s result as the gzipped JSON artefact :mod:`.tagger` loads (byte-stable: mtime 0)."""
    tagger, weights, bias = tagger_parts
    data = {
        "about": (
            "Resume span tagger (SKILL/TITLE, BIO) built by sophia_crew.engines.recruiting.tagger_build from "
            f"{source} (dotin-inc/resume-dataset-NER-annotations @ 052429f, CC0-1.0, TRAIN split only)."
        ),
        "labels": list(LABELS),
        "bias": bias,
        "weights": weights,
        "gazetteers": tagger.gazetteer_terms,
        "o_threshold": tagger.o_threshold,
    }
    path.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":"), sort_keys=True).encode(), mtime=0))


def cross_validate(zip_path: Path) -> None:
    """5-fold scores of the full parser on the train split (each fold tagged by a model fitted on the others)."""
    from .evaluation import evaluate, load_dotin
    from .tagger import use_tagger

    docs = load_spans(zip_path)
    eval_docs = load_dotin(zip_path)
    totals: dict = {}
    for k in range(FOLDS):
        train = [d for j, d in enumerate(docs) if j % FOLDS != k]
        tagger, _, _ = fit(train)
        use_tagger(tagger)
        for lenient in (False, True):
            scores = evaluate([d for j, d in enumerate(eval_docs) if j % FOLDS == k], lenient=lenient)
            for etype, s in scores.items():
                t = totals.setdefault((etype, lenient), [0, 0, 0])
                t[0] += s.tp
                t[1] += s.n_pred
                t[2] += s.n_gold
        use_tagger(None)
        print(f"fold {k} done", file=sys.stderr)
    for (etype, lenient), (tp, n_pred, n_gold) in sorted(totals.items()):
        p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{etype:22} {'lenient' if lenient else 'strict ':8} P {p:.3f} R {r:.3f} F1 {f1:.3f}")


def main(argv: list[str]) -> None:
    from sophia_crew.errors import InputError

    if not argv or not Path(argv[0]).is_file():
        raise InputError(f"{argv[0] if argv else '(no path)'}: dotin train zip not found")
    zip_path = Path(argv[0])
    if "--cv" in argv:
        cross_validate(zip_path)
        return
    from sophia_crew.resources import knowledge_path

    out = (
        Path(argv[argv.index("--out") + 1])
        if "--out" in argv
        else knowledge_path("recruiting", "resume_tagger.json.gz")
    )
    save(fit(load_spans(zip_path)), out, zip_path.name)
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main(sys.argv[1:])
