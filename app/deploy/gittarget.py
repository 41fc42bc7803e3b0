"""The git target: one commit per delivery, pushed to the branch git-sync (or a git bundle) reads."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

import platformdirs

from app import credentials
from app.deploy.errors import DeployError, TargetNotWritable
from app.deploy.targets import DeliveryTarget, Previous, check_name

ASKPASS = "#!/bin/sh\nexec printf '%s\\n' \"$STITCHBOARD_GIT_SECRET\"\n"
IDENTITY = ("-c", "user.name=Stitchboard", "-c", "user.email=deploy@stitchboard.invalid")


class GitTarget(DeliveryTarget):
    """A branch and subfolder of a git repository, worked on in a private cached clone."""

    def __init__(
        self,
        profile: str,
        repo: str,
        branch: str = "main",
        subfolder: str = "",
        workdir: Path | None = None,
    ) -> None:
        self.profile = profile
        self.repo = repo
        self.branch = branch or "main"
        self.subfolder = subfolder.strip("/")
        key = hashlib.sha256(f"{repo}\0{self.branch}".encode()).hexdigest()[:16]
        cache = Path(platformdirs.user_cache_dir("stitchboard", appauthor=False))
        self.workdir = workdir or cache / "git-targets" / key

    def describe(self) -> str:
        sub = f" ({self.subfolder})" if self.subfolder else ""
        return f"git {credentials.redact_url(self.repo)} branch {self.branch}{sub}"

    def relative_path(self, name: str) -> str:
        return str(PurePosixPath(self.subfolder, name)) if self.subfolder else name

    # -- plumbing -------------------------------------------------------------------------
    def _git(self, *args: str, cwd: Path | None = None, check: bool = True) -> str:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        secret = credentials.get_secret(self.profile, "git", required=False)
        askpass = None
        if secret:
            fd, askpass = tempfile.mkstemp(prefix="stitchboard-askpass-")
            with os.fdopen(fd, "w") as f:
                f.write(ASKPASS)  # the script holds no secret: it echoes an env variable
            os.chmod(askpass, stat.S_IRWXU)
            env.update(GIT_ASKPASS=askpass, STITCHBOARD_GIT_SECRET=secret)
        try:
            proc = subprocess.run(
                ["git", *args],
                cwd=cwd or self.workdir,
                env=env,
                text=True,
                capture_output=True,
                timeout=120,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TargetNotWritable(
                credentials.redact_url(f"git {args[0]} failed for {self.repo}: {exc}")
            ) from exc
        finally:
            if askpass:
                os.unlink(askpass)
        if check and proc.returncode != 0:
            text = (proc.stderr or proc.stdout).strip().splitlines()
            last = text[-1] if text else f"exit {proc.returncode}"
            if secret:
                last = last.replace(secret, "***")
            raise TargetNotWritable(
                credentials.redact_url(f"git {args[0]} failed for {self.repo}: {last}")
            )
        return proc.stdout

    def _sync(self) -> None:
        """Bring the private clone to the remote branch's tip (or an empty branch)."""
        if not (self.workdir / ".git").is_dir():
            self.workdir.parent.mkdir(parents=True, exist_ok=True)
            self._git(
                "clone",
                "--quiet",
                "--no-checkout",
                self.repo,
                str(self.workdir),
                cwd=self.workdir.parent,
            )
        self._git("fetch", "--quiet", "origin")
        has_branch = self._git("ls-remote", "--heads", "origin", self.branch).strip()
        if has_branch:
            self._git("checkout", "--quiet", "-B", self.branch, f"origin/{self.branch}")
            self._git("reset", "--quiet", "--hard", f"origin/{self.branch}")
        else:
            self._git("checkout", "--quiet", "--orphan", self.branch, check=False)
        self._git("clean", "--quiet", "-fdx")

    def _path(self, name: str) -> Path:
        return self.workdir.joinpath(*PurePosixPath(self.relative_path(check_name(name))).parts)

    # -- target API -----------------------------------------------------------------------
    def read(self, names: list[str]) -> Previous:
        self._sync()
        found: Previous = {}
        for name in names:
            path = self._path(name)
            found[name] = path.read_bytes() if path.is_file() else None
        return found

    def write(self, files: Previous, message: str) -> None:
        for name, data in files.items():
            path = self._path(name)
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            self._git("add", "-A", "--", str(path.relative_to(self.workdir)))
        if not self._git("status", "--porcelain").strip():
            return
        self._git(*IDENTITY, "commit", "--quiet", "-m", message)
        try:
            self._git("push", "--quiet", "origin", f"HEAD:refs/heads/{self.branch}")
        except TargetNotWritable:
            # Someone pushed meanwhile: drop our commit so the next try starts clean.
            self._git("reset", "--quiet", "--hard", "HEAD~1", check=False)
            raise

    def check_writable(self) -> str:
        self._sync()
        try:
            self._git(
                "push",
                "--dry-run",
                "--quiet",
                "origin",
                f"HEAD:refs/heads/{self.branch}"
                if self._has_head()
                else f"refs/heads/{self.branch}",
                check=self._has_head(),
            )
        except DeployError as exc:
            raise TargetNotWritable(f"{self.describe()} is not writable: {exc}") from exc
        return f"{self.describe()} is reachable and accepts pushes"

    def _has_head(self) -> bool:
        return bool(self._git("rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())
