"""Feature statistics on the GPU with RAPIDS cuDF, or with NumPy where cuDF is absent.

A Stitchboard script job: inputs arrive as --name=value options (JSON for lists and dicts; an
artifact such as the training DataFrame arrives as the path of its file, here a Parquet file);
outputs go, as one JSON object, to the file named by $STITCHBOARD_OUTPUTS.
"""

import argparse
import json
import os

import numpy as np

FEATURES = ["tenure_months", "monthly_charges", "support_calls", "contract_years"]

parser = argparse.ArgumentParser()
parser.add_argument("--train", required=True, help="training table (a Parquet file)")
args = parser.parse_args()

try:
    import cudf

    frame = cudf.read_parquet(args.train)
    y = frame["churned"].to_numpy().astype(float)
    correlation = {name: float(frame[name].corr(frame["churned"])) for name in FEATURES}
    backend = "cudf"
except ImportError:
    import pandas as pd

    table = pd.read_parquet(args.train)
    X, y = table[FEATURES].to_numpy(dtype=float), table["churned"].to_numpy(dtype=float)
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
