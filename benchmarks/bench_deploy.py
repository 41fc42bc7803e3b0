"""Deploy start -> DAG visible and unpaused, on an Airflow with default settings.

Compared with the baseline measured in the same run: drop a new DAG file into the folder and
wait for Airflow's regular folder scan (``refresh_interval``, 300 s by default) to find it.

    STITCHBOARD_AIRFLOW_VENV=... python3 benchmarks/bench_deploy.py [--skip-baseline]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.deploy import AirflowApi, deploy, deploy_bundle  # noqa: E402
from app.deploy.local import LocalAirflow  # noqa: E402
from exporters.airflow import Bundle  # noqa: E402
from graph_editor import fileformat  # noqa: E402

TINY = """from airflow.sdk import DAG
from airflow.providers.standard.operators.empty import EmptyOperator

with DAG(dag_id="{dag_id}", schedule=None):
    EmptyOperator(task_id="only")
"""


def timed_deploy(events: object) -> float:
    start = time.perf_counter()
    for _ in events:  # type: ignore[attr-defined]
        pass
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-baseline",
        action="store_true",
        help="do not wait for the folder scan (it takes up to 5 minutes)",
    )
    parser.add_argument("--baseline-timeout", type=float, default=330.0)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-deploy-"))
    local = LocalAirflow(home=work / "home")
    # Airflow's defaults everywhere (airflow-local lowers this one for laptops).
    local.extra_env["AIRFLOW__CORE__MIN_SERIALIZED_DAG_UPDATE_INTERVAL"] = "30"
    try:
        t0 = time.perf_counter()
        local.start(timeout=240)
        print(f"airflow standalone healthy after {time.perf_counter() - t0:.1f} s")
        profile = local.profile()
        example = work / "churn"
        shutil.copytree(REPO / "resources" / "examples" / "churn", example)
        pipeline = fileformat.load(example / "churn.stitch")

        first = timed_deploy(deploy(pipeline, profile))
        api = AirflowApi(profile)
        assert api.dag("customer_churn").is_paused is False
        again = timed_deploy(deploy(pipeline, profile))
        text = TINY.format(dag_id="bench_tiny")
        tiny = timed_deploy(
            deploy_bundle(
                Bundle("bench_tiny", "bench_tiny.py", text, {"bench_tiny.py": text.encode()}),
                profile,
            )
        )
        print(f"deploy example (new DAG)   -> visible+unpaused: {first:6.2f} s")
        print(f"deploy example (unchanged) -> visible+unpaused: {again:6.2f} s")
        print(f"deploy tiny DAG (new)      -> visible+unpaused: {tiny:6.2f} s")

        if args.skip_baseline:
            return 0
        path = local.dags_folder / "bench_plain.py"
        start = time.perf_counter()
        path.write_text(TINY.format(dag_id="bench_plain"), encoding="utf-8")
        while api.dag("bench_plain") is None:
            if time.perf_counter() - start > args.baseline_timeout:
                print(f"baseline: not visible after {args.baseline_timeout:.0f} s")
                return 0
            time.sleep(1.0)
        plain = time.perf_counter() - start
        print(f"baseline: plain file, wait for folder scan -> visible (paused): {plain:6.1f} s")
        print(f"ratio baseline / deploy (new DAG): {plain / first:6.1f}x")
        return 0
    finally:
        local.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
