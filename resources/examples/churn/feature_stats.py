"""Feature statistics on the GPU with RAPIDS cuDF, or with NumPy where cuDF is absent.

A Stitchboard script job: inputs arrive as --name=value options (JSON for lists and dicts);
outputs go, as one JSON object, to the file named by $STITCHBOARD_OUTPUTS.
"""

import argparse
import json
import os

import numpy as np

FEATURES = ["tenure_months", "monthly_charges", "support_calls", "contract_years"]

parser = argparse.ArgumentParser()
parser.add_argument("--train", type=json.loads, required=True, help="training split")
args = parser.parse_args()

X = np.array(args.train["X"], dtype=float)
y = np.array(args.train["y"], dtype=float)
try:
    import cudf

    frame = cudf.DataFrame(X, columns=FEATURES)
    frame["churned"] = y
    correlation = {name: float(frame[name].corr(frame["churned"])) for name in FEATURES}
    backend = "cudf"
except ImportError:
    correlation = {name: float(np.corrcoef(X[:, i], y)[0, 1]) for i, name in enumerate(FEATURES)}
    backend = "numpy"

stats = {
    "rows": int(len(y)),
    "churn_rate": round(float(y.mean()), 4),
    "correlation": {name: round(value, 4) for name, value in correlation.items()},
}
print(f"{backend}: strongest signal", max(correlation, key=lambda k: abs(correlation[k])))
with open(os.environ["STITCHBOARD_OUTPUTS"], "w", encoding="utf-8") as handle:
    json.dump({"feature_stats": stats, "backend": backend}, handle)
