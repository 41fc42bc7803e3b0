"""``doctor --image IMAGE``: whether a container image carries what the runtime needs in a pod.

Runs ``docker run --rm --entrypoint python3 IMAGE -c PROBE`` (where docker works) and turns the
JSON the probe prints into one ``Check`` per need: the Python packages the runtime imports
(``graph_editor.images.PYTHON_NEEDS``) and the Jupyter kernels registered in the image. Without
docker (or its daemon) it says that it cannot check, and how to check by hand.
"""

from __future__ import annotations

import json
import shutil
import subprocess

from app.doctor import Check
from graph_editor.images import PYTHON_NEEDS

TIMEOUT_S = 600.0  # a first pull of a 1 GB image takes minutes
# Runs inside the image with its python3: builtins only, then each need by import.
PROBE = """
import importlib, json, sys
found = {}
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
        found[name] = str(getattr(module, "__version__", "") or "present")
    except Exception as exc:
        found[name] = None
try:
    from jupyter_client.kernelspec import find_kernel_specs
    kernels = sorted(find_kernel_specs())
except Exception:
    kernels = []
print(json.dumps({"python": sys.version.split()[0], "modules": found, "kernels": kernels}))
"""


def _cannot(image: str, why: str) -> Check:
    by_hand = f"docker run --rm --entrypoint python3 {image} -c 'import papermill, ipykernel'"
    return Check(
        f"image {image}",
        False,
        f"cannot check it here: {why}",
        f"check it where Docker runs: {by_hand}",
        required=True,
    )


def probe_image(image: str, r: bool = False) -> list[Check]:
    """One check per need of the runtime in ``image`` (``r``: the IR kernel too)."""
    docker = shutil.which("docker")
    if docker is None:
        return [_cannot(image, "no docker command on PATH")]
    argv = [docker, "run", "--rm", "--entrypoint", "python3", image, "-c", PROBE, *PYTHON_NEEDS]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [_cannot(image, f"docker did not answer ({type(exc).__name__})")]
    lines = done.stdout.strip().splitlines()
    try:
        facts = json.loads(lines[-1]) if done.returncode == 0 and lines else None
    except ValueError:
        facts = None
    if not isinstance(facts, dict):
        said = " ".join((done.stderr or done.stdout).split())[-300:] or f"exit {done.returncode}"
        return [_cannot(image, f"docker run failed ({said})")]
    return _checks(image, facts, r)


def _checks(image: str, facts: dict[str, object], r: bool) -> list[Check]:
    modules = facts.get("modules") or {}
    assert isinstance(modules, dict)
    checks = [Check(f"image {image}", True, f"runs python3 {facts.get('python', '?')}")]
    for name in PYTHON_NEEDS:
        version = modules.get(name)
        fix = f"install it in the image (RUN python3 -m pip install {name})"
        checks.append(
            Check(f"  {name}", bool(version), str(version or "missing"), fix, required=True)
        )
    kernels = [str(k) for k in facts.get("kernels") or []]  # type: ignore[attr-defined]
    wanted = ["python3", "ir"] if r else ["python3"]
    for kernel in wanted:
        fix = (
            "python3 -m ipykernel install --sys-prefix"
            if kernel == "python3"
            else "apt-get install r-cran-irkernel (Debian) or IRkernel::installspec()"
        )
        ok = kernel in kernels
        seen = ", ".join(kernels) or "none"
        checks.append(
            Check(f"  kernel {kernel}", ok, f"kernels: {seen}", fix, required=kernel == "ir")
        )
    return checks
