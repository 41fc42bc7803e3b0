"""Failures a user meets before Airflow is even involved: each is one clear line."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from app import settings
from app.cli.main import main
from app.deploy import deploy
from app.deploy.errors import TlsFailed, Unreachable
from app.deploy.local import free_port
from app.errors import CredentialError
from app.settings import Profile, Target
from graph_editor import fileformat


def _save(profile: Profile) -> None:
    config = settings.load()
    config.put(profile)
    config.save()


def _profile(tmp_path: Path, url: str, name: str = "far") -> Profile:
    return Profile(
        name=name,
        base_url=url,
        username="ana",
        target=Target(kind="folder", path=str(tmp_path / "dags")),
        backend="worker",
    )


def test_unreachable_url(
    tmp_path: Path,
    example_copy: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STITCHBOARD_SECRET_FAR_PASSWORD", "pw-never-shown")
    profile = _profile(tmp_path, f"http://127.0.0.1:{free_port()}")
    with pytest.raises(Unreachable, match=r"Airflow at http://127.0.0.1:\d+ is unreachable"):
        list(deploy(fileformat.load(example_copy), profile))
    _save(profile)
    with pytest.raises(SystemExit) as info:
        main(["deploy", str(example_copy), "--profile", "far"])
    assert info.value.code == 1
    out = capsys.readouterr()
    assert out.err.strip().splitlines()[-1].endswith("is unreachable (NewConnectionError)")
    assert "pw-never-shown" not in out.out + out.err
    assert not (tmp_path / "dags").exists()  # nothing delivered


def test_tls_failure_is_named(
    tmp_path: Path, example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain-HTTP listener answering an https URL fails the TLS handshake."""
    from http.server import HTTPServer, SimpleHTTPRequestHandler
    from threading import Thread

    server = HTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("STITCHBOARD_SECRET_FAR_PASSWORD", "pw")
        profile = _profile(tmp_path, f"https://127.0.0.1:{server.server_port}")
        with pytest.raises(TlsFailed, match="TLS check failed for https://127.0.0.1"):
            list(deploy(fileformat.load(example_copy), profile))
    finally:
        server.shutdown()


def test_missing_keyring_backend(
    tmp_path: Path, example_copy: Path, capsys: pytest.CaptureFixture
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    profile = _profile(tmp_path, f"http://127.0.0.1:{free_port()}", name="prod")
    with pytest.raises(CredentialError, match="no keyring backend"):
        list(deploy(fileformat.load(example_copy), profile))
    _save(profile)
    with pytest.raises(SystemExit) as info:
        main(["deploy", str(example_copy), "--profile", "prod"])
    assert info.value.code == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "no keyring backend" in last and "STITCHBOARD_SECRET_PROD_PASSWORD" in last


def test_profile_cli_add_list_show_remove(
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: object,
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("hunter2\n"))
    assert (
        main(
            [
                "profile",
                "add",
                "prod",
                "--url",
                "https://af.example.com",
                "--username",
                "ana",
                "--secret-stdin",
                "--target",
                "s3",
                "--bucket",
                "dags",
                "--prefix",
                "prod",
            ]
        )
        == 0
    )
    assert main(["profile", "list"]) == 0
    assert main(["profile", "show", "prod"]) == 0
    out = capsys.readouterr().out
    assert "s3://dags/prod" in out and "hunter2" not in out
    assert "hunter2" not in (settings.config_dir() / settings.FILE_NAME).read_text()
    assert memory_keyring.store[("stitchboard", "prod:password")] == "hunter2"  # type: ignore[attr-defined]
    assert main(["profile", "remove", "prod"]) == 0
    assert memory_keyring.store == {}  # type: ignore[attr-defined]
    assert settings.load().profiles == {}
