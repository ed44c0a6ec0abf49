"""Calibrated churn model: mapping-driven scikit-learn pipeline, versioned artefact, per-account factors.

Model: one of three designs (plain logistic regression, logistic regression on spline-expanded numerics, or a
soft vote of the latter with a shallow HistGradientBoosting model), chosen per table by 5-fold CV ROC-AUC on the
training rows only, then wrapped in ``CalibratedClassifierCV`` (isotonic from 1,000 rows, sigmoid below, 5 folds).
On telco the CV picks the ensemble; on small tables the plain model usually wins (see ``bench/churn_eval.py``).

Factors: for each input column, the change in churn probability when that column alone is replaced by its
typical training value (median / most frequent). Positive = the account's value raises risk.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, VotingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, SplineTransformer, StandardScaler
from threadpoolctl import threadpool_limits

from sophia_crew.errors import InputError

from .churn_features import ChurnMapping, check_minimum, load_mapping, read_table
from .churn_models import (
    ARTEFACT_FORMAT,
    ChurnFactor,
    ChurnMetrics,
    ChurnModel,
    ChurnModelMeta,
    ChurnPrediction,
)
from .churn_transform import DerivedFeatures

DESIGNS = ("linear", "linear_spline", "ensemble")


def candidate_models(mapping: ChurnMapping, random_state: int = 0) -> dict[str, Pipeline | VotingClassifier]:
    """Uncalibrated candidate designs, simplest first.

    ``linear``: L2 logistic regression on median-imputed, scaled numerics + one-hot categoricals;
    ``linear_spline``: the same with cubic splines (5 knots) on the numerics;
    ``ensemble``: soft vote of ``linear_spline`` and a shallow HistGradientBoosting model.
    """
    numeric, categorical = mapping.model_numeric, mapping.model_categorical
    derived = tuple(d.model_dump() for d in mapping.derived)

    def cats():
        return make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                             OneHotEncoder(handle_unknown="ignore", sparse_output=False))

    def logistic(spline: bool) -> Pipeline:
        steps = [SimpleImputer(strategy="median")] + ([SplineTransformer(n_knots=5, degree=3)] if spline else [])
        prep = ColumnTransformer([("num", make_pipeline(*steps, StandardScaler()), numeric), ("cat", cats(), categorical)])
        return Pipeline([("derive", DerivedFeatures(derived)), ("prep", prep),
                         ("model", LogisticRegression(C=0.1, solver="newton-cholesky", max_iter=500))])

    trees = Pipeline([
        ("derive", DerivedFeatures(derived)),
        ("prep", ColumnTransformer([("num", SimpleImputer(strategy="median"), numeric), ("cat", cats(), categorical)])),
        ("model", HistGradientBoostingClassifier(learning_rate=0.05, max_depth=3, max_iter=200, l2_regularization=1.0,
                                                 random_state=random_state)),
    ])
    return {"linear": logistic(False), "linear_spline": logistic(True),
            "ensemble": VotingClassifier([("linear", logistic(True)), ("trees", trees)], voting="soft")}


def build_pipeline(mapping: ChurnMapping, n_rows: int, random_state: int = 0,
                   design: str = "ensemble") -> CalibratedClassifierCV:
    """One candidate design wrapped in 5-fold calibration (isotonic from 1,000 rows, sigmoid below)."""
    if design not in DESIGNS:
        raise InputError(f"design: unknown model design {design!r} (known: {', '.join(DESIGNS)})")
    method = "isotonic" if n_rows >= 1000 else "sigmoid"
    return CalibratedClassifierCV(candidate_models(mapping, random_state)[design], method=method, cv=5)


def select_design(X: pd.DataFrame, y: pd.Series, mapping: ChurnMapping, random_state: int = 0,
                  ) -> tuple[str, dict[str, float]]:
    """Pick the design with the best 5-fold CV ROC-AUC on the training rows (ties go to the simpler one)."""
    cv = StratifiedKFold(5, shuffle=True, random_state=random_state)
    scores: dict[str, float] = {}
    with threadpool_limits(limits=1):
        for name, est in candidate_models(mapping, random_state).items():
            scores[name] = round(float(cross_val_score(est, X, y, cv=cv, scoring="roc_auc").mean()), 4)
    best = max(DESIGNS, key=lambda d: (scores[d], -DESIGNS.index(d)))
    return best, scores


def fit_pipeline(X: pd.DataFrame, y: pd.Series, mapping: ChurnMapping, random_state: int = 0,
                 design: str = "auto"):
    """Fit the calibrated pipeline; ``design="auto"`` chooses it by :func:`select_design` on ``X``/``y`` only.

    The chosen design and the CV scores are stored on the returned estimator as ``design_`` / ``design_cv_``.
    """
    cv_scores: dict[str, float] = {}
    if design == "auto":
        design, cv_scores = select_design(X, y, mapping, random_state)
    # One native thread: OpenMP in HistGradientBoosting slows down 20x on a busy 2-core machine otherwise.
    with threadpool_limits(limits=1):
        fitted = build_pipeline(mapping, len(X), random_state, design).fit(X, y)
    fitted.design_, fitted.design_cv_ = design, cv_scores
    return fitted


def predict_proba(pipeline, X: pd.DataFrame) -> np.ndarray:
    """Churn probabilities (positive class) of a fitted pipeline, single-threaded like training."""
    with threadpool_limits(limits=1):
        return pipeline.predict_proba(X)[:, 1]


def evaluate(y_true, proba) -> dict[str, float]:
    """ROC-AUC, PR-AUC (average precision) and Brier score."""
    return {"roc_auc": float(roc_auc_score(y_true, proba)), "pr_auc": float(average_precision_score(y_true, proba)),
            "brier": float(brier_score_loss(y_true, proba))}


def _reference(X: pd.DataFrame, mapping: ChurnMapping) -> dict[str, float | str | None]:
    ref: dict[str, float | str | None] = {}
    for col in mapping.numeric:
        med = X[col].median()
        ref[col] = None if pd.isna(med) else float(med)
    for col in mapping.categorical:
        mode = X[col].mode(dropna=True)
        ref[col] = str(mode.iloc[0]) if len(mode) else None
    return ref


def train_churn_model(csv_path: str | Path, mapping: str | Path | ChurnMapping, *, holdout: float = 0.2,
                      random_state: int = 0) -> ChurnModel:
    """Train a calibrated churn model from a labelled CSV described by a mapping file.

    Metrics come from a stratified ``holdout`` split (seed ``random_state``); the returned model is then refit
    on all rows.

    Args:
        csv_path: the labelled table.
        mapping: a ChurnMapping, a YAML path, or a name under ``knowledge/churn_mappings/``.

    Raises:
        InputError: bad table (see :func:`read_table`) or less data than ``mapping.minimum``.
    """
    mapping = mapping if isinstance(mapping, ChurnMapping) else load_mapping(mapping)
    X, y = read_table(csv_path, mapping)
    check_minimum(y, mapping, str(csv_path))
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=holdout, stratify=y, random_state=random_state)
    held = fit_pipeline(X_tr, y_tr, mapping, random_state)
    scores = evaluate(y_te, predict_proba(held, X_te))
    # the design is chosen on the training part of the split, then refit on every row
    pipeline = fit_pipeline(X, y, mapping, random_state, design=held.design_)
    digest = hashlib.sha256(Path(csv_path).read_bytes()).hexdigest()
    now = datetime.now(UTC)
    meta = ChurnModelMeta(
        version=f"{mapping.name}-{now:%Y%m%dT%H%M%S}-{digest[:8]}", mapping_name=mapping.name,
        mapping=mapping.model_dump(mode="json"), trained_at=now.isoformat(timespec="seconds"),
        data_file=Path(csv_path).name, data_sha256=digest, n_rows=len(y), n_positive=int(y.sum()),
        features=mapping.raw_features, model_features=[*mapping.model_numeric, *mapping.model_categorical],
        calibration=pipeline.method, design=held.design_, design_cv_roc_auc=held.design_cv_,
        sklearn_version=sklearn.__version__,
        metrics=ChurnMetrics(**{k: round(v, 4) for k, v in scores.items()}, base_rate=round(float(y.mean()), 4),
                             n_train=len(y_tr), n_test=len(y_te)),
        reference=_reference(X, mapping),
        ranges={c: (float(X[c].min()), float(X[c].max())) for c in mapping.numeric if X[c].notna().any()},
    )
    return ChurnModel(pipeline, mapping, meta)


def save_churn_model(model: ChurnModel, directory: str | Path) -> Path:
    """Write ``<version>.joblib`` and ``<version>.json`` into ``directory``; returns the joblib path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{model.meta.version}.joblib"
    joblib.dump(model.pipeline, target)
    target.with_suffix(".json").write_text(model.meta.model_dump_json(indent=2), encoding="utf-8")
    return target


def load_churn_model(path: str | Path) -> ChurnModel:
    """Load an artefact saved by :func:`save_churn_model` (give the .joblib or the .json path).

    Raises:
        InputError: files missing, unknown format, or trained with another scikit-learn minor version.
    """
    path = Path(path)
    meta_path, model_path = path.with_suffix(".json"), path.with_suffix(".joblib")
    for p in (meta_path, model_path):
        if not p.is_file():
            raise InputError(f"{p}: churn model file not found")
    meta = ChurnModelMeta.model_validate_json(meta_path.read_text(encoding="utf-8"))
    if meta.artefact_format != ARTEFACT_FORMAT:
        raise InputError(f"{meta_path}: artefact_format: {meta.artefact_format!r}, expected {ARTEFACT_FORMAT!r}")
    if meta.sklearn_version.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise InputError(f"{meta_path}: sklearn_version: trained with scikit-learn {meta.sklearn_version}, "
                         f"running {sklearn.__version__}; retrain the model")
    return ChurnModel(joblib.load(model_path), ChurnMapping.model_validate(meta.mapping), meta)


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "missing"
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            return f"{int(value):,}"
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def predict_with_factors(model: ChurnModel, features: pd.DataFrame, top: int = 3) -> list[ChurnPrediction]:
    """Calibrated probabilities plus the ``top`` risk-raising / risk-lowering inputs per row."""
    cols = model.mapping.raw_features
    absent = [c for c in cols if c not in features.columns]
    if absent:
        raise InputError(f"churn features: missing column(s) {', '.join(absent)} (mapping {model.mapping.name})")
    X = features[cols]
    base = predict_proba(model.pipeline, X)
    # One batch: every row repeated once per column with that column set to its typical value.
    blocks = []
    for col in cols:
        swapped = X.copy()
        swapped[col] = model.meta.reference.get(col)
        blocks.append(swapped)
    occluded = predict_proba(model.pipeline, pd.concat(blocks)).reshape(len(cols), len(X))
    out = []
    for i, account_id in enumerate(X.index):
        factors = []
        for j, col in enumerate(cols):
            effect = round(float(base[i] - occluded[j, i]) * 100, 1)
            if abs(effect) < 0.5:
                continue
            value = X.iloc[i][col]
            value = None if pd.isna(value) else (float(value) if col in model.mapping.numeric else str(value))
            typical = model.meta.reference.get(col)
            verb = "raises" if effect > 0 else "lowers"
            factors.append(ChurnFactor(feature=col, value=value, typical=typical, effect=effect,
                                       text=f"{col} = {_fmt(value)} {verb} risk ({effect:+.1f} pts vs typical "
                                            f"{_fmt(typical)})"))
        factors.sort(key=lambda f: -abs(f.effect))
        warnings = []
        for col, (low, high) in model.meta.ranges.items():
            value = X.iloc[i][col]
            if pd.notna(value) and not low <= value <= high:
                side = "above" if value > high else "below"
                warnings.append(f"{col} = {_fmt(float(value))} is {side} the training range "
                                f"({_fmt(low)}-{_fmt(high)}); its effect is an extrapolation")
        out.append(ChurnPrediction(account_id=str(account_id), probability=round(float(base[i]), 4),
                                   raises_risk=[f for f in factors if f.effect > 0][:top],
                                   lowers_risk=[f for f in factors if f.effect < 0][:top], warnings=warnings))
    return out
