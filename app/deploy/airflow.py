"""The only place that talks to Airflow's REST API (apache-airflow-client), errors mapped to one line."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import urllib3

from app import credentials
from app.deploy.errors import (
    AuthFailed,
    Conflict,
    DeployError,
    NotFound,
    TlsFailed,
    Unreachable,
)
from app.settings import AuthKind, Profile


class _LazyModule:
    """Imports the Airflow client on first use: it costs ~2 s, and most commands never need it."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


def preload() -> None:
    """Import the Airflow client now (the GUI calls this on its main thread before starting a
    worker thread, so the heavy import — pydantic building its schemas — never runs on a worker
    while Qt's main thread collects garbage)."""
    importlib.import_module("airflow_client.client")


af: Any = _LazyModule("airflow_client.client")
af_exc: Any = _LazyModule("airflow_client.client.exceptions")

T = TypeVar("T")
TIMEOUT = (5.0, 30.0)


LOCAL_HINT = "; is the local Airflow running? (stitchboard airflow-local start)"


def _network_error(exc: BaseException, base: str, hint: str = "") -> DeployError:
    reason = getattr(exc, "reason", None) or exc
    text = str(reason)
    if (
        isinstance(reason, urllib3.exceptions.SSLError)
        or "SSL" in type(reason).__name__
        or "CERTIFICATE" in text.upper()
    ):
        short = text.split("] ", 1)[-1].split(" (_ssl")[0][:160]
        return TlsFailed(f"TLS check failed for {base}: {short} (set a CA bundle on the profile)")
    return Unreachable(f"Airflow at {base} is unreachable ({type(reason).__name__}){hint}")


def _detail(exc: af_exc.ApiException) -> str:
    try:
        detail = json.loads(exc.body or "{}").get("detail", "")
    except (ValueError, AttributeError):
        detail = ""
    if not isinstance(detail, str):
        detail = json.dumps(detail)[:200]
    return (detail or exc.reason or "").splitlines()[0] if (detail or exc.reason) else ""


class AirflowApi:
    """A logged-in Airflow 3 REST client for one profile."""

    def __init__(self, profile: Profile, prompt: credentials.Prompt | None = None) -> None:
        self.profile = profile
        self.base = profile.api_base
        self._prompt = prompt
        self._client: af.ApiClient | None = None
        # A profile made by ``airflow-local`` reads the password file of that Airflow's home.
        local = profile.password_file.endswith("simple_auth_manager_passwords.json.generated")
        self._hint = LOCAL_HINT if local else ""

    # -- connection -----------------------------------------------------------------------
    def _pool(self) -> urllib3.PoolManager:
        if not self.profile.verify_tls:
            return urllib3.PoolManager(cert_reqs="CERT_NONE")
        if self.profile.ca_bundle:
            return urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs=self.profile.ca_bundle)
        return urllib3.PoolManager(cert_reqs="CERT_REQUIRED")

    def _password(self) -> str:
        if self.profile.password_file:
            try:
                data = json.loads(Path(self.profile.password_file).read_text(encoding="utf-8"))
                return str(data[self.profile.username])
            except (OSError, ValueError, KeyError) as exc:
                raise AuthFailed(
                    f"no password for {self.profile.username!r} in {self.profile.password_file}"
                ) from exc
        return credentials.get_secret(self.profile.name, "password", prompt=self._prompt) or ""

    def token(self) -> str:
        """A JWT: the stored token, or one exchanged for username + password at /auth/token."""
        if self.profile.auth == AuthKind.TOKEN:
            return credentials.get_secret(self.profile.name, "token", prompt=self._prompt) or ""
        if self.profile.auth == AuthKind.NONE:
            return ""
        body = json.dumps({"username": self.profile.username, "password": self._password()})
        try:
            resp = self._pool().request(
                "POST",
                f"{self.base}/auth/token",
                body=body.encode(),
                headers={"Content-Type": "application/json"},
                timeout=urllib3.Timeout(connect=5, read=30),
                retries=urllib3.Retry(1, redirect=False),
            )
        except urllib3.exceptions.HTTPError as exc:
            raise _network_error(exc, self.base, self._hint) from exc
        if resp.status in (401, 403):
            raise AuthFailed(
                f"Airflow at {self.base} refused the credentials of user "
                f"{self.profile.username!r} (profile {self.profile.name!r})"
            )
        if resp.status not in (200, 201):
            raise DeployError(f"{self.base}/auth/token answered HTTP {resp.status}")
        try:
            return str(json.loads(resp.data)["access_token"])
        except (ValueError, KeyError) as exc:
            raise DeployError(f"{self.base}/auth/token gave no access_token") from exc

    def client(self, anonymous: bool = False) -> af.ApiClient:
        """The apache-airflow-client ApiClient (logs in on first use unless ``anonymous``)."""
        if self._client is None or anonymous:
            token = None if anonymous else self.token() or None
            config = af.Configuration(host=self.base, access_token=token)
            config.verify_ssl = self.profile.verify_tls
            if self.profile.ca_bundle:
                config.ssl_ca_cert = self.profile.ca_bundle
            config.retries = 1
            if anonymous:
                return af.ApiClient(config)
            self._client = af.ApiClient(config)
        return self._client

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one client call, mapping its exceptions to ``DeployError`` subclasses."""
        try:
            return fn(*args, _request_timeout=TIMEOUT, **kwargs)
        except af_exc.ApiException as exc:
            status = exc.status or 0
            if status in (401, 403):
                raise AuthFailed(
                    f"Airflow at {self.base} refused the token of profile "
                    f"{self.profile.name!r} (HTTP {status})"
                ) from exc
            if status == 404:
                raise NotFound(_detail(exc) or "not found") from exc
            if status == 409:
                raise Conflict(f"Airflow answered HTTP 409: {_detail(exc)[:200]}") from exc
            raise DeployError(f"Airflow answered HTTP {status}: {_detail(exc)}") from exc
        except urllib3.exceptions.HTTPError as exc:
            raise _network_error(exc, self.base, self._hint) from exc

    # -- endpoints ------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        """Airflow's health report (needs no login: proves only that the API answers)."""
        result = self.call(af.MonitorApi(self.client(anonymous=True)).get_health)
        return result.to_dict()

    def dag(self, dag_id: str) -> Any | None:
        try:
            return self.call(af.DAGApi(self.client()).get_dag, dag_id)
        except NotFound:
            return None

    def any_file_token(self) -> str | None:
        """The file token of some DAG (re-parsing any file also refreshes its bundle)."""
        dags = self.call(af.DAGApi(self.client()).get_dags, limit=1).dags
        return dags[0].file_token if dags else None

    def reparse(self, file_token: str) -> None:
        """Ask for a priority re-parse (a request already queued for the file is fine)."""
        try:
            self.call(af.DAGParsingApi(self.client()).reparse_dag_file, file_token)
        except Conflict:
            pass

    def import_errors(self, filename: str) -> list[Any]:
        """Import errors whose file ends with ``filename`` (a path relative to the bundle)."""
        errors = self.call(
            af.ImportErrorApi(self.client()).get_import_errors,
            filename_pattern=Path(filename).name,
            limit=100,
        ).import_errors
        return [e for e in errors if e.filename == filename or e.filename.endswith("/" + filename)]

    def dag_source(self, dag_id: str) -> str | None:
        try:
            return self.call(af.DagSourceApi(self.client()).get_dag_source, dag_id).content
        except NotFound:
            return None

    def set_paused(self, dag_id: str, paused: bool) -> None:
        self.call(af.DAGApi(self.client()).patch_dag, dag_id, af.DAGPatchBody(is_paused=paused))

    def trigger(self, dag_id: str, conf: dict[str, Any]) -> str:
        body = af.TriggerDAGRunPostBody(conf=conf, logical_date=None)
        return self.call(af.DagRunApi(self.client()).trigger_dag_run, dag_id, body).dag_run_id

    def runs(self, dag_id: str, limit: int = 5) -> list[Any]:
        return self.call(
            af.DagRunApi(self.client()).get_dag_runs, dag_id, limit=limit, order_by=["-run_after"]
        ).dag_runs

    def run(self, dag_id: str, run_id: str) -> Any:
        return self.call(af.DagRunApi(self.client()).get_dag_run, dag_id, run_id)

    def task_instances(self, dag_id: str, run_id: str) -> list[Any]:
        return self.call(
            af.TaskInstanceApi(self.client()).get_task_instances, dag_id, run_id, limit=1000
        ).task_instances

    def xcom(self, dag_id: str, run_id: str, task_id: str, key: str = "return_value") -> Any:
        entry = self.call(
            af.XComApi(self.client()).get_xcom_entry,
            dag_id,
            task_id,
            run_id,
            key,
            deserialize=True,
            stringify=False,
        )
        entry = getattr(entry, "actual_instance", entry)
        return entry.value

    def log(self, dag_id: str, run_id: str, task_id: str, try_number: int) -> str:
        """A task's log as plain text lines (raw JSON: the client model drops error details)."""
        api = af.TaskInstanceApi(self.client())
        resp = self.call(
            api.get_log_without_preload_content,
            dag_id,
            run_id,
            task_id,
            try_number,
            full_content=True,
            accept="application/json",
        )
        if resp.status in (401, 403):
            raise AuthFailed(f"Airflow at {self.base} refused the token (HTTP {resp.status})")
        try:
            content = json.loads(resp.data).get("content", [])
        except (ValueError, AttributeError):
            return resp.data.decode("utf-8", "replace")
        return log_text(content)


def log_text(content: Any) -> str:
    """Airflow 3's structured log records as readable lines, tracebacks included."""
    if isinstance(content, str):
        return content
    lines: list[str] = []
    for item in content or []:
        if not isinstance(item, dict):
            lines.append(str(item))
            continue
        level = str(item.get("level") or "")
        event = str(item.get("event", ""))
        if event.startswith("::"):
            continue
        lines.append(f"[{level}] {event}" if level else event)
        for err in item.get("error_detail") or []:
            for frame in (err.get("frames") or [])[-6:]:
                lines.append(
                    f'  File "{frame.get("filename")}", line {frame.get("lineno")}, '
                    f"in {frame.get('name')}"
                )
            lines.append(f"  {err.get('exc_type')}: {err.get('exc_value')}")
    return "\n".join(lines)
