"""The bundle's fallback Jupyter kernelspec: a real kernel from ``python3`` on PATH, never the frozen app."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

KERNELS = REPO / "packaging" / "kernels"


def manager(tmp_path: Path):  # -> KernelManager over only the bundle's kernelspec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    kernels = tmp_path / "kernels"
    shutil.copytree(KERNELS, kernels)
    specs = KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)
    return KernelManager(kernel_name="python3", kernel_spec_manager=specs)


def test_fallback_kernel_command_is_not_rewritten_to_the_running_executable(tmp_path: Path) -> None:
    """jupyter_client swaps a bare ``python``/``python3`` for sys.executable (the frozen binary)."""
    spec = json.loads((KERNELS / "python3" / "kernel.json").read_text())
    assert "{connection_file}" in spec["argv"] and "ipykernel_launcher" in spec["argv"]
    command = manager(tmp_path).format_kernel_cmd()
    assert command[0] != sys.executable
    assert command[:2] == ["/usr/bin/env", "python3"]


@pytest.mark.slow
def test_fallback_kernelspec_starts_a_real_kernel(tmp_path: Path, monkeypatch) -> None:
    # The fallback runs whatever `python3` is first on PATH; here, the test's own Python (in a
    # venv that is .venv/bin/python3, which has ipykernel), as a user's PATH would give it.
    bin_dir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ.get("PATH", ""))
    if not shutil.which("python3"):
        pytest.skip("no python3 on PATH")
    km = manager(tmp_path)
    km.start_kernel(cwd=str(tmp_path))
    try:
        client = km.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive("import sys; print(sys.version_info[0])", timeout=60)
        assert reply["content"]["status"] == "ok"
        client.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
