"""The cluster's artifact store at deploy: the profile's override, and a real probe of it.

``effective_pipeline`` applies a profile's store settings to a copy of the pipeline before
export; ``probe_store`` writes, lists and removes a small object, so that a store that is
unreachable or refuses these credentials is reported before anything is delivered or runs.
The probe runs here, with this machine's access (``AWS_*`` variables, ``~/.aws``, gcloud...):
pods and workers get theirs from the Secret or connection the pipeline names.
"""

from __future__ import annotations

import uuid

from app.deploy.errors import DeployError
from app.settings import Profile
from graph_editor.pipeline import Pipeline
from graph_editor.store_rules import store_problem

PROBE_FOLDER = "_stitchboard/probe"


class StoreUnusable(DeployError):
    """The artifact store is misconfigured, unreachable or not writable."""


def effective_pipeline(pipeline: Pipeline, profile: Profile) -> Pipeline:
    """The pipeline as the profile deploys it: the profile's store settings win when set."""
    changes = {
        k: getattr(profile, k)
        for k in ("artifact_store", "store_secret", "store_connection")
        if getattr(profile, k)
    }
    if not changes:
        return pipeline
    deployed = pipeline.copy()
    deployed.update_settings(**changes)
    return deployed


def probe_store(url: str) -> str:
    """Write, list and delete a probe object in the store; the line to show, or raise."""
    problem = store_problem(url)
    if problem is not None:
        raise StoreUnusable(problem.message)
    try:
        import fsspec

        fs, root = fsspec.core.url_to_fs(url)
        folder = f"{root.rstrip('/')}/{PROBE_FOLDER}"
        path = f"{folder}/{uuid.uuid4().hex}"
        protocols = (fs.protocol,) if isinstance(fs.protocol, str) else tuple(fs.protocol)
        if "file" in protocols:  # a folder store (or a fresh PVC) starts empty; an object
            fs.makedirs(folder, exist_ok=True)  # store's makedirs would create a missing bucket
        fs.pipe_file(path, b"stitchboard probe\n")
        listed = [p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(folder, detail=False)]
        fs.rm_file(path)
    except Exception as exc:  # botocore, gcsfs, OS errors: one family, one line
        text = " ".join(str(exc).split()) or type(exc).__name__
        raise StoreUnusable(f"artifact store {url}: cannot write a probe object ({text})") from exc
    if path.rsplit("/", 1)[-1] not in listed:
        raise StoreUnusable(f"artifact store {url}: a probe object written was not listed")
    return f"artifact store {url} is writable (probe object written, listed, removed)"
