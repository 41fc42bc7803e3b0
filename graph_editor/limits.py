"""The numeric limits Airflow, Python and Kubernetes put on a pipeline's values, measured.

Validation compares against these so that a pipeline that passes it also imports, schedules and
runs; each constant says where the limit comes from and how it was measured.
"""

from __future__ import annotations

import math
from typing import Any

# Airflow stores max_active_runs (DagModel) and a task's retries (TaskInstance.max_tries) in
# SQLAlchemy ``Integer`` columns: 32-bit on PostgreSQL and MySQL (the metadata databases of a
# real deployment). SQLite takes 64 bits, and past 2**63 the DAG processor crashes.
DB_INTEGER_MAX = 2**31 - 1

# Airflow's task timeout is ``signal.setitimer``, which Python converts to int64 nanoseconds:
# measured OverflowError ("timestamp out of range for platform time_t") from 9,223,372,037 s.
# A retry delay is added to the failed try's end date (``TaskInstance.next_retry_datetime``);
# ``datetime.timedelta`` overflows at 8.64e13 s and the sum passes ``datetime.max`` from about
# 2.5e11 s today. One bound (about 292 years) keeps both clear of every overflow.
SECONDS_MAX = 2**63 // 10**9 - 1

# CPython's tokenizer refuses more than 200 nested brackets ("too many nested parentheses",
# MAXLEVEL): measured on the generated DAG, a parameter default fails at 200 levels and parses at
# 195. The DAG module wraps a value in up to 6 brackets (operator call, op_kwargs, job, node,
# values); the rest of the margin leaves the exporter room to change its layout.
VALUE_DEPTH_MAX = 180

# Python 3.11 refuses to turn an int of more than 4,300 digits into text (or back): writing it
# into a DAG, JSON or a notebook raises ValueError (``sys.int_info.default_max_str_digits``).
INT_DIGITS_MAX = 4300

# Linux refuses any single environment string ("NAME=value" plus its NUL) over 32 pages
# (MAX_ARG_STRLEN, 131072 bytes): exec fails with E2BIG, in a pod and in a worker's kernel alike.
ENV_STRING_MAX = 131072
ARG_STRING_MAX = ENV_STRING_MAX  # the same limit holds for each command-line argument

_INT_TOO_BIG = 10**INT_DIGITS_MAX  # the smallest int with one digit too many


def env_string_size(name: str, value: str) -> int:
    """Bytes ``NAME=value`` takes in a process environment (with the terminating NUL)."""
    return (
        len(name.encode("utf-8", "surrogatepass")) + len(value.encode("utf-8", "surrogatepass")) + 2
    )


def value_problem(value: Any) -> tuple[str, str]:
    """(code, reason) when a JSON-like value cannot travel into a DAG or between tasks; else ('', '')."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:  # iterative: a value deep enough to matter would overflow a recursive walk
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth + 1 > VALUE_DEPTH_MAX:
                return (
                    "value-too-deep",
                    f"is nested more than {VALUE_DEPTH_MAX} levels deep "
                    "(Python cannot parse it in the DAG file)",
                )
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(item, float) and not math.isfinite(item):
            return (
                "value-not-json",
                f"contains {item!r}, which JSON (and so XCom and DAG params) cannot carry",
            )
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) >= _INT_TOO_BIG:
            return ("value-too-large", f"has an integer of more than {INT_DIGITS_MAX} digits")
    return ("", "")


# Kubernetes keeps every object in etcd, which refuses a request over 1.5 MiB by default
# (``--max-request-bytes`` 1,572,864): a Pod whose spec (env and args included) is bigger is
# never created. exec's own total for args + env (ARG_MAX, a quarter of the 8 MiB stack) is
# larger, so this is the bound that bites first.
POD_SPEC_MAX = 1_572_864
# What a pod's env or argument should stay under: the shipped code travels by reference.
SMALL_STRING = 16 * 1024
