"""Profiles are saved without secrets; secrets go to the keyring, or an env var, or a prompt."""

from __future__ import annotations

import json

import keyring
import keyring.backends.fail
import pytest

from app import credentials, settings
from app.errors import CredentialError, SettingsError
from app.settings import Profile, Target


def _profile(**kw: object) -> Profile:
    data = {
        "name": "prod",
        "base_url": "https://airflow.example.com/",
        "username": "ana",
        "target": Target(kind="git", repo="git@example.com:dags.git", subfolder="dags"),
    }
    data.update(kw)
    return Profile(**data)  # type: ignore[arg-type]


def test_profiles_round_trip_and_hold_no_secret() -> None:
    config = settings.load()
    config.put(_profile())
    credentials.set_secret("prod", "password", "s3cr3t-pw")
    path = config.save()
    assert path.parent == settings.config_dir()
    text = path.read_text()
    assert "s3cr3t-pw" not in text
    again = settings.load()
    assert again.profile("prod") == _profile()
    assert again.profile("prod").api_base == "https://airflow.example.com"
    assert json.loads(text)["profiles"][0]["verify_tls"] is True
    assert credentials.get_secret("prod", "password") == "s3cr3t-pw"


def test_invalid_profile_names_the_field() -> None:
    with pytest.raises(SettingsError, match="base URL 'airflow'"):
        _profile(base_url="airflow")
    with pytest.raises(SettingsError, match="s3 target needs a bucket"):
        _profile(target=Target(kind="s3"))
    with pytest.raises(SettingsError, match="no profile 'nope' \\(known: none"):
        settings.load().profile("nope")


def test_unreadable_settings_file_is_one_line() -> None:
    path = settings.config_dir() / settings.FILE_NAME
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(SettingsError, match="unreadable settings"):
        settings.load()


def test_no_keyring_backend_says_so_and_offers_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert not credentials.keyring_available()
    with pytest.raises(CredentialError) as info:
        credentials.set_secret("prod", "password", "pw")
    message = str(info.value)
    assert "no keyring backend" in message and "STITCHBOARD_SECRET_PROD_PASSWORD" in message
    assert "\n" not in message
    with pytest.raises(CredentialError, match="STITCHBOARD_SECRET_PROD_PASSWORD"):
        credentials.get_secret("prod", "password")
    # the ways on: an environment variable, or being asked each time
    assert credentials.get_secret("prod", "password", prompt=lambda _t: "typed") == "typed"
    monkeypatch.setenv("STITCHBOARD_SECRET_PROD_PASSWORD", "from-env")
    assert credentials.get_secret("prod", "password") == "from-env"


def test_remove_forgets_secrets() -> None:
    credentials.set_secret("prod", "token", "t")
    credentials.set_secret("prod", "git", "g")
    assert credentials.delete_secrets("prod") == 2
    assert credentials.get_secret("prod", "token", required=False) is None


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("auth", "nonsense", "invalid auth 'nonsense' (one of password, token, none)"),
        ("backend", "k8s", "invalid backend 'k8s' (one of kubernetes, worker)"),
    ],
)
def test_a_word_outside_a_vocabulary_is_refused_in_one_line(field, value, expected) -> None:
    with pytest.raises(SettingsError) as info:
        _profile(**{field: value})
    assert str(info.value) == f"profile 'prod': {expected}"
    with pytest.raises(SettingsError, match=r"^invalid target 'ftp' \(one of folder, git, s3\)$"):
        Target(kind="ftp")  # type: ignore[arg-type]


def test_profile_words_load_as_enums_and_save_as_words() -> None:
    profile = _profile(auth="token", backend="worker")
    assert profile.auth is settings.AuthKind.TOKEN and profile.backend is settings.Backend.WORKER
    assert profile.target.kind is settings.TargetKind.GIT
    config = settings.load()
    config.put(profile)
    saved = json.loads(config.save().read_text())["profiles"][0]
    assert (saved["auth"], saved["backend"], saved["target"]["kind"]) == ("token", "worker", "git")
    assert settings.load().profile("prod") == profile


def test_a_settings_file_with_an_unknown_word_names_the_profile() -> None:
    config = settings.load()
    config.put(_profile())
    path = config.save()
    data = json.loads(path.read_text())
    data["profiles"][0]["target"]["kind"] = "ftp"
    path.write_text(json.dumps(data))
    with pytest.raises(SettingsError) as info:
        settings.load()
    assert str(info.value) == "profile 'prod': invalid target 'ftp' (one of folder, git, s3)"
