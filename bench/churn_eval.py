"""Churn model benchmark on the IBM Telco sample: our calibrated pipeline vs two plain baselines, one run.

    /work/venv/bin/python bench/churn_eval.py [path/to/ibm_telco_customer_churn.csv]

Stratified 80/20 split with random_state=0. Every model is fitted on the 80% train split only; our pipeline picks
its design by 5-fold CV on that train split (printed here), never looking at the test split.
Baselines: logistic regression on one-hot + standard-scaled inputs, and HistGradientBoosting (defaults) on
one-hot inputs. Both read the same validated table (TotalCharges blank -> 0, see the telco mapping).
The test split has only 1,409 rows, so the run also prints a bootstrap 95% interval of our test ROC-AUC and of its
paired difference to each baseline (same resampled rows for both models): differences of a few thousandths are noise.

Tried against the 0.86 goal (2026-11-25; selection by 5-fold CV on the train split only; CV = pooled out-of-fold
ROC-AUC, test = the 20% split; none of these was adopted because none beats the current ensemble on CV):
  logistic on splines + log1p(tenure), log1p(TotalCharges)      CV .8464-.8472  test .8588-.8592
  + category crosses (Contract x InternetService / PaymentMethod / tenure bucket, InternetService x tenure bucket)
                                                                 CV .8451-.8460  test .8571-.8586
  + all pairwise interactions (C .001-.01)                       CV .8303-.8419  test .8395-.8509
  HistGradientBoosting native categoricals / TargetEncoder, tenure monotone, early stopping, slow/shallow
                                                                 CV .8471-.8484  test .8480-.8520
  + price residual (MonthlyCharges minus a linear fit on the services) or tenure-spline x Contract/InternetService
                                                                 CV .8463-.8471  test .8562-.8591
  bagged small MLP (alpha 3, 10); RBF (Nystroem) logistic        CV .8429-.8461  test .8525-.8567
  averages logistic + HGB (weights .3-.9) or + MLP               CV .8470-.8491  test .8523-.8589
  current ensemble uncalibrated / sigmoid / isotonic (5-fold)    CV .8489/.8489/.8474 (Brier .1334/.1345/.1338)
                                                                 test .8556/.8557/.8557 (Brier .1318/.1332/.1318)
CV prefers the 50/50 average (the current ensemble), the test split prefers logistic alone; the gap is within
the test-split noise printed below. No honest choice reached 0.86 on this split.

Third round (2026-11-25, issue #6): repeated stratified 5-fold x 2 (seed 42) on the same 5,634 train rows; mean fold
ROC-AUC / mean fold Brier, uncalibrated; "d" = paired difference to the current ensemble on the same folds (its
standard error is ~.0003-.0006, optimistic since repeated folds overlap). CatBoost 1.2.10 and interpret-core 0.7.8
were tried from a scratch directory, not installed in the project's environment.
  current ensemble (spline logistic + shallow HGB, 50/50)        CV .8477  Brier .1339   (reference)
  spline logistic alone / shallow HGB alone                      CV .8460 / .8459        d -.0017 / -.0018
  CatBoost (ordered target statistics) depth 4, lr .03, 800 it   CV .8470  Brier .1343   d -.0007
    depth 4, lr .02, 500 it, l2 5 / depth 6, lr .02, 800 it, l2 10
                                                                 CV .8476 / .8467        11-28 s per fit
  EBM (interpret) defaults / 4 bags + 10 pairs / no pairs (GAM)  CV .8471 / .8477 / .8471 (116 / 18 / 5 s per fit)
  spline logistic + spline x one-hot crosses (tenure x Contract, MonthlyCharges x InternetService [, tenure x
    InternetService, tenure x PaymentMethod]), C .1 / .1 / .03   CV .8461 / .8455 / .8465
  random forest (leaf 20) / extra trees                          CV .8452 / .8400
  equal-weight averages: spline logistic + CatBoost .8476; + EBM .8476; + HGB + CatBoost .8481; + HGB + EBM .8482;
    + EBM + CatBoost .8483; all four .8484 (Brier .1335); EBM + CatBoost .8485 (Brier .1335, d +.0008);
    spline logistic + HGB + random forest .8480 (best without new packages, d +.0003)
  stacking (spline logistic + HGB, logistic meta-model on 5-fold out-of-fold probabilities)
                                                                 CV .8476  Brier .1352   d -.0001
Finalists (5-fold isotonic calibration as in the pipeline, fitted on the train split, test split scored once each;
these are all the test scores looked at in this round):
  EBM + CatBoost (best CV)                          test ROC-AUC .8555  PR-AUC .6685  Brier .1315  (111 s to train)
  spline logistic + HGB + random forest             test ROC-AUC .8543  PR-AUC .6635  Brier .1322  (95 s)
  current ensemble, for comparison                  test ROC-AUC .8557  PR-AUC .665   Brier .1318
Not adopted: the best CV gain (+.0008) is within fold noise, needs two new dependencies and 20-40x the training time
(the tests' 20 s budget; times above are on a busy 2-core machine) and does not move the test split. The best
variants of all three rounds sit at CV .847-.849 and none reached 0.86 on the test split; the goal stays unmet.

Fourth round (2026-11-25, issue #6): repeated stratified 5-fold x 3 (seed 42, 15 folds) on the 5,634 train rows;
mean fold ROC-AUC, uncalibrated; "d" = paired difference to the current ensemble on the same folds with its naive
SE and the Nadeau-Bengio corrected SE ("NB", which allows for overlapping training sets); "ens" = 50/50 average
with the current HGB (for logistic variants) or with the current spline logistic (for tree variants).
Scikit-learn only; no new dependency.
  current ensemble (reference)                                   CV .8481  Brier .1338
  spline logistic alone / HGB alone                              CV .8460 / .8466        d -.0021 / -.0015
  features (ens; spline logistic alone):
    without the mapping's 4 derived features                     ens .8483 (d +.0003, NB .0006); alone .8467
    + TotalCharges - tenure x MonthlyCharges                     ens .8477 (d -.0004); alone .8450
    + TotalCharges / (tenure x MonthlyCharges)                   ens .8479 (d -.0002); alone .8456
    + both / + both and a tenure <= 1 flag                       ens .8475 / .8476
    + tenure <= 1 flag / + count of "Yes" over all categoricals  ens .8482 / .8477
  combination of the two current models: rank average / logit average / weights .3-.7
                                                                 CV .8481 / .8481 / .8477-.8481
  HGB: 5 or 10 seeds with max_features .6/.5 / 5 bootstrap bags  alone .8473-.8475; ens .8482-.8484 (d <= +.0003)
    monotone: tenure (-) / tenure (-), Contract one-hot (M2M +, two year -)
                                                                 ens .8481 / .8476
    random search, 20 configs (lr .02-.08, depth 2-5, 150-500 it, l2 0-10, leaf 20-200)
                                                                 alone .8313-.8481; ens .8443-.8486
  L1 logistic on splines + all 1,540 pairwise products (liblinear), C .005/.01/.02/.05/.1
                                                                 alone .8387/.8452/.8472/.8452/.8395
                                                                 + HGB .8475/.8485/.8488/.8480/.8459
    elastic-net (saga, l1_ratio .5) C .02 / .05                  alone .8464 / .8398; + HGB .8483 / .8460 (35-68 s)
  GAM-like: spline logistic + spline x spline tensor (tenure x MonthlyCharges), 4-6 knots, C .1/.03
                                                                 alone .8446-.8455; ens .8476-.8479
    + second tensor tenure x TotalCharges                        alone .8457; ens .8479
  spline logistic 4 / 7 / 10 knots                               ens .8485 / .8480 / .8480
  spline logistic C .03 / .3 / 1                                 ens .8483 / .8478 / .8476
  RBF SVM (exact kernel) C .3 / 1                                alone .8077 / .8024; + both current .8464 / .8467
  three-way averages (best of round 4; same figures on a fresh fold partition, seed 7, in brackets):
    spline logistic + HGB + L1 crosses C .02                     CV .8488  d +.0007 (se .0002, NB .0005) [+.0008]
    spline logistic 4 knots + HGB x10 seeds + L1 crosses         CV .8490  d +.0009 (se .0003, NB .0007) [+.0010]
    L1 crosses + HGB x10 seeds                                   CV .8489  d +.0009 (se .0004, NB .0009) [+.0010]
Finalists (5-fold isotonic calibration as in the pipeline, fitted on the train split; the only two test looks of
this round; paired bootstrap 95% interval of the test ROC-AUC difference to the current ensemble):
  F1 spline logistic + HGB + L1 crosses        test ROC-AUC .8554  PR-AUC .6686  Brier .1320  diff -.0018..+.0014
  F2 spline logistic 4 knots + HGB x10 + L1 crosses (best CV)
                                               test ROC-AUC .8557  PR-AUC .6700  Brier .1316  diff -.0019..+.0020
  current ensemble, for comparison             test ROC-AUC .8557  PR-AUC .6654  Brier .1318
Not adopted: the best CV gain (+.0009) is about one to two corrected standard errors, is the maximum over ~65
variants (so biased upwards), does not show on the test split, and costs 3-10x the training time (the health
tests' 40 s budget). Across four rounds every model family (logistic with splines/crosses/tensors, L1, HGB, RF,
CatBoost, EBM, MLP, SVM, stacking) tops out at CV .848-.849. The test ROC-AUC of one 1,409-row split has a
bootstrap 95% interval of about .834-.876 and a fold-to-fold spread of ~.008 (sd, scaled to 1,409 rows); the
current .8557 already sits ~.008 above its CV mean. Reaching .86 would need a paired test gain of +.0043, four to
five times the largest CV gain found; 0.86 is not reachable on this split with honest selection.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from sophia_crew.engines.health.churn import evaluate, fit_pipeline, predict_proba
from sophia_crew.engines.health.churn_features import load_mapping, read_table

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "churn" / "ibm_telco_customer_churn.csv"


def baselines(mapping):
    """The two plain baselines of the issue, keyed by display name."""
    onehot = make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                           OneHotEncoder(handle_unknown="ignore", sparse_output=False))
    # Median imputation only matters for tables with blank numerics (telco has none after blank_as).
    lr = make_pipeline(ColumnTransformer([("n", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                                           mapping.numeric),
                                          ("c", onehot, mapping.categorical)]),
                       LogisticRegression(max_iter=1000))
    gb = make_pipeline(ColumnTransformer([("n", "passthrough", mapping.numeric),
                                          ("c", onehot, mapping.categorical)]),
                       HistGradientBoostingClassifier(random_state=0))
    return {"baseline logistic (one-hot+scale)": lr, "baseline gradient boosting": gb}


def main(path: Path) -> int:
    if not path.is_file():
        print(f"data not found: {path}")
        return 1
    mapping = load_mapping("telco")
    X, y = read_table(path, mapping)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
    print(f"telco: {len(X)} rows, churn rate {y.mean():.3f}; train {len(X_tr)}, test {len(X_te)} (seed 0)")
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    rows, test_proba = [], []
    for name, model in baselines(mapping).items():
        started = time.perf_counter()
        with threadpool_limits(limits=1):
            cv_auc = cross_val_score(model, X_tr, y_tr, cv=cv, scoring="roc_auc").mean()
            fitted = model.fit(X_tr, y_tr)
        test_proba.append(predict_proba(fitted, X_te))
        rows.append((name, cv_auc, evaluate(y_te, test_proba[-1]), time.perf_counter() - started))
    started = time.perf_counter()
    ours = fit_pipeline(X_tr, y_tr, mapping)  # design chosen by 5-fold CV on X_tr only
    test_proba.append(predict_proba(ours, X_te))
    rows.append((f"ours ({ours.design_}, calibrated {ours.method})", ours.design_cv_[ours.design_],
                 evaluate(y_te, test_proba[-1]), time.perf_counter() - started))
    print("design selection, 5-fold CV ROC-AUC on the train split (uncalibrated): "
          + ", ".join(f"{k} {v:.4f}" for k, v in ours.design_cv_.items()))
    print(f"\n{'model':38s} {'train-CV ROC-AUC':>16s} {'ROC-AUC':>8s} {'PR-AUC':>7s} {'Brier':>7s} {'secs':>6s}")
    for name, cv_auc, s, secs in rows:
        print(f"{name:38s} {cv_auc:16.4f} {s['roc_auc']:8.4f} {s['pr_auc']:7.4f} {s['brier']:7.4f} {secs:6.1f}")
    ours = rows[-1][2]
    best_auc = max(r[2]["roc_auc"] for r in rows[:-1])
    best_brier = min(r[2]["brier"] for r in rows[:-1])
    print(f"\nours - best baseline: ROC-AUC {ours['roc_auc'] - best_auc:+.4f}, Brier {ours['brier'] - best_brier:+.4f}"
          f" (lower Brier is better)")
    print(f"goal ROC-AUC >= 0.86: {'met' if ours['roc_auc'] >= 0.86 else 'NOT met'}; "
          f"beats both baselines on ROC-AUC: {ours['roc_auc'] > best_auc}; on Brier: {ours['brier'] < best_brier}")
    print(test_noise(y_te.to_numpy(), test_proba, [r[0] for r in rows]))
    second_table()
    return 0


def test_noise(y, probas, names, reps: int = 1000) -> str:
    """Bootstrap 95% intervals over test rows: our ROC-AUC, and ours minus each baseline (paired resamples)."""
    rng = np.random.default_rng(0)
    ours, diffs = [], [[] for _ in probas[:-1]]
    for _ in range(reps):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].min() == y[idx].max():
            continue
        auc = roc_auc_score(y[idx], probas[-1][idx])
        ours.append(auc)
        for d, p in zip(diffs, probas[:-1]):
            d.append(auc - roc_auc_score(y[idx], p[idx]))
    lines = [f"\ntest-split noise ({reps} bootstrap resamples of the test rows, 95% intervals):",
             f"  ours ROC-AUC {np.percentile(ours, 2.5):.4f} .. {np.percentile(ours, 97.5):.4f}"]
    lines += [f"  ours - {name}: {np.percentile(d, 2.5):+.4f} .. {np.percentile(d, 97.5):+.4f}"
              for name, d in zip(names[:-1], diffs)]
    return "\n".join(lines)


def second_table() -> None:
    """Same pipeline on the demo tenant's churn_history.csv via knowledge/churn_mappings/payready.yaml."""
    from sophia_crew.resources import demo_path

    path = demo_path("churn_history.csv")
    if not path.is_file():
        print(f"\nsecond table skipped: {path} not found")
        return
    mapping = load_mapping("payready")
    X, y = read_table(path, mapping)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
    print(f"\nsecond table (payready mapping, other column names): {len(X)} rows, churn rate {y.mean():.3f}")
    for name, model in {**baselines(mapping), "ours": None}.items():
        with threadpool_limits(limits=1):
            fitted = fit_pipeline(X_tr, y_tr, mapping) if model is None else model.fit(X_tr, y_tr)
        if model is None:
            name = f"ours ({fitted.design_}, calibrated {fitted.method})"
        s = evaluate(y_te, predict_proba(fitted, X_te))
        print(f"{name:38s} {'':16s} {s['roc_auc']:8.4f} {s['pr_auc']:7.4f} {s['brier']:7.4f}")


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
