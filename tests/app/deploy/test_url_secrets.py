"""Secrets typed into URLs go to the keyring and never show up in what Stitchboard prints
(issue #14 item 19); re-adding a profile forgets its old secrets and no two profiles share a
secret variable (item 20)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from app import credentials, settings
from app.cli.main import main
from app.deploy.local import free_port
from app.settings import Profile, Target

SECRET = "s3cr3t-t0ken"


def _settings_text() -> str:
    return (settings.config_dir() / settings.FILE_NAME).read_text()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the CLI in-process; exit code and everything it printed (both streams)."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_a_token_in_the_git_url_goes_to_the_keyring(
    capsys: pytest.CaptureFixture[str], memory_keyring: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setattr("sys.stdin", io.StringIO("pw\n"))
    argv = ["profile", "add", "git1", "--url", f"http://127.0.0.1:{port}", "--username", "ana"]
    argv += ["--secret-stdin", "--target", "git", "--repo"]
    argv += [f"https://alice:{SECRET}@127.0.0.1:{port}/dags.git"]
    code, printed = _run(argv, capsys)
    assert code == 0, printed
    assert SECRET not in _settings_text()
    assert settings.load().profile("git1").target.repo == f"https://alice@127.0.0.1:{port}/dags.git"
    assert memory_keyring.store[("stitchboard", "git1:git")] == SECRET  # type: ignore[attr-defined]
    for argv in (["profile", "list"], ["profile", "show", "git1"], ["profile", "test", "git1"]):
        _, printed = _run(argv, capsys)
        assert SECRET not in printed and "alice" not in printed, printed


def test_a_password_in_the_airflow_url_and_keys_in_the_s3_endpoint_go_to_the_keyring(
    capsys: pytest.CaptureFixture[str], memory_keyring: object
) -> None:
    argv = ["profile", "add", "s3p", "--url", f"https://admin:{SECRET}@af.example.com"]
    argv += ["--target", "s3", "--bucket", "dags", "--endpoint"]
    argv += [f"http://AKID:{SECRET}x@127.0.0.1:{free_port()}"]
    code, printed = _run(argv, capsys)
    assert code == 0, printed
    text = _settings_text()
    assert SECRET not in text and "AKID" not in text
    profile = settings.load().profile("s3p")
    assert (profile.base_url, profile.username) == ("https://af.example.com", "admin")
    store = memory_keyring.store  # type: ignore[attr-defined]
    assert store[("stitchboard", "s3p:password")] == SECRET
    assert store[("stitchboard", "s3p:s3-access-key")] == "AKID"
    assert store[("stitchboard", "s3p:s3-secret-key")] == SECRET + "x"


def test_secrets_left_in_old_settings_never_print(
    tmp_path: Path, example_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A settings.json written before secrets were split off still holds them: redact."""
    port = free_port()
    config = settings.load()
    for name, target in (
        ("oldgit", Target(kind="git", repo=f"https://bob:{SECRET}@127.0.0.1:{port}/r.git")),
        (
            "olds3",
            Target(kind="s3", bucket="b", endpoint=f"http://AK:{SECRET}@127.0.0.1:{port}"),
        ),
    ):
        config.put(
            Profile(
                name=name,
                base_url=f"http://admin:{SECRET}@127.0.0.1:{port}",
                auth="none",
                target=target,
                backend="worker",
            )
        )
    config.save()
    for argv in (
        ["profile", "list"],
        ["profile", "show", "oldgit"],
        ["profile", "show", "olds3", "--json"],
        ["profile", "test", "oldgit"],
        ["profile", "test", "olds3"],
        ["deploy", str(example_copy), "--profile", "oldgit"],
        ["runs", str(example_copy), "--profile", "olds3"],
    ):
        code, printed = _run(argv, capsys)
        assert SECRET not in printed, (argv, printed)
        assert "***@127.0.0.1" in printed, (argv, printed)
        if argv[0] != "profile" or argv[1] == "test":
            assert code == 1, (argv, printed)


def test_re_adding_a_profile_without_auth_forgets_its_old_secret(
    capsys: pytest.CaptureFixture[str], memory_keyring: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("old-password\n"))
    base = ["profile", "add", "team", "--url", "https://af.example.com", "--path", "/tmp"]
    assert _run([*base, "--username", "ana", "--secret-stdin"], capsys)[0] == 0
    store = memory_keyring.store  # type: ignore[attr-defined]
    assert store[("stitchboard", "team:password")] == "old-password"
    code, printed = _run([*base, "--auth", "none"], capsys)
    assert code == 0, printed
    assert store == {}
    assert "removed the secrets" in printed


def test_two_profiles_never_read_each_others_secret_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = ["my-prod", "my_prod", "my.prod", "My_Prod", "MY_PROD", "prod", "Prod"]
    variables = {credentials.env_var(n, "password") for n in names}
    assert len(variables) == len(names)
    assert credentials.env_var("prod", "password") == "STITCHBOARD_SECRET_PROD_PASSWORD"
    monkeypatch.setenv(credentials.env_var("my-prod", "password"), "for-my-prod")
    assert credentials.get_secret("my-prod", "password") == "for-my-prod"
    assert credentials.get_secret("my_prod", "password", required=False) is None
    assert os.environ.get(credentials.env_var("my_prod", "password")) is None


def test_a_profile_name_whose_variables_would_collide_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hashed names make a collision practically impossible; the check stays as a guard."""
    monkeypatch.setattr(credentials, "env_var", lambda profile, kind: f"SAME_{kind}")
    base = ["--url", "https://af.example.com", "--auth", "none", "--path", "/tmp"]
    assert _run(["profile", "add", "one", *base], capsys)[0] == 0
    code, printed = _run(["profile", "add", "two", *base], capsys)
    assert code == 2
    assert "would share its secret variables" in printed and "'one'" in printed
