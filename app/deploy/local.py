"""A real Airflow 3.3 on loopback for users without a cluster (``airflow-local``), and for tests.

It lives in its own venv (``STITCHBOARD_AIRFLOW_VENV`` reuses an existing one) and its own
AIRFLOW_HOME under the user data folder; its components run in one new session so that
stopping it takes its whole process group down.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from io import BufferedWriter
from pathlib import Path

import platformdirs

from app.deploy import airflow_venv
from app.deploy.airflow_venv import SPARK_PACKAGES, VENV_PACKAGES  # noqa: F401 - re-exported
from app.deploy.errors import DeployError
from app.settings import AuthKind, Backend, Profile, Target, TargetKind

PASSWORD_FILE = "simple_auth_manager_passwords.json.generated"
# The components ``airflow standalone`` would start, started here instead because standalone
# also starts ``serve-logs`` on 0.0.0.0:8793/8794 (fixed ports, every interface; measured with
# ss): everything Stitchboard starts listens on loopback only, and two local Airflows must be
# able to run side by side. The executor is local, so task logs are read from disk and the log
# server is not needed. bash's ``wait -n`` ends the group as soon as one component dies, so a
# dead scheduler is never mistaken for a running Airflow.
SUPERVISOR = """
airflow api-server &
airflow scheduler --skip-serve-logs &
airflow dag-processor &
airflow triggerer --skip-serve-logs &
wait -n
kill -TERM 0
"""
# ``start --celery``: Airflow's CeleryExecutor, as clusters run it. Its broker is a Redis
# server on loopback in the same process group (no persistence: queued work of a stopped
# Airflow is gone, as its tasks are), and one Celery worker runs the tasks.
CELERY_PACKAGES = ("apache-airflow-providers-celery", "redis")
CELERY_SUPERVISOR = """
redis-server --bind 127.0.0.1 --port "$STITCHBOARD_REDIS_PORT" --save '' --appendonly no \
    --dir "$AIRFLOW_HOME" &
airflow api-server &
airflow scheduler --skip-serve-logs &
airflow dag-processor &
airflow triggerer --skip-serve-logs &
airflow celery worker --concurrency 2 --skip-serve-logs &
wait -n
kill -TERM 0
"""
INSTALL_REDIS = "install a Redis server (Debian/Ubuntu: apt-get install redis-server)"
# Airflow's home holds the admin password and the metadata database: owner only.
PRIVATE_UMASK = 0o077
STATE_FILE = "stitchboard-local.json"
USERNAME = "admin"
ANCHOR_FILE = "stitchboard_parse_anchor.py"
ANCHOR_SOURCE = '''"""Stitchboard's parse anchor: lets deploy ask Airflow to re-scan this folder. Never runs."""

from airflow.sdk import DAG

with DAG(dag_id="stitchboard_parse_anchor", schedule=None, tags=["stitchboard"],
         description="Lets Stitchboard ask for a folder re-scan (an Airflow needs one DAG)"):
    pass
'''


class LocalAirflowError(DeployError):
    """The local Airflow cannot be set up, started or stopped."""


def default_venv() -> Path:
    """The one Airflow venv that ``airflow-local`` and the test suite share
    (``STITCHBOARD_AIRFLOW_VENV`` points at an existing one instead)."""
    given = os.environ.get("STITCHBOARD_AIRFLOW_VENV")
    if given:
        return Path(given)
    return Path(platformdirs.user_cache_dir("stitchboard", appauthor=False)) / "airflow-venv"


def data_dir() -> Path:
    """Stitchboard's data folder (where the local Airflow lives)."""
    return Path(platformdirs.user_data_dir("stitchboard", appauthor=False))


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class LocalStatus:
    """Where the local Airflow is and whether it answers."""

    running: bool
    healthy: bool
    base_url: str = ""
    pid: int = 0
    home: str = ""
    dags_folder: str = ""


class LocalAirflow:
    """One local Airflow: its venv, its AIRFLOW_HOME, its process group."""

    def __init__(self, home: Path | None = None, venv: Path | None = None) -> None:
        root = data_dir() / "airflow-local"
        self.home = Path(home) if home else root / "home"
        self.venv = Path(venv) if venv else default_venv()
        self.extra_env: dict[str, str] = {}

    @property
    def dags_folder(self) -> Path:
        return self.home / "dags"

    @property
    def password_file(self) -> Path:
        return self.home / PASSWORD_FILE

    @property
    def log_file(self) -> Path:
        return self.home / "airflow.log"

    def _state(self) -> dict:
        try:
            return json.loads((self.home / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def ensure_venv(
        self, progress: Callable[[str], None] = lambda _t: None, spark: bool = False
    ) -> None:
        """Build the venv with Airflow once, pinned (app/deploy/airflow_venv.py); ``spark`` adds
        pyspark (once) so the workers can run Spark nodes."""
        airflow_venv.ensure(self.venv, progress, SPARK_PACKAGES if spark else ())

    def environment(self, port: int, redis_port: int = 0) -> dict[str, str]:
        """The environment the Airflow components run with: loopback only, own home;
        ``redis_port``: the CeleryExecutor with its broker there."""
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        env.update(
            {
                "PATH": f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
                "VIRTUAL_ENV": str(self.venv),
                "AIRFLOW_HOME": str(self.home),
                "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__PARALLELISM": "4",
                "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                "AIRFLOW__CORE__AUTH_MANAGER": (
                    "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
                ),
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USERNAME}:admin",
                "AIRFLOW__API__HOST": "127.0.0.1",
                "AIRFLOW__API__PORT": str(port),
                "AIRFLOW__API__BASE_URL": base,
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base}/execution/",
                # Serve a re-deployed DAG at once (the default 30 s suits big clusters, not a laptop).
                "AIRFLOW__CORE__MIN_SERIALIZED_DAG_UPDATE_INTERVAL": "1",
            }
        )
        if redis_port:
            broker = f"redis://127.0.0.1:{redis_port}"
            env.update(
                {
                    "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
                    "AIRFLOW__CELERY__BROKER_URL": f"{broker}/0",
                    "AIRFLOW__CELERY__RESULT_BACKEND": f"{broker}/1",
                    "STITCHBOARD_REDIS_PORT": str(redis_port),
                }
            )
        env.update(self.extra_env)
        env.pop("PYTHONPATH", None)
        return env

    def status(self) -> LocalStatus:
        """Is it running (our recorded process group alive) and healthy (API answers)?"""
        state = self._state()
        pid = int(state.get("pid", 0))
        running = bool(pid) and _pid_alive(pid)
        base = state.get("base_url", "") if running else ""
        return LocalStatus(
            running=running,
            healthy=running and _healthy(base),
            base_url=base,
            pid=pid if running else 0,
            home=str(self.home),
            dags_folder=str(self.dags_folder),
        )

    def start(
        self,
        port: int = 0,
        timeout: float = 120.0,
        progress: Callable[[str], None] = lambda _t: None,
        spark: bool = False,
        celery: bool = False,
    ) -> LocalStatus:
        """Start Airflow's components (unless already running) and wait until it is healthy;
        ``spark``: its workers can run Spark nodes (pyspark in its venv); ``celery``: the
        CeleryExecutor, a Redis broker on loopback and one Celery worker."""
        current = self.status()
        if current.running:
            if not current.healthy:
                _wait_healthy(current.base_url, timeout, current.pid, self.log_file)
            return self.status()
        self.ensure_venv(progress, spark)  # refuses a venv without what tasks need
        redis_port = self._celery_ready(progress) if celery else 0
        self.dags_folder.mkdir(parents=True, exist_ok=True)
        anchor = self.dags_folder / ANCHOR_FILE
        if not anchor.exists():  # deploy re-parses through a DAG that is already known
            anchor.write_text(ANCHOR_SOURCE, encoding="utf-8")
        port = port or free_port()
        base = f"http://127.0.0.1:{port}"
        progress(f"starting Airflow on {base} (home {self.home})")
        env = self.environment(port, redis_port)
        _seed_password(self.password_file)
        with _private_log(self.log_file) as log:
            migrate = subprocess.run(
                [str(self.venv / "bin" / "airflow"), "db", "migrate"],
                env=env,
                cwd=self.home,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                umask=PRIVATE_UMASK,
                check=False,
            )
            if migrate.returncode != 0:
                raise LocalAirflowError(
                    f"airflow db migrate failed (exit {migrate.returncode}); see {self.log_file}"
                )
            proc = subprocess.Popen(
                ["/bin/bash", "-c", CELERY_SUPERVISOR if celery else SUPERVISOR],
                env=env,
                cwd=self.home,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                umask=PRIVATE_UMASK,
            )
        state = {"pid": proc.pid, "base_url": base, "executor": env["AIRFLOW__CORE__EXECUTOR"]}
        (self.home / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
        try:
            _wait_healthy(base, timeout, proc.pid, self.log_file)
        except BaseException:
            self.stop()
            raise
        return self.status()

    def _celery_ready(self, progress: Callable[[str], None]) -> int:
        """The Celery provider in the venv (once) and a Redis server here; its free port."""
        if shutil.which("redis-server") is None:
            raise LocalAirflowError(f"the Celery executor needs a Redis broker: {INSTALL_REDIS}")
        airflow_venv.ensure(self.venv, progress, CELERY_PACKAGES)  # once: the provider, redis
        return free_port()

    def profile(self, name: str = "local") -> Profile:
        """The cluster profile for this Airflow (folder target, worker backend)."""
        state = self.status()
        if not state.running:
            raise LocalAirflowError(
                "the local Airflow is not running (stitchboard airflow-local start)"
            )
        return Profile(
            name=name,
            base_url=state.base_url,
            auth=AuthKind.PASSWORD,
            username=USERNAME,
            password_file=str(self.password_file),
            target=Target(kind=TargetKind.FOLDER, path=str(self.dags_folder)),
            backend=Backend.WORKER,
            # This Airflow's workers share this machine's disk: a folder is their store.
            artifact_store=str(self.home / "artifacts"),
        )

    def password(self) -> str:
        """The admin password Airflow generated for this home."""
        try:
            return json.loads(self.password_file.read_text(encoding="utf-8"))[USERNAME]
        except (OSError, ValueError, KeyError) as exc:
            raise LocalAirflowError(
                f"no password for {USERNAME!r} in {self.password_file}"
            ) from exc

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the whole process group: SIGTERM, then SIGKILL. True if it ran."""
        pid = int(self._state().get("pid", 0))
        if not pid or not _pid_alive(pid):
            (self.home / STATE_FILE).unlink(missing_ok=True)
            return False
        for sig, wait in (
            (signal.SIGTERM, timeout),
            (signal.SIGKILL, 5.0),
        ):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                break
            if _wait_group_gone(pid, wait):
                break
        _reap(pid)
        (self.home / STATE_FILE).unlink(missing_ok=True)
        return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _wait_group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pgid)
        if not _group_alive(pgid):
            return True
        time.sleep(0.2)
    return False


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=2) as resp:
            data = json.loads(resp.read())
    except (OSError, ValueError, urllib.error.URLError):
        return False
    parts = ("metadatabase", "scheduler", "dag_processor")
    return all((data.get(p) or {}).get("status") == "healthy" for p in parts)


def _wait_healthy(base: str, timeout: float, pid: int, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _healthy(base):
            return
        _reap(pid)
        if not _pid_alive(pid):
            raise LocalAirflowError(f"Airflow exited during start-up; see {log}")
        time.sleep(0.5)
    raise LocalAirflowError(f"Airflow at {base} not healthy after {timeout:.0f} s; see {log}")


def _seed_password(path: Path) -> None:
    """Give the admin a password before Airflow starts (file 0600): SimpleAuthManager prints
    the passwords it generates itself to stdout, which is ``airflow.log``."""
    import secrets

    try:
        passwords = json.loads(path.read_text(encoding="utf-8") or "{}")
    except FileNotFoundError:
        passwords = {}
    except (OSError, ValueError):
        return  # Airflow reports a broken file itself
    if isinstance(passwords, dict) and USERNAME not in passwords:
        passwords[USERNAME] = secrets.token_urlsafe(18)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(json.dumps(passwords) + "\n")
    os.chmod(path, 0o600)


def _private_log(path: Path) -> BufferedWriter:
    """``airflow.log`` opened for appending, readable by its owner only (also one an older
    version left 0644), with any admin password an older version let into it blanked."""
    import re

    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(handle, 0o600)
    text = path.read_bytes()
    if b"Password for user" in text:
        blanked = re.sub(rb"(Password for user '[^']*': )\S+", rb"\1(hidden)", text)
        os.ftruncate(handle, 0)
        os.write(handle, blanked)
    return os.fdopen(handle, "ab")
