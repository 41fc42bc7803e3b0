"""The export backends: where each node runs, and what the DAG module carries for that.

A backend knows its validation (``validate(pipeline, backend=...)``), the task each node
becomes, the worker-side functions it inlines, the constants those need and the DAG
arguments (Jinja filters and macros) its tasks' templates use.
"""

from __future__ import annotations

from typing import Any

from exporters.airflow import inline
from exporters.airflow.cluster_jobs import cluster_task
from exporters.airflow.plan import TaskPlan, assert_valid
from exporters.airflow.sizes import pod_size_problem
from exporters.airflow.tasks import pod_task, worker_task
from exporters.airflow.values import Imports
from exporters.codegen import Assign, Call, Map, Raw, atom, triple_quoted
from exporters.content import SUPPORT_FILES, Content, support_contents
from exporters.errors import ExportError
from graph_editor.backends import Backend, parse_backend
from graph_editor.nodes import NodeKind, SecretSource
from graph_editor.pipeline import Pipeline
from graph_editor.validation import Issue, validate
from resources.runtime.stitchboard_task import CODE_FOLDER, DEFAULT_STORE_FOLDER

CLUSTER_KINDS = {NodeKind.TENSORFLOW: "TFJob", NodeKind.RAPIDS: "DaskJob"}


class ExportBackend:
    """What the DAG module needs for one backend; subclasses fill in the differences."""

    backend: Backend

    def validate(self, pipeline: Pipeline) -> list[Issue]:
        """Every issue of the pipeline, including what this backend cannot run."""
        return validate(pipeline, backend=self.backend)

    def check(self, plans: list[TaskPlan]) -> None:
        """Assert what validation guarantees for this backend (a guard, not a rule)."""
        for plan in plans:
            assert_valid(plan.node)

    support_files: tuple[str, ...] = SUPPORT_FILES

    def task(
        self, plan: TaskPlan, pipeline: Pipeline, imports: Imports, ship: dict[str, str]
    ) -> Call:
        raise NotImplementedError

    def check_sizes(
        self, plans: list[TaskPlan], contents: dict[str, Content], pipeline: Pipeline
    ) -> None:
        """Refuse what would exceed a Linux or Kubernetes limit when the task starts."""

    def functions(self, plans: list[TaskPlan], store: bool = False) -> list[str]:
        """Names of the task module's functions the DAG module carries, in order."""
        raise NotImplementedError

    def constants(self) -> list[Assign]:
        """Module constants beyond the runtime's name and key."""
        return []

    def dag_kwargs(self, imports: Imports) -> list[tuple[str, Any]]:
        """Extra ``DAG(...)`` arguments."""
        return []

    def cluster_kinds(self, plans: list[TaskPlan]) -> set[str]:
        """Cluster job kinds the DAG creates (the docs name the add-ons they need)."""
        return set()

    def header_notes(self, pipeline: Pipeline) -> str:
        """What the DAG module's docstring tells its reader about where it runs."""
        return ""


class KubernetesBackend(ExportBackend):
    """A KubernetesPodOperator per node; distributed jobs become TFJobs or DaskJobs."""

    backend = Backend.KUBERNETES

    def task(
        self, plan: TaskPlan, pipeline: Pipeline, imports: Imports, ship: dict[str, str]
    ) -> Call:
        if plan.cluster_job:
            return cluster_task(plan, pipeline, imports)
        return pod_task(plan, pipeline, imports, ship)

    def check_sizes(
        self, plans: list[TaskPlan], contents: dict[str, Content], pipeline: Pipeline
    ) -> None:
        support = {c.key: c for c in support_contents()}
        for plan in plans:
            problem = pod_size_problem(plan, {**contents, **support}, pipeline)
            if problem:
                raise ExportError(f"node {plan.node.name!r}: {problem}")

    def functions(self, plans: list[TaskPlan], store: bool = False) -> list[str]:
        jobs = ["job_state", "job_payload", "run_cluster_job", "job_containers"]
        cluster = self.cluster_kinds(plans)
        shipping = ["store_options", "ship_code"] if store or cluster else []
        return ["stitchboard_content", *shipping, *(jobs if cluster else [])]

    def constants(self) -> list[Assign]:
        return [
            Assign("CODE_FOLDER", Raw(atom(CODE_FOLDER))),
            Assign(inline.BOOTSTRAP, triple_quoted(inline.bootstrap_program())),
        ]

    def dag_kwargs(self, imports: Imports) -> list[tuple[str, Any]]:
        filters = Map([("stitchboard_json", Raw(imports.use("json") + ".dumps"))])
        macros = Map([("stitchboard_content", Raw("stitchboard_content"))])
        return [("user_defined_filters", filters), ("user_defined_macros", macros)]

    def cluster_kinds(self, plans: list[TaskPlan]) -> set[str]:
        return {CLUSTER_KINDS[p.node.kind] for p in plans if p.cluster_job}


class WorkerBackend(ExportBackend):
    """A PythonOperator per node, run on the Airflow worker itself."""

    backend = Backend.WORKER

    def check(self, plans: list[TaskPlan]) -> None:
        super().check(plans)
        for plan in plans:
            assert all(r.source != SecretSource.KUBERNETES for r in plan.node.secrets), plan.task_id

    # the task module's functions are inlined instead
    support_files = tuple(f for f in SUPPORT_FILES if f != "stitchboard_task.py")

    def task(
        self, plan: TaskPlan, pipeline: Pipeline, imports: Imports, ship: dict[str, str]
    ) -> Call:
        return worker_task(plan, pipeline, imports)

    def constants(self) -> list[Assign]:
        return [Assign("DEFAULT_STORE_FOLDER", Raw(atom(DEFAULT_STORE_FOLDER)))]

    def header_notes(self, pipeline: Pipeline) -> str:
        notes = (
            "Nodes run on the Airflow worker: its Python needs papermill, ipykernel and each\n"
            "node's libraries (a notebook's kernel is the worker's own environment).\n"
        )
        if not pipeline.settings.artifact_store:
            notes += (
                f"Artifacts: the default store, $AIRFLOW_HOME/{DEFAULT_STORE_FOLDER} on the\n"
                "worker (created if missing; one machine's workers share it). Celery workers\n"
                "refuse it: set the pipeline's artifact_store.\n"
            )
        return notes

    def functions(self, plans: list[TaskPlan], store: bool = False) -> list[str]:
        return [
            "stitchboard_content",
            "connection_value",
            "store_options",
            "load_module",
            "run_stored",
            "task_files",
            "default_store",
            "run_node",
        ]


_BY_NAME: dict[Backend, ExportBackend] = {
    Backend.KUBERNETES: KubernetesBackend(),
    Backend.WORKER: WorkerBackend(),
}


def backend_for(backend: Backend | str) -> ExportBackend:
    """The backend object for ``backend``; ``ExportError`` naming the choices otherwise."""
    try:
        return _BY_NAME[parse_backend(str(backend))]
    except ValueError as exc:
        raise ExportError(str(exc)) from exc
