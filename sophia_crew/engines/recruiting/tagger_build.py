"""Build (and cross-validate) the resume span tagger from the TRAIN split of the dotin corpus only.

    python -m sophia_crew.engines.recruiting.tagger_build ZIP [--cv [--token-models DIR]] [--out PATH]

ZIP is ``545_cvs_train_v2.zip`` (dotin-inc/resume-dataset-NER-annotations, CC0). The test split is never read
here. Gazetteer features are cross-fitted: each training document sees gazetteers built from the *other*
folds, so the model learns how far to trust a gazetteer hit on text it was not built from (as at run time).
Two stages (:mod:`.tagger`): the token tagger (:func:`fit`), then a value filter (:func:`fit_value_filter`)
fitted on the token tagger's out-of-fold output over the same CVs (:func:`out_of_fold`, stacking), so it
learns from output like the one it will see at run time. Building fits the token tagger six times (5 folds +
all), about 15 minutes on two cores.

``--cv`` reports 5-fold scores of the whole parser (evaluation rule of :mod:`.evaluation`) on the train split,
with and without the value filter; ``--token-models DIR`` adds the :data:`ENSEMBLE` with the transformer
(DIR/f0 .. DIR/f4 from ``token_model_build --fold K``, trained on the same folds). Deterministic: fixed folds
(document index mod 5), lbfgs solver. The artefact records the ensemble's settings; the transformer itself is
built by :mod:`.token_model_build`.

Cross-validated lenient F1 (skills / designation), train split, each variant against the one before:
first tagger 0.583 / 0.683; + features (list items, context +-3, affixes, document position) 0.598 / 0.691;
+ double titles split 0.598 / 0.698 (these three by a scratch harness that tagged the raw CV text; this
module's --cv tags the text the parser sees, as at run time, and gives 0.588 / 0.700 for the same model);
+ value filter (candidates at P(O) 0.8 / 0.9), by --cv: threshold 0.35 0.601 / 0.706, 0.4 0.602 / 0.707
(shipped), 0.45 0.600 / 0.706, 0.5 0.597 / 0.700; with title candidates at 0.8 instead of 0.9, designation
0.698-0.701 (skills unchanged). Dropping the curated-vocabulary hits the tagger did not mark would add
about 0.017 on skills (see :func:`.spans.tagged_skills`) but loses skills the demo resumes plainly claim.
Error analysis of the out-of-fold output (first tagger) behind these choices: of 5,893 gold skill values
2,485 were missed: 2,025 never touched by any span (Job Specific Skills 1,155, of which 883 multi-word
phrases in prose; Tech Tools 586, of which 437 one word; Soft Skills 284), 432 cut at other boundaries, 28
tagged as titles. Of 2,397 false skills, 1,052 were one-word values the annotators left unlabelled
("planning", "sales"), 508 came from CVs whose annotator labelled no skill at all, 190 overlapped a gold
skill with other boundaries, 127 / 69 / 45 overlapped a designation / degree / company. Designation errors:
322 gold titles never touched, 62 inside a longer predicted title (mostly double titles "A / B", hence the
split).
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

from .spans import value_features
from .tagger import LABELS, Gazetteer, Tagger, features, tokens, tokens_lower

SKILL_LABELS = {"Job Specific Skills", "Tech Tools", "Soft Skills"}
TITLE_LABELS = {"Designation"}
FOLDS = 5
# P(O) thresholds chosen by 5-fold cross-validation on the TRAIN split (each fold tagged by a model fitted on the
# other four; lenient F1 of the full parser): TITLE on folds 0-1 then checked on folds 2-4, SKILL on all five
# (0.55 / 0.6 / 0.65 / 0.7 gave 0.579 / 0.581 / 0.576 / 0.567). Never on the test split.
THRESHOLDS = {"SKILL": 0.6, "TITLE": 0.8}
# Loose P(O) thresholds giving the value filter its candidates, the filter's regularisation and the
# probability a value needs to be kept; all chosen by 5-fold cross-validation on the TRAIN split.
CANDIDATES = {"SKILL": 0.8, "TITLE": 0.9}
VALUE_C = 1.0
VALUE_THRESHOLDS = {"SKILL": 0.4, "TITLE": 0.4}
# The transformer ensemble (:mod:`.token_model`): its share of the averaged probabilities and the P(O)
# thresholds it decodes at, chosen by the whole-parser CV of ``--cv --token-models DIR`` on the train split.
ENSEMBLE = {"mix": 0.5, "o_threshold": {"SKILL": 0.6, "TITLE": 0.6}}
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


def out_of_fold(docs, thresholds: dict[str, float]) -> tuple[list[Tagger], list[list]]:
    """Tag every document with a model fitted on the other folds (fold = index mod 5).

    Returns:
        (the fold models, spans per document found at the given P(O) ``thresholds``).
    """
    models, spans = [], [None] * len(docs)
    for k in range(FOLDS):
        model = fit([d for j, d in enumerate(docs) if j % FOLDS != k])[0]
        models.append(model)
        for j, (_, text, _) in enumerate(docs):
            if j % FOLDS == k:
                spans[j] = model.spans(text, thresholds)
        print(f"fold {k} fitted", file=sys.stderr)
    return models, spans


def value_rows(docs, models: list[Tagger], spans: list[list]) -> list[tuple[int, str, dict, int]]:
    """(document index, kind, value features, 1 when the value matches a gold value) for every value the
    out-of-fold tagger found, in the CVs that annotate both kinds (see :func:`train_docs`).

    A value matches as in the lenient rule of :mod:`.evaluation` (equal or contained on word boundaries).
    """
    from .evaluation import _contains, norm

    rows = []
    for j, (_, text, gold_spans) in enumerate(docs):
        gold: dict[str, set[str]] = {"SKILL": set(), "TITLE": set()}
        for kind, s, e in gold_spans:
            gold[kind].add(norm(text[s:e]))
        if not (gold["SKILL"] and gold["TITLE"]):
            continue
        feats = value_features(text, spans[j], models[j % FOLDS].gazetteer_sets())
        for (kind, value), f in feats.items():
            v = norm(value)
            hit = any(v == g or _contains(v, g) or _contains(g, v) for g in gold[kind])
            rows.append((j, kind, f, int(hit)))
    return rows


def fit_value_filter(rows, thresholds: dict[str, float], C: float = VALUE_C) -> dict:
    """One logistic regression per kind over :func:`value_rows`; weights keyed by feature name (the
    intercept folded into the always-on feature "b"), with the probability ``thresholds`` to keep a value."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    out = {}
    for kind in ("SKILL", "TITLE"):
        mine = [r for r in rows if r[1] == kind]
        vec = DictVectorizer()
        X = vec.fit_transform([r[2] for r in mine])
        model = LogisticRegression(C=C, max_iter=2000).fit(X, [r[3] for r in mine])
        weights = {str(n): round(float(w), 4) for n, w in zip(vec.get_feature_names_out(), model.coef_[0])}
        weights["b"] = round(weights.get("b", 0.0) + float(model.intercept_[0]), 4)
        out[kind] = {"weights": weights, "threshold": thresholds[kind]}
    return out


def build(docs) -> Tagger:
    """The shipped tagger: fitted on all ``docs``, candidates at :data:`CANDIDATES`, value filter fitted on
    the out-of-fold tagger output of the same documents (stacking)."""
    models, spans = out_of_fold(docs, CANDIDATES)
    model = fit(docs)[0]
    model.o_threshold = dict(CANDIDATES)
    model.value_filter = fit_value_filter(value_rows(docs, models, spans), VALUE_THRESHOLDS)
    return model


def save(model: Tagger, path: Path, source: str) -> None:
    """Write the tagger as the gzipped JSON artefact :mod:`.tagger` loads (byte-stable: mtime 0)."""
    data = {
        "about": (
            "Resume span tagger (SKILL/TITLE, BIO) built by sophia_crew.engines.recruiting.tagger_build from "
            f"{source} (dotin-inc/resume-dataset-NER-annotations @ 052429f, CC0-1.0, TRAIN split only)."
        ),
        "labels": list(LABELS),
        "bias": model.bias,
        "weights": model.weights,
        "gazetteers": model.gazetteer_terms,
        "o_threshold": model.o_threshold,
        "value_filter": model.value_filter,
        "token_model": {**ENSEMBLE, "value_filter": None},
    }
    path.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":"), sort_keys=True).encode(), mtime=0))


def cross_validate(
    zip_path: Path, filter_grid=(0.35, 0.4, 0.45, 0.5), token_models: Path | None = None
) -> None:
    """5-fold lenient/strict scores of the full parser on the train split: the tagger alone (P(O) thresholds
    :data:`THRESHOLDS`) and with the value filter at each threshold of ``filter_grid``; with ``token_models``
    (a folder holding ``f0`` .. ``f4``, each built by ``token_model_build --fold k``), also the
    :data:`ENSEMBLE` of each fold's stage 1 and transformer.

    Fold k is tagged by a model fitted on the other folds; its value filter is fitted on the out-of-fold
    output of the other folds' documents. (Those documents were tagged by models that had seen fold k, a
    second-order leak that a nested cross-validation, five times slower, would remove.)
    """
    from .evaluation import evaluate, load_dotin
    from .tagger import use_tagger
    from .token_model import TokenModel

    docs = load_spans(zip_path)
    eval_docs = load_dotin(zip_path)
    models, spans = out_of_fold(docs, CANDIDATES)
    rows = value_rows(docs, models, spans)
    totals: dict = {}
    variants = [("tagger alone", None)] + [(f"+ value filter {t}", t) for t in filter_grid]
    if token_models is not None:
        variants.append((f"ensemble, mix {ENSEMBLE['mix']}", "ensemble"))
    for k in range(FOLDS):
        model = models[k]
        held_out = [d for j, d in enumerate(eval_docs) if j % FOLDS == k]
        for name, t in variants:
            if t == "ensemble":
                model.use_token_model(TokenModel(token_models / f"f{k}"), ENSEMBLE)
            else:
                model.o_threshold = dict(THRESHOLDS if t is None else CANDIDATES)
                model.value_filter = (
                    None
                    if t is None
                    else fit_value_filter([r for r in rows if r[0] % FOLDS != k], {"SKILL": t, "TITLE": t})
                )
            use_tagger(model)
            for lenient in (False, True):
                for etype, s in evaluate(held_out, lenient=lenient).items():
                    tally = totals.setdefault((name, etype, lenient), [0, 0, 0])
                    tally[0] += s.tp
                    tally[1] += s.n_pred
                    tally[2] += s.n_gold
        use_tagger(None)
        print(f"fold {k} scored", file=sys.stderr)
    for (name, etype, lenient), (tp, n_pred, n_gold) in sorted(totals.items()):
        p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:22} {etype:20} {'lenient' if lenient else 'strict ':8} P {p:.3f} R {r:.3f} F1 {f1:.3f}")


def main(argv: list[str]) -> None:
    from sophia_crew.errors import InputError

    if not argv or not Path(argv[0]).is_file():
        raise InputError(f"{argv[0] if argv else '(no path)'}: dotin train zip not found")
    zip_path = Path(argv[0])
    if "--cv" in argv:
        token_models = argv[argv.index("--token-models") + 1] if "--token-models" in argv else None
        cross_validate(zip_path, token_models=Path(token_models) if token_models else None)
        return
    from sophia_crew.resources import knowledge_path

    out = (
        Path(argv[argv.index("--out") + 1])
        if "--out" in argv
        else knowledge_path("recruiting", "resume_tagger.json.gz")
    )
    save(build(load_spans(zip_path)), out, zip_path.name)
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main(sys.argv[1:])
