"""A child a notebook or script starts in its own session (``setsid``) leaves its process
group, not its parent: TERM and kill -9 of the dry-run end it too (real kernels)."""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.app.runner.builders import notebook, pipeline
from tests.app.runner.test_signals import _marked, _wait_for

pytestmark = pytest.mark.slow
DETACHED = (
    "import subprocess, sys\n"
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', {mark!r}],"
    " start_new_session=True)\n"
)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "kill-9"])
def test_a_child_in_its_own_session_does_not_outlive_the_dry_run(
    tmp_path: Path, sig: signal.Signals
) -> None:
    nb_mark, script_mark = f"nb-{uuid.uuid4()}", f"script-{uuid.uuid4()}"
    nb = notebook(
        tmp_path / "busy.ipynb",
        body=DETACHED.format(mark=nb_mark) + "import time\ntime.sleep(300)",
        outputs="x = 1",
    )
    script = tmp_path / "job.py"
    script.write_text(DETACHED.format(mark=script_mark) + "import time\ntime.sleep(300)\n")
    pipeline(tmp_path, {"busy": nb, "job": script})
    command = [sys.executable, "-m", "app.cli.main", "dry-run", "--jobs", "2"]
    proc = subprocess.Popen(
        [*command, str(tmp_path / "test.stitch")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for(lambda: _marked(nb_mark) and _marked(script_mark)), "never started"
        proc.send_signal(sig)
        proc.communicate(timeout=120)
        assert _wait_for(lambda: not _marked(nb_mark) and not _marked(script_mark), 30), (
            "a child started in its own session outlived the dry-run"
        )
    finally:
        for leftover in _marked(nb_mark) + _marked(script_mark):
            leftover.kill()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
