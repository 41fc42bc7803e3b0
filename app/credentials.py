"""The credential store: secrets live only in the OS keyring (the one module importing keyring).

Where no keyring backend exists (headless Linux), a secret can come from an environment
variable ``STITCHBOARD_SECRET_<PROFILE>_<KIND>`` or be asked for each time; never a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import keyring
import keyring.errors

from app.errors import CredentialError

SERVICE = "stitchboard"
KINDS = ("password", "token", "git", "s3-access-key", "s3-secret-key")

Prompt = Callable[[str], str]


def env_var(profile: str, kind: str) -> str:
    """The environment variable that may hold this secret."""
    clean = re.sub(r"[^A-Za-z0-9]", "_", f"{profile}_{kind}").upper()
    return f"STITCHBOARD_SECRET_{clean}"


def _key(profile: str, kind: str) -> str:
    if kind not in KINDS:
        raise CredentialError(f"unknown secret kind {kind!r} (one of {', '.join(KINDS)})")
    return f"{profile}:{kind}"


def no_keyring_message(profile: str, kind: str) -> str:
    """The one line shown when no keyring backend exists, with the ways on."""
    return (
        f"no keyring backend on this system, so the {kind} of profile {profile!r} cannot be "
        f"stored: set {env_var(profile, kind)} or run in a terminal to be asked each time"
    )


def keyring_available() -> bool:
    """True when a usable keyring backend is installed."""
    try:
        keyring.get_password(SERVICE, "__probe__")
    except keyring.errors.NoKeyringError:
        return False
    except keyring.errors.KeyringError:
        return False
    return True


def backend_name() -> str:
    """The keyring backend in use, for ``profile show`` and docs."""
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def set_secret(profile: str, kind: str, value: str) -> None:
    """Store a secret; ``CredentialError`` (one line, with the ways on) without a keyring."""
    try:
        keyring.set_password(SERVICE, _key(profile, kind), value)
    except keyring.errors.NoKeyringError:
        raise CredentialError(no_keyring_message(profile, kind)) from None
    except keyring.errors.KeyringError as exc:
        raise CredentialError(f"keyring refused the {kind} of {profile!r}: {exc}") from None


def get_secret(
    profile: str, kind: str, *, prompt: Prompt | None = None, required: bool = True
) -> str | None:
    """The secret from the environment, else the keyring, else ``prompt`` (each time)."""
    import os

    value = os.environ.get(env_var(profile, kind))
    if value:
        return value
    no_keyring = False
    try:
        value = keyring.get_password(SERVICE, _key(profile, kind))
    except keyring.errors.NoKeyringError:
        no_keyring = True
    except keyring.errors.KeyringError as exc:
        raise CredentialError(f"keyring cannot read the {kind} of {profile!r}: {exc}") from None
    if value:
        return value
    if prompt is not None:
        value = prompt(f"{kind} for profile {profile!r}: ")
        if value:
            return value
    if not required:
        return None
    if no_keyring:
        raise CredentialError(no_keyring_message(profile, kind))
    raise CredentialError(
        f"no {kind} stored for profile {profile!r}: run "
        f"'stitchboard profile add {profile} ...' again or set "
        f"{env_var(profile, kind)}"
    )


def delete_secrets(profile: str) -> int:
    """Forget every secret of a profile; returns how many were removed."""
    removed = 0
    for kind in KINDS:
        try:
            keyring.delete_password(SERVICE, _key(profile, kind))
            removed += 1
        except (keyring.errors.PasswordDeleteError, keyring.errors.NoKeyringError):
            continue
        except keyring.errors.KeyringError:
            continue
    return removed
