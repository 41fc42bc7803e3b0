#!/usr/bin/env bash
# What CI runs for packaging: build the Linux bundle once, then smoke-run it, with timings.
# Usage: packaging/ci.sh [DIST_DIR]   (default: ./dist). Measured: ~2 min on 2 shared cores.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
DIST_DIR="${1:-$ROOT/dist}"

# Once the source has a render command, a bundle without it is a packaging bug, not a skip.
if grep -rqs 'add_parser("render"' "$ROOT/app/cli/commands"; then
    export STITCHBOARD_SMOKE_REQUIRE_RENDER=1
fi

t0=$(date +%s)
echo "== packaging: build the Linux bundle"
bash "$HERE/build_linux.sh" "$DIST_DIR"
t1=$(date +%s)
echo "== packaging: smoke-run the bundle"
bash "$HERE/smoke.sh" "$DIST_DIR"
t2=$(date +%s)
echo "== packaging: build $((t1 - t0)) s, smoke $((t2 - t1)) s, total $((t2 - t0)) s;" \
     "bundle $(du -sh "$DIST_DIR/stitchboard" | cut -f1)"
