"""``doctor``: what this machine has for Stitchboard, one line per check with a fix for each ✗."""

from __future__ import annotations

import argparse
import json
import sys

from app import doctor

ORDER = 90


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "doctor",
        help="check Python, Qt libraries, kernels, keyring, Airflow venv and profiles",
    )
    p.add_argument("--json", action="store_true", help="print JSON for machines")
    p.add_argument(
        "--image",
        metavar="IMAGE",
        help="check a container image for what the runtime needs (runs it with docker)",
    )
    p.add_argument("--r", action="store_true", help="with --image: it runs R nodes (IR kernel)")
    p.set_defaults(handler=cmd_doctor)


def _mark(ok: bool) -> str:
    encoding = (getattr(sys.stdout, "encoding", "") or "").lower()
    if "utf" in encoding:
        return "✓" if ok else "✗"
    return "ok " if ok else "BAD"


def cmd_doctor(args: argparse.Namespace) -> int:
    if args.image:
        from app.image_check import probe_image

        checks = probe_image(args.image, r=args.r)
    else:
        checks = doctor.all_checks()
    healthy = doctor.healthy(checks)
    if args.json:
        print(json.dumps({"ok": healthy, "checks": [c.to_json() for c in checks]}, indent=2))
    else:
        for check in checks:
            line = f"{_mark(check.ok)} {check.name}: {check.detail}"
            if not check.ok:
                line += f" — fix: {check.fix}" + ("" if check.required else " (optional)")
            print(line)
    return 0 if healthy else 1
