"""``profile test``: does the API answer, do the credentials work, is the target writable?"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.credentials import Prompt
from app.deploy.airflow import AirflowApi
from app.deploy.store import probe_store
from app.deploy.targets import make_target
from app.settings import AuthKind, Profile
from graph_editor.errors import StitchboardError


@dataclass(frozen=True)
class Verdict:
    """One check's outcome as a line a user reads."""

    check: str  # api | credentials | target | store
    ok: bool
    message: str


def check_profile(profile: Profile, prompt: Prompt | None = None) -> Iterator[Verdict]:
    """Yield one verdict per check; a failed API check skips the credentials check."""
    api = AirflowApi(profile, prompt=prompt)
    api_ok = False
    try:
        health = api.health()
        bad = [
            k
            for k, v in health.items()
            if isinstance(v, dict) and v.get("status") not in (None, "healthy")
        ]
        api_ok = True
        note = f" (unhealthy: {', '.join(bad)})" if bad else ""
        yield Verdict("api", True, f"Airflow API answers at {api.base}{note}")
    except StitchboardError as exc:
        yield Verdict("api", False, str(exc))
    if api_ok:
        try:
            api.any_file_token()
            who = (
                f"user {profile.username!r}" if profile.auth == AuthKind.PASSWORD else profile.auth
            )
            yield Verdict("credentials", True, f"credentials accepted ({who})")
        except StitchboardError as exc:
            yield Verdict("credentials", False, str(exc))
    else:
        yield Verdict("credentials", False, "not checked (the API does not answer)")
    try:
        yield Verdict("target", True, make_target(profile).check_writable())
    except StitchboardError as exc:
        yield Verdict("target", False, str(exc))
    if profile.artifact_store:
        try:
            yield Verdict("store", True, probe_store(profile.artifact_store))
        except StitchboardError as exc:
            yield Verdict("store", False, str(exc))
