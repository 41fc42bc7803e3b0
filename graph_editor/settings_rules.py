"""Checks of the pipeline's own settings: DAG id, schedule, dates, counts, tags, parameters."""

from __future__ import annotations

import datetime as dt

from graph_editor import names
from graph_editor.cron import cron_problem
from graph_editor.issues import Issue, error, warning
from graph_editor.limits import DB_INTEGER_MAX, SECONDS_MAX, value_problem
from graph_editor.pipeline import Pipeline
from graph_editor.store_rules import store_issues
from graph_editor.types import type_of_value, value_fits

# Airflow keeps run dates as SQL timestamps: MySQL's TIMESTAMP starts at 1970-01-01 (documented
# range), and Airflow adds intervals and retry delays to them, which overflows ``datetime`` in
# year 9999.
START_YEARS = (1970, 9998)
OWNER_MAX = 2000  # DagModel.owners is String(2000) in Airflow 3.3's metadata database


class _Out(list[Issue]):
    """The issues found so far, about the pipeline itself (no node)."""

    def error(self, code: str, message: str, field: str = "") -> None:
        self.append(error(code, message, field=field))

    def warn(self, code: str, message: str, field: str = "") -> None:
        self.append(warning(code, message, field=field))


def settings_issues(pipeline: Pipeline) -> list[Issue]:
    """Every problem of the pipeline-wide settings (backend-independent)."""
    out = _Out()
    _settings(pipeline, out)
    _unused_parameters(pipeline, out)
    out += store_issues(pipeline)
    return list(out)


def _settings(pipeline: Pipeline, out: _Out) -> None:
    s = pipeline.settings
    if not names.is_task_id(s.dag_id):
        out.error(
            "bad-dag-id",
            f"DAG id {s.dag_id!r} may use only letters, digits, '_', '.', '-' (1-250 characters)",
            field="dag_id",
        )
    elif s.dag_id in names.RESERVED_DAG_IDS:
        out.error(
            "reserved-dag-id",
            f"DAG id {s.dag_id!r} is Stitchboard's own (the local Airflow's parse anchor); "
            "choose another",
            field="dag_id",
        )
    problem = cron_problem(s.schedule.strip())
    if problem:
        out.error("bad-schedule", f"schedule {s.schedule!r}: {problem}", field="schedule")
    try:
        start = dt.date.fromisoformat(s.start_date)
    except ValueError:
        out.error(
            "bad-start-date",
            f"start date {s.start_date!r} is not a date like 2024-01-31",
            field="start_date",
        )
    else:
        if not START_YEARS[0] <= start.year <= START_YEARS[1]:
            out.error(
                "bad-start-date",
                f"start date {s.start_date!r} must fall in the years "
                f"{START_YEARS[0]}-{START_YEARS[1]}",
                field="start_date",
            )
    if len(s.owner) > OWNER_MAX:
        out.error(
            "bad-owner",
            f"owner has {len(s.owner)} characters; Airflow stores at most {OWNER_MAX}",
            field="owner",
        )
    _counts(pipeline, out)
    for tag in s.tags:
        if len(tag) > names.TAG_MAX:
            out.error(
                "bad-tag",
                f"tag {tag[:37] + '...'!r} must have at most {names.TAG_MAX} characters "
                f"(it has {len(tag)})",
                field="tags",
            )
        elif not tag.strip():
            out.warn(
                "blank-tag", "a tag is blank: it shows as an empty label in Airflow", field="tags"
            )
    if not names.is_dns_label(s.namespace):
        out.error(
            "bad-namespace",
            f"namespace {s.namespace!r} is not a Kubernetes name "
            "(lowercase letters, digits, '-'; at most 63 characters)",
            field="namespace",
        )
    if not s.default_image.strip():
        out.error("no-image", "the pipeline has no default container image", field="default_image")
    for field_name in ("default_image", "r_image"):
        image = getattr(s, field_name)
        if any(c.isspace() for c in image) and image.strip():  # "img:1\n" is no image name
            out.error(
                "bad-image",
                f"{field_name} {image!r} contains spaces or a line break",
                field=field_name,
            )
    _parameters(pipeline, out)


def _counts(pipeline: Pipeline, out: _Out) -> None:
    s = pipeline.settings
    if s.max_active_runs < 1 or s.max_active_runs > DB_INTEGER_MAX:
        out.error(
            "bad-max-active-runs",
            f"max active runs must be 1 to {DB_INTEGER_MAX:,} (Airflow stores it "
            "in a 32-bit column)",
            field="max_active_runs",
        )
    if s.default_retries < 0:
        out.error("bad-retries", "default retries cannot be negative", field="default_retries")
    elif s.default_retries > DB_INTEGER_MAX:
        out.error(
            "bad-retries",
            f"default retries {s.default_retries} is more than Airflow can store "
            f"({DB_INTEGER_MAX:,})",
            field="default_retries",
        )
    if not 0 <= s.retry_delay_seconds <= SECONDS_MAX:
        out.error(
            "bad-retry-delay",
            f"retry delay {s.retry_delay_seconds} s must be 0 to {SECONDS_MAX:,} s "
            "(about 292 years; more overflows Airflow's date arithmetic)",
            field="retry_delay_seconds",
        )


def _parameters(pipeline: Pipeline, out: _Out) -> None:
    s = pipeline.settings
    seen: set[str] = set()
    for param in s.parameters:
        field = f"parameters.{param.name}"
        if not names.IDENTIFIER.fullmatch(param.name):
            out.error(
                "bad-parameter-name",
                f"pipeline parameter {param.name!r} is not a valid name",
                field=field,
            )
        if param.name in seen:
            out.error(
                "duplicate-parameter",
                f"pipeline parameter {param.name!r} is defined twice",
                field=field,
            )
        seen.add(param.name)
        code, reason = value_problem(param.default)
        if code:
            out.error(
                code, f"the default of pipeline parameter {param.name!r} {reason}", field=field
            )
        elif not value_fits(param.default, param.type):
            out.error(
                "parameter-type",
                f"pipeline parameter {param.name!r} is {param.type.value} "
                f"but its default is a {type_of_value(param.default).value}",
                field=field,
            )


def _unused_parameters(pipeline: Pipeline, out: _Out) -> None:
    s = pipeline.settings
    used = {b for n in pipeline.nodes for b in n.bindings.values()}
    for param in s.parameters:
        if param.name not in used:
            out.warn(
                "unused-parameter",
                f"pipeline parameter {param.name!r} feeds no node",
                field=f"parameters.{param.name}",
            )
