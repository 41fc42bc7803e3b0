"""Typed settings and cluster profiles, saved as JSON under the user's config folder.

Never a secret in here: passwords and tokens live in the credential store (``app.credentials``);
a profile only says which kind of secret it needs.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from app.errors import SettingsError
from graph_editor.atomic import atomic_write_text
from graph_editor.backends import Backend

FILE_NAME = "settings.json"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


class AuthKind(StrEnum):
    """How deploy logs in to a profile's Airflow."""

    PASSWORD = "password"  # username + password, exchanged for a token
    TOKEN = "token"  # a ready access token
    NONE = "none"  # no authentication (a local Airflow with auth off)


class TargetKind(StrEnum):
    """Where deploy puts a bundle."""

    FOLDER = "folder"
    GIT = "git"
    S3 = "s3"


E = TypeVar("E", bound=StrEnum)


def choices(enum: type[StrEnum]) -> tuple[str, ...]:
    """The words of a vocabulary, for argparse choices and combo boxes."""
    return tuple(member.value for member in enum)


def parse_choice(enum: type[E], value: str, what: str) -> E:
    """``value`` as a member of ``enum``; a ``SettingsError`` naming the field and choices."""
    try:
        return enum(value)
    except ValueError as exc:
        raise SettingsError(f"{what} {value!r} (one of {', '.join(choices(enum))})") from exc


def config_dir() -> Path:
    """The folder holding ``settings.json``."""
    return Path(platformdirs.user_config_dir("stitchboard", appauthor=False))


@dataclass(frozen=True)
class Target:
    """Where deploy puts the bundle: a folder, a git repository, or an S3 bucket."""

    kind: TargetKind = TargetKind.FOLDER
    path: str = ""  # folder: the mounted DAG folder (or a subfolder of it)
    repo: str = ""  # git: clone URL (or a path on disk)
    branch: str = "main"
    subfolder: str = ""  # git/s3: where in the repository/bucket the DAG folder is
    endpoint: str = ""  # s3: endpoint URL ("" for AWS)
    bucket: str = ""
    prefix: str = ""
    region: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", parse_choice(TargetKind, self.kind, "target"))
        except SettingsError as exc:
            raise SettingsError(f"invalid {exc}") from exc

    def describe(self) -> str:
        """One line for listings."""
        if self.kind == TargetKind.FOLDER:
            return f"folder {self.path}"
        if self.kind == TargetKind.GIT:
            sub = f" ({self.subfolder})" if self.subfolder else ""
            return f"git {self.repo} {self.branch}{sub}"
        where = f" at {self.endpoint}" if self.endpoint else ""
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/") + where


@dataclass(frozen=True)
class Profile:
    """A cluster: its Airflow API, how to log in, where DAGs go, and which export backend."""

    name: str
    base_url: str
    auth: AuthKind = AuthKind.PASSWORD
    username: str = ""
    password_file: str = ""  # read the password from Airflow's own generated file (airflow-local)
    verify_tls: bool = True
    ca_bundle: str = ""
    target: Target = field(default_factory=Target)
    backend: Backend = Backend.KUBERNETES
    # The cluster's artifact store, overriding the pipeline's at deploy (empty: the pipeline's)
    artifact_store: str = ""
    store_secret: str = ""  # Kubernetes Secret with the pods' store credentials
    store_connection: str = ""  # Airflow connection id the workers read the store with

    def __post_init__(self) -> None:
        problems = []
        for name, enum in (("auth", AuthKind), ("backend", Backend)):
            try:
                object.__setattr__(self, name, parse_choice(enum, getattr(self, name), name))
            except SettingsError as exc:
                problems.append(str(exc))
        if not NAME_RE.match(self.name):
            problems.append(f"name {self.name!r} (letters, digits, _ . - only)")
        if not re.match(r"^https?://[^/\s]+", self.base_url):
            problems.append(f"base URL {self.base_url!r} (expected http(s)://host[:port])")
        if self.target.kind == TargetKind.FOLDER and not self.target.path:
            problems.append("folder target needs a path")
        elif self.target.kind == TargetKind.GIT and not self.target.repo:
            problems.append("git target needs a repository URL")
        elif self.target.kind == TargetKind.S3 and not self.target.bucket:
            problems.append("s3 target needs a bucket")
        if problems:
            raise SettingsError(f"profile {self.name!r}: invalid " + "; ".join(problems))

    @property
    def api_base(self) -> str:
        """The base URL without a trailing slash or ``/api/v2``."""
        base = self.base_url.rstrip("/")
        return base[: -len("/api/v2")] if base.endswith("/api/v2") else base

    def to_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self)))  # enums as their words

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        try:
            target = Target(**data.get("target", {}))
            return cls(**{**data, "target": target})
        except TypeError as exc:
            raise SettingsError(f"profile {data.get('name', '?')!r}: {exc}") from exc
        except SettingsError as exc:
            if str(exc).startswith("profile "):
                raise
            raise SettingsError(f"profile {data.get('name', '?')!r}: {exc}") from exc


@dataclass
class Settings:
    """Everything Stitchboard remembers between sessions (except window geometry)."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    default_profile: str = ""
    path: Path | None = None

    def profile(self, name: str) -> Profile:
        """The named profile, or a ``SettingsError`` listing the known ones."""
        if name not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none (stitchboard profile add ...)"
            raise SettingsError(f"no profile {name!r} (known: {known})")
        return self.profiles[name]

    def put(self, profile: Profile) -> None:
        self.profiles[profile.name] = profile

    def remove(self, name: str) -> Profile:
        profile = self.profile(name)
        del self.profiles[name]
        if self.default_profile == name:
            self.default_profile = ""
        return profile

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "default_profile": self.default_profile,
            "profiles": [p.to_json() for _, p in sorted(self.profiles.items())],
        }

    def save(self, path: Path | None = None) -> Path:
        """Write atomically (temp file + rename), readable by the user only."""
        path = Path(path or self.path or config_dir() / FILE_NAME)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"
        atomic_write_text(path, text, mode=0o600)
        self.path = path
        return path


def load(path: Path | None = None) -> Settings:
    """Read the settings (empty ones when the file does not exist yet)."""
    path = Path(path or config_dir() / FILE_NAME)
    if not path.exists():
        return Settings(path=path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        profiles = {p["name"]: Profile.from_json(p) for p in data.get("profiles", [])}
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise SettingsError(f"{path}: unreadable settings ({exc})") from exc
    return Settings(profiles=profiles, default_profile=data.get("default_profile", ""), path=path)


__all__ = [
    "AuthKind",
    "Backend",
    "Profile",
    "Settings",
    "Target",
    "TargetKind",
    "choices",
    "config_dir",
    "load",
    "replace",
]
