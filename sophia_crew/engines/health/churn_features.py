"""Churn table mapping (YAML), strict table reading, and declarative derived features.

A mapping file says which column is the id, which is the label (and its positive value), which columns are
numeric or categorical features, how blank numeric cells are filled, and which derived features to add
(ratios, differences, bins, counts). A new table therefore needs a new YAML file, not new code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sophia_crew.errors import InputError
from sophia_crew.resources import knowledge_path

from .scorecard import load_yaml_model

if TYPE_CHECKING:
    import pandas as pd


class LabelSpec(BaseModel):
    """Label column and the value meaning "churned"; with ``negative`` set, any other value is an error."""

    model_config = ConfigDict(extra="forbid")
    column: str
    positive: str
    negative: str | None = None


class DerivedSpec(BaseModel):
    """One derived feature.

    kinds: ``ratio`` (numerator / max(denominator, min_denominator)), ``difference`` (left - right),
    ``bins`` (categorical bucket of ``column`` by ``edges``), ``count_equal`` (how many of ``columns`` equal
    ``value``), ``log1p`` (log(1 + max(column, 0))).
    """

    model_config = ConfigDict(extra="forbid")
    name: str
    kind: Literal["ratio", "difference", "bins", "count_equal", "log1p"]
    numerator: str | None = None
    denominator: str | None = None
    min_denominator: float = 1.0
    left: str | None = None
    right: str | None = None
    column: str | None = None
    edges: list[float] | None = None
    columns: list[str] | None = None
    value: str | None = None

    @model_validator(mode="after")
    def _fields(self) -> DerivedSpec:
        need = {"ratio": ["numerator", "denominator"], "difference": ["left", "right"],
                "bins": ["column", "edges"], "count_equal": ["columns", "value"], "log1p": ["column"]}[self.kind]
        absent = [f for f in need if getattr(self, f) is None]
        if absent:
            raise ValueError(f"derived {self.name!r} ({self.kind}) needs {', '.join(absent)}")
        return self

    @property
    def inputs(self) -> list[str]:
        """Columns this feature reads."""
        return [c for c in (self.numerator, self.denominator, self.left, self.right, self.column) if c] + list(
            self.columns or [])

    @property
    def is_categorical(self) -> bool:
        return self.kind == "bins"


class MinimumData(BaseModel):
    """Training refuses below these counts (5-fold calibration needs each class in every fold)."""

    model_config = ConfigDict(extra="forbid")
    rows: int = Field(default=200, ge=10)
    per_class: int = Field(default=30, ge=5)


class ChurnMapping(BaseModel):
    """A churn table mapping file (``knowledge/churn_mappings/*.yaml``)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    id_column: str
    label: LabelSpec
    numeric: list[str] = Field(default_factory=list)
    categorical: list[str] = Field(default_factory=list)
    blank_as: dict[str, float] = Field(default_factory=dict)
    derived: list[DerivedSpec] = Field(default_factory=list)
    minimum: MinimumData = Field(default_factory=MinimumData)
    tenant_features: dict[str, str] = Field(
        default_factory=dict, description="model column -> tenant churn-feature name, for scoring live accounts")

    @model_validator(mode="after")
    def _consistent(self) -> ChurnMapping:
        if not self.numeric and not self.categorical:
            raise ValueError("at least one numeric or categorical feature is needed")
        overlap = set(self.numeric) & set(self.categorical)
        if overlap:
            raise ValueError(f"column(s) both numeric and categorical: {', '.join(sorted(overlap))}")
        known = set(self.numeric) | set(self.categorical)
        for i, spec in enumerate(self.derived):
            unknown = [c for c in spec.inputs if c not in known]
            if unknown:
                raise ValueError(f"derived.{i}.inputs: unknown column(s) {', '.join(unknown)} for {spec.name!r}")
            known.add(spec.name)
        for col in self.blank_as:
            if col not in self.numeric:
                raise ValueError(f"blank_as.{col}: not a numeric feature")
        return self

    @property
    def raw_features(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    @property
    def model_numeric(self) -> list[str]:
        return [*self.numeric, *(d.name for d in self.derived if not d.is_categorical)]

    @property
    def model_categorical(self) -> list[str]:
        return [*self.categorical, *(d.name for d in self.derived if d.is_categorical)]


def load_mapping(mapping: str | Path) -> ChurnMapping:
    """Load a mapping by file path or by name under ``knowledge/churn_mappings/`` (``"telco"``)."""
    path = Path(mapping)
    if not path.suffix and not path.exists():
        path = knowledge_path("churn_mappings", f"{mapping}.yaml")
    return load_yaml_model(path, ChurnMapping, "churn mapping")


def read_table(csv_path: str | Path, mapping: ChurnMapping, *, require_label: bool = True,
               ) -> tuple[pd.DataFrame, pd.Series | None]:
    """Read and validate a churn table.

    Blank cells: in ``blank_as`` columns they become the given value (telco's TotalCharges is blank only for
    customers with tenure 0, i.e. nothing billed yet, so 0); elsewhere they become missing and the model
    imputes them (median / "missing" category).

    Returns:
        ``(features indexed by id, label 0/1 or None)``.

    Raises:
        InputError: empty file, missing columns, bad label values, non-numeric values, duplicated ids.
    """
    # pandas loads here, not with the mapping models: tools and the MCP tool table import those
    import numpy as np
    import pandas as pd

    path = Path(csv_path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: file is empty") from None
    if frame.empty:
        raise InputError(f"{path}: no data rows")
    needed = [mapping.id_column, *mapping.raw_features] + ([mapping.label.column] if require_label else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        what = "label column" if missing == [mapping.label.column] else "column(s)"
        raise InputError(f"{path}: {what} {', '.join(missing)} not found (mapping {mapping.name}; "
                         f"columns: {', '.join(frame.columns[:12])})")
    frame = frame.apply(lambda s: s.str.strip())
    ids = frame[mapping.id_column]
    if (ids == "").any():
        raise InputError(f"{path}: {mapping.id_column}: empty id on line {int(np.argmax(ids == '')) + 2}")
    dup = ids[ids.duplicated(keep=False)]
    if len(dup):
        lines = [int(i) + 2 for i in dup.index[dup == dup.iloc[0]][:2]]
        raise InputError(f"{path}: {mapping.id_column}: duplicated id {dup.iloc[0]!r} (lines {lines[0]} and {lines[1]})")
    features = pd.DataFrame(index=pd.Index(ids, name=mapping.id_column))
    for col in mapping.numeric:
        raw = frame[col].replace("", np.nan)
        if col in mapping.blank_as:
            raw = raw.fillna(str(mapping.blank_as[col]))
        values = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & values.isna()
        if bad.any():
            first = int(np.argmax(bad.to_numpy()))
            raise InputError(f"{path}: {col}: non-numeric value {frame[col].iloc[first]!r} on line {first + 2} "
                             f"(numeric feature in mapping {mapping.name})")
        if require_label and values.isna().all():
            raise InputError(f"{path}: {col}: every value is blank; drop it from mapping {mapping.name}")
        features[col] = values.to_numpy(dtype=float)
    for col in mapping.categorical:
        features[col] = frame[col].replace("", np.nan).to_numpy(dtype=object)
    if not require_label:
        return features, None
    label = frame[mapping.label.column]
    if mapping.label.negative is not None:
        bad = ~label.isin([mapping.label.positive, mapping.label.negative])
        if bad.any():
            first = int(np.argmax(bad.to_numpy()))
            raise InputError(f"{path}: {mapping.label.column}: value {label.iloc[first]!r} on line {first + 2} is "
                             f"neither {mapping.label.positive!r} nor {mapping.label.negative!r}")
    elif (label == "").any():
        raise InputError(f"{path}: {mapping.label.column}: empty label on line {int(np.argmax(label == '')) + 2}")
    y = pd.Series((label == mapping.label.positive).astype(int).to_numpy(), index=features.index, name="label")
    return features, y


def check_minimum(y: pd.Series, mapping: ChurnMapping, source: str) -> None:
    """Refuse to train below the mapping's minimum data, saying why."""
    pos, n = int(y.sum()), len(y)
    neg = n - pos
    if pos == 0 or neg == 0:
        what = "none is" if pos == 0 else "all are"
        raise InputError(f"{source}: {mapping.label.column}: all {n} rows are one class ({what} "
                         f"{mapping.label.positive!r}); a churn model needs both churned and retained examples")
    m = mapping.minimum
    if n < m.rows or min(pos, neg) < m.per_class:
        raise InputError(
            f"{source}: too little data to train: {n} rows ({pos} churned, {neg} retained); need >= {m.rows} rows "
            f"and >= {m.per_class} of each class (5-fold calibration needs every class in every fold, and "
            "fewer examples give unstable probabilities)")


def __getattr__(name: str):
    # Artefacts pickled before DerivedFeatures moved to .churn_transform name it here; loading one must not need
    # scikit-learn imported by everyone who reads a mapping.
    if name == "DerivedFeatures":
        from .churn_transform import DerivedFeatures

        return DerivedFeatures
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
