"""The credential store: secrets live only in the OS keyring (the one module importing keyring).

Where no keyring backend exists (headless Linux), a secret can come from an environment
variable ``STITCHBOARD_SECRET_<PROFILE>_<KIND>`` (see ``env_var``: unique per profile) or be
asked for each time; never a file. A secret typed into a URL (``https://user:token@host``) is
split off with ``split_url`` before the URL is saved, and ``redact_url`` hides any that remain
in what Stitchboard prints.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit, urlunsplit

import keyring
import keyring.errors

from app.errors import CredentialError

SERVICE = "stitchboard"
KINDS = ("password", "token", "git", "s3-access-key", "s3-secret-key")

Prompt = Callable[[str], str]


CANONICAL_NAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
URL_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@]+@")


def env_var(profile: str, kind: str) -> str:
    """The environment variable that may hold this secret, unique per profile: a name that
    upper-casing and ``_`` would merge with another (``Prod``, ``my-prod``) gets a short hash."""
    clean = re.sub(r"[^A-Za-z0-9]", "_", profile).upper()
    if not CANONICAL_NAME.match(profile):
        clean += "_" + hashlib.sha256(profile.encode()).hexdigest()[:6].upper()
    suffix = re.sub(r"[^A-Za-z0-9]", "_", kind).upper()
    return f"STITCHBOARD_SECRET_{clean}_{suffix}"


def redact_url(text: str) -> str:
    """``text`` with the user name and password of every URL in it replaced by ``***`` (a URL
    alone, or a message quoting one, as git's and boto's do)."""
    return URL_USERINFO.sub(r"\1***@", text)


def split_url(url: str) -> tuple[str, str, str]:
    """``(url without the password, user name, password)``; the password is "" when none."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc or parts.password is None:
        return url, (parts.username or "") if parts.scheme else "", ""
    user = unquote(parts.username or "")
    host = parts.netloc.rsplit("@", 1)[1]
    netloc = f"{parts.username}@{host}" if parts.username else host
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return clean, user, unquote(parts.password)


def strip_userinfo(url: str) -> str:
    """The URL without any user name or password."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


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
    except keyring.errors.NoKeyringError as exc:
        raise CredentialError(no_keyring_message(profile, kind)) from exc
    except keyring.errors.KeyringError as exc:
        raise CredentialError(f"keyring refused the {kind} of {profile!r}: {exc}") from exc


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
        raise CredentialError(f"keyring cannot read the {kind} of {profile!r}: {exc}") from exc
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


def delete_secrets(profile: str, kinds: tuple[str, ...] = KINDS) -> int:
    """Forget secrets of a profile (every kind by default); returns how many were removed."""
    removed = 0
    for kind in kinds:
        try:
            keyring.delete_password(SERVICE, _key(profile, kind))
            removed += 1
        except (keyring.errors.PasswordDeleteError, keyring.errors.NoKeyringError):
            continue
        except keyring.errors.KeyringError:
            continue
    return removed
