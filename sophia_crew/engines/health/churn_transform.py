"""The derived-features step of the churn pipeline (a scikit-learn transformer over the mapping's specs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .churn_features import DerivedSpec


class DerivedFeatures(BaseEstimator, TransformerMixin):
    """Adds the mapping's derived columns to a DataFrame (inside the pipeline, so explanations propagate)."""

    def __init__(self, specs: tuple = ()):
        self.specs = specs

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        out = X.copy()
        for raw in self.specs:
            spec = DerivedSpec.model_validate(raw)
            if spec.kind == "ratio":
                den = out[spec.denominator].astype(float).clip(lower=spec.min_denominator)
                out[spec.name] = out[spec.numerator].astype(float) / den
            elif spec.kind == "difference":
                out[spec.name] = out[spec.left].astype(float) - out[spec.right].astype(float)
            elif spec.kind == "log1p":
                out[spec.name] = np.log1p(out[spec.column].astype(float).clip(lower=0))
            elif spec.kind == "count_equal":
                out[spec.name] = (out[list(spec.columns)] == spec.value).sum(axis=1).astype(float)
            else:
                edges = [-np.inf, *spec.edges, np.inf]
                binned = pd.cut(out[spec.column].astype(float), edges, right=True)
                out[spec.name] = binned.astype(str).where(binned.notna(), np.nan).astype(object)
        return out
