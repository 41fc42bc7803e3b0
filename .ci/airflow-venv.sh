#!/usr/bin/env bash
# Create (once) the virtual environment with a real Airflow 3.3 that the tests start and parse
# DAGs with. Usage: .ci/airflow-venv.sh VENV_DIR
set -euo pipefail
venv="${1:?usage: airflow-venv.sh VENV_DIR}"
# One builder at a time (the test suite's two workers may both ask for it): the second waits.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if [ -x "$venv/bin/airflow" ] && "$venv/bin/python" -c "import airflow.sdk, papermill, numpy, pandas, pyarrow, s3fs, sklearn, jupytext" 2>/dev/null; then
    # The tests also run a Spark node on the workers (airflow-local start --spark adds the same).
    "$venv/bin/python" -c "import pyspark" 2>/dev/null || "$venv/bin/pip" install -q "pyspark>=4.0"
    echo "airflow venv ready: $venv"; exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q "apache-airflow==3.3.2" apache-airflow-providers-cncf-kubernetes \
    papermill ipykernel numpy pandas pyarrow fsspec s3fs scikit-learn jupytext "pyspark>=4.0" \
    apache-airflow-providers-celery redis
echo "airflow venv created: $venv"
