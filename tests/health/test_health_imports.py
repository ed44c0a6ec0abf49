"""The health tools load without the training stack; artefacts pickled under the old module path still load."""

from __future__ import annotations

import pickle
import subprocess
import sys


def test_health_tools_and_engine_import_without_scikit_learn():
    code = ("import sys, sophia_crew.tools.health, sophia_crew.engines.health as h; "
            "assert 'sklearn' not in sys.modules, 'sklearn imported'; "
            "h.train_churn_model; assert 'sklearn' in sys.modules")  # the lazy export still works
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_derived_features_pickled_under_its_old_module_still_loads():
    from sophia_crew.engines.health.churn_transform import DerivedFeatures

    spec = ({"name": "x", "kind": "log1p", "column": "a"},)
    data = pickle.dumps(DerivedFeatures(spec), protocol=2)
    old = data.replace(b"sophia_crew.engines.health.churn_transform", b"sophia_crew.engines.health.churn_features")
    assert old != data
    loaded = pickle.loads(old)
    assert isinstance(loaded, DerivedFeatures) and loaded.specs == spec
