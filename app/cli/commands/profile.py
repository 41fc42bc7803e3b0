"""``profile add|list|show|remove|test``: cluster profiles (secrets go to the keyring only)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import replace

from app import credentials
from app import settings as settings_mod
from app.cli.commands.deploy import terminal_prompt
from app.cli.common import CliError
from app.deploy.checks import check_profile
from app.errors import CredentialError

ORDER = 45


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "profile", help="manage cluster profiles (add, list, show, remove, test)"
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    a = sub.add_parser("add", help="add or replace a profile")
    a.add_argument("name")
    a.add_argument(
        "--url", required=True, help="Airflow base URL, e.g. https://airflow.example.com"
    )
    a.add_argument(
        "--auth", choices=settings_mod.choices(settings_mod.AuthKind), default="password"
    )
    a.add_argument("--username", default="", help="for --auth password")
    a.add_argument(
        "--secret-stdin",
        action="store_true",
        help="read the password or token from stdin (else asked on the terminal)",
    )
    a.add_argument("--no-verify-tls", action="store_true", help="skip TLS checks (not advised)")
    a.add_argument("--ca-bundle", default="", metavar="FILE", help="a custom CA bundle (PEM)")
    a.add_argument(
        "--backend", choices=settings_mod.choices(settings_mod.Backend), default="kubernetes"
    )
    a.add_argument(
        "--target", choices=settings_mod.choices(settings_mod.TargetKind), default="folder"
    )
    a.add_argument("--path", default="", help="folder target: the mounted DAG folder")
    a.add_argument("--repo", default="", help="git target: repository URL")
    a.add_argument("--branch", default="main", help="git target: branch (default main)")
    a.add_argument("--subfolder", default="", help="git target: folder inside the repository")
    a.add_argument("--endpoint", default="", help="s3 target: endpoint URL (empty for AWS)")
    a.add_argument("--bucket", default="", help="s3 target: bucket")
    a.add_argument("--prefix", default="", help="s3 target: key prefix")
    a.add_argument("--region", default="", help="s3 target: region")
    a.add_argument(
        "--git-secret",
        action="store_true",
        help="git target: ask for an access token for https pushes",
    )
    a.add_argument(
        "--s3-access-key-id",
        default="",
        help="s3 target: access key id (its secret key is asked for)",
    )
    a.add_argument(
        "--artifact-store",
        default="",
        metavar="URL",
        help="the cluster's artifact store (s3://bucket/prefix, gs://..., abfs://..., or a "
        "shared-volume folder); overrides the pipeline's at deploy",
    )
    a.add_argument(
        "--store-secret", default="", help="Kubernetes Secret with the pods' store credentials"
    )
    a.add_argument(
        "--store-connection", default="", help="Airflow connection id workers read the store with"
    )
    a.set_defaults(handler=cmd_add)

    lst = sub.add_parser("list", help="list profiles")
    lst.set_defaults(handler=cmd_list)
    for action, handler, text in (
        ("show", cmd_show, "show one profile"),
        ("remove", cmd_remove, "remove a profile and its secrets"),
        ("test", cmd_test, "check API, credentials and target"),
    ):
        s = sub.add_parser(action, help=text)
        s.add_argument("name")
        if action == "show":
            s.add_argument("--json", action="store_true")
        s.set_defaults(handler=handler)


def _ask(text: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise CliError(f"{text.rstrip(': ')}: not a terminal; use --secret-stdin")
    return getpass.getpass(text)


def _store(name: str, kind: str, value: str) -> None:
    """Store a secret; without a keyring say so in one line and how to go on."""
    if not value:
        return
    try:
        credentials.set_secret(name, kind, value)
        print(f"  {kind} stored in the keyring ({credentials.backend_name()})")
    except CredentialError as exc:
        print(f"  warning: {exc}", file=sys.stderr)


def cmd_add(args: argparse.Namespace) -> int:
    target = settings_mod.Target(
        kind=args.target,
        path=args.path,
        repo=args.repo,
        branch=args.branch,
        subfolder=args.subfolder,
        endpoint=args.endpoint,
        bucket=args.bucket,
        prefix=args.prefix,
        region=args.region,
    )
    # A secret typed into a URL goes to the keyring; settings.json keeps the URL without it.
    base_url, url_user, url_password = credentials.split_url(args.url)
    base_url = credentials.strip_userinfo(base_url)
    username = args.username or url_user
    repo, _, git_password = credentials.split_url(args.repo)
    endpoint, s3_access, s3_secret = credentials.split_url(args.endpoint)
    endpoint = credentials.strip_userinfo(endpoint)
    target = replace(target, repo=repo, endpoint=endpoint)
    if args.auth == "password" and not username:
        raise CliError("--auth password needs --username")
    profile = settings_mod.Profile(
        name=args.name,
        base_url=base_url,
        auth=args.auth,
        username=username,
        verify_tls=not args.no_verify_tls,
        ca_bundle=args.ca_bundle,
        target=target,
        backend=args.backend,
        artifact_store=args.artifact_store,
        store_secret=args.store_secret,
        store_connection=args.store_connection,
    )
    config = settings_mod.load()
    _refuse_env_collision(config, args.name)
    secrets: list[tuple[str, str]] = []  # asked before saving, so a refusal changes nothing
    if args.auth == "password" and url_password:
        secrets.append(("password", url_password))
    elif args.auth in ("password", "token"):
        asked = _ask(f"{args.auth} for {base_url}: ", args.secret_stdin)
        secrets.append((args.auth, asked))
    if git_password:
        secrets.append(("git", git_password))
    elif args.git_secret:
        secrets.append(("git", _ask("git access token: ", args.secret_stdin)))
    if s3_access and s3_secret:
        secrets += [("s3-access-key", s3_access), ("s3-secret-key", s3_secret)]
    elif args.s3_access_key_id:
        secrets.append(("s3-access-key", args.s3_access_key_id))
        secrets.append(("s3-secret-key", _ask("S3 secret access key: ", args.secret_stdin)))
    config.put(profile)
    path = config.save()
    print(f"profile {args.name!r} saved in {path}")
    # A re-added profile is a new one: secrets it no longer names must not linger.
    stale = tuple(k for k in credentials.KINDS if k not in {kind for kind, _ in secrets})
    if credentials.delete_secrets(args.name, stale):
        print("  removed the secrets the previous profile of that name kept in the keyring")
    for kind, value in secrets:
        _store(args.name, kind, value)
    return 0


def _refuse_env_collision(config: settings_mod.Settings, name: str) -> None:
    """Two profiles must never read their secrets from the same environment variable."""
    for other in config.profiles:
        if other != name and credentials.env_var(other, "password") == credentials.env_var(
            name, "password"
        ):
            raise CliError(
                f"profile {name!r} would share its secret variables "
                f"({credentials.env_var(name, 'password')}) with profile {other!r}; pick another name"
            )


def cmd_list(args: argparse.Namespace) -> int:
    config = settings_mod.load()
    if not config.profiles:
        print("no profiles (stitchboard profile add NAME --url URL ...)")
    for name, p in sorted(config.profiles.items()):
        line = f"{name:<16} {p.api_base:<36} {p.backend:<10} {p.target.describe()}"
        print(credentials.redact_url(line))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    profile = settings_mod.load().profile(args.name)
    data = profile.to_json()
    if args.json:
        print(credentials.redact_url(json.dumps(data, indent=2)))
        return 0
    for key, value in data.items():
        if key == "target":
            print(credentials.redact_url(f"{'target':<14}{profile.target.describe()}"))
        elif value not in ("", None):
            print(credentials.redact_url(f"{key:<14}{value}"))
    print(
        f"{'secrets':<14}keyring service 'stitchboard' (or ${credentials.env_var(args.name, profile.auth)})"
    )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    config = settings_mod.load()
    config.remove(args.name)
    config.save()
    removed = credentials.delete_secrets(args.name)
    print(f"profile {args.name!r} removed ({removed} secret(s) deleted from the keyring)")
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    profile = settings_mod.load().profile(args.name)
    failed = 0
    for verdict in check_profile(profile, prompt=terminal_prompt()):
        mark = "ok  " if verdict.ok else "FAIL"
        print(credentials.redact_url(f"{mark} {verdict.check:<12} {verdict.message}"))
        failed += not verdict.ok
    return 1 if failed else 0
