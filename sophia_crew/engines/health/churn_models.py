"""What a trained churn model is and says: metadata, metrics, per-account predictions with factors.

No scikit-learn here: tools and reports import these types without loading the training stack
(:mod:`.churn` fits, saves, loads and explains).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from .churn_features import ChurnMapping

if TYPE_CHECKING:
    import pandas as pd

ARTEFACT_FORMAT = "sophia-churn/1"


class ChurnMetrics(BaseModel):
    """Holdout metrics of a trained model (stratified split, fixed seed)."""

    roc_auc: float
    pr_auc: float
    brier: float
    base_rate: float
    n_train: int
    n_test: int


class ChurnModelMeta(BaseModel):
    """JSON metadata saved next to the joblib artefact."""

    artefact_format: str = ARTEFACT_FORMAT
    version: str
    mapping_name: str
    mapping: dict
    trained_at: str
    data_file: str
    data_sha256: str
    n_rows: int
    n_positive: int
    features: list[str]
    model_features: list[str]
    calibration: str
    design: str
    design_cv_roc_auc: dict[str, float] = Field(description="5-fold CV ROC-AUC of each design on the training rows")
    sklearn_version: str
    metrics: ChurnMetrics
    reference: dict[str, float | str | None] = Field(description="typical value per input column")
    ranges: dict[str, tuple[float, float]] = Field(default_factory=dict, description="training min/max per numeric")


class ChurnFactor(BaseModel):
    """One input's effect on one account's churn probability."""

    feature: str
    value: float | str | None
    typical: float | str | None
    effect: float = Field(description="probability points (x100) this value adds vs the typical value")
    text: str


class ChurnPrediction(BaseModel):
    """Calibrated churn probability of one account with its top risk-raising and risk-lowering factors."""

    account_id: str
    probability: float
    raises_risk: list[ChurnFactor]
    lowers_risk: list[ChurnFactor]
    warnings: list[str] = Field(default_factory=list, description="inputs outside what the model was trained on")


class ChurnModel:
    """A fitted pipeline with its mapping and metadata."""

    def __init__(self, pipeline: Any, mapping: ChurnMapping, meta: ChurnModelMeta):
        self.pipeline, self.mapping, self.meta = pipeline, mapping, meta  # pipeline: calibrated sklearn model

    def predict(self, features: pd.DataFrame, top: int = 3) -> list[ChurnPrediction]:
        """Probabilities and factors for rows indexed by account id with the mapping's input columns."""
        from .churn import predict_with_factors

        return predict_with_factors(self, features, top=top)
