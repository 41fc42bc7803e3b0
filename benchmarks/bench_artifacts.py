"""What the artifact layer costs over the plain library calls it wraps (issue #11).

Prints, side by side in one run (medians of --repeat runs), three ratios:
- a 1,000,000 x 5 float DataFrame through ``store_output`` + ``load_input`` (local run folder)
  vs plain ``to_parquet`` + ``read_parquet``;
- a file artifact through the S3 store (moto's server on loopback) vs plain boto3
  ``upload_file`` + ``download_file`` (``--size`` MB, default 200; the issue's case is 1024).
  At 1024 MB on a busy machine this used to fail: s3fs waits only 15 s for each answer and then
  re-sends the request, and moto's server broke the multipart upload whose parts were sent
  twice ("seek of closed file" in complete_multipart_upload, then "The specified upload does
  not exist"); the layer now gives s3fs a 300 s read timeout (``S3_READ_TIMEOUT``);
- the 300,000-float list through the store vs ``json.dump`` + ``json.load``.
The layer adds hashing and a commit marker; a ratio near 1 means it costs what the I/O costs.
Run: python3 benchmarks/bench_artifacts.py [--size 1024] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from resources.runtime import stitchboard_artifacts as artifacts  # noqa: E402


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def frame_case(folder: Path, repeat: int) -> tuple[float, float]:
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(
        np.random.default_rng(0).normal(size=(1_000_000, 5)), columns=list("abcde")
    )
    plain_file = folder / "plain.parquet"

    def plain() -> object:
        frame.to_parquet(plain_file)
        return pd.read_parquet(plain_file)

    def layer() -> object:
        where = artifacts.Where(str(folder / "store"), ("dag", uuid.uuid4().hex, "task"))
        return artifacts.load_input(artifacts.store_output(frame, "data", where))

    return median_seconds(layer, repeat), median_seconds(plain, repeat)


def s3_case(folder: Path, size_mb: int, repeat: int) -> tuple[float, float]:
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        os.environ[name] = value
    try:
        client = boto3.client("s3", endpoint_url=endpoint)
        client.create_bucket(Bucket="bench")
        source = folder / "payload.bin"
        with open(source, "wb") as stream:
            for _ in range(size_mb):
                stream.write(os.urandom(1 << 20))

        def plain() -> object:
            key = f"plain/{uuid.uuid4().hex}"
            client.upload_file(str(source), "bench", key)
            client.download_file("bench", key, str(folder / "plain-copy.bin"))
            return client.delete_object(Bucket="bench", Key=key)

        def layer() -> object:
            run = uuid.uuid4().hex
            where = artifacts.Where("s3://bench/store", ("dag", run, "task"))
            ref = artifacts.store_output(source, "payload", where)
            got = artifacts.load_input(ref, local_dir=folder / "in" / run)
            got.unlink()
            return got

        return median_seconds(layer, repeat), median_seconds(plain, repeat)
    finally:
        server.stop()


def list_case(folder: Path, repeat: int) -> tuple[float, float]:
    values = [i / 7 for i in range(300_000)]
    plain_file = folder / "plain.json"

    def plain() -> object:
        with open(plain_file, "w", encoding="utf-8") as stream:
            json.dump(values, stream)
        with open(plain_file, encoding="utf-8") as stream:
            return json.load(stream)

    def layer() -> object:
        where = artifacts.Where(str(folder / "store"), ("dag", uuid.uuid4().hex, "task"))
        return artifacts.load_input(artifacts.store_output(values, "values", where))

    return median_seconds(layer, repeat), median_seconds(plain, repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200, help="file artifact size in MB")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-artifacts-") as tmp:
        folder = Path(tmp)
        rows = [
            ("1,000,000 x 5 DataFrame, local store", "to_parquet+read_parquet", frame_case(folder, args.repeat)),
            (f"{args.size} MB file, S3 store (moto)", "boto3 upload+download", s3_case(folder, args.size, args.repeat)),
            ("300,000-float list, local store", "json.dump+json.load", list_case(folder, args.repeat)),
        ]  # fmt: skip
    print(f"{'case':40} {'layer s':>9} {'plain s':>9} {'ratio':>6} {'thru':>5}  plain is")
    for case, baseline, (layer, plain) in rows:
        # thru: the layer's throughput as a share of the plain calls' (the issue's S3 aim: >= 50%)
        thru = f"{100 * plain / layer:4.0f}%"
        print(f"{case:40} {layer:9.3f} {plain:9.3f} {layer / plain:6.2f} {thru:>5}  {baseline}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
