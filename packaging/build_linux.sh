#!/usr/bin/env bash
# Build the one-folder Linux bundle: packaging/build_linux.sh [DIST_DIR]  (default: ./dist)
# Result: DIST_DIR/stitchboard/stitchboard. Installs PyInstaller with pip when it is missing.
# Env: STITCHBOARD_BUILD_DIR = PyInstaller's work folder (kept between builds: faster rebuilds),
#      PYTHON = the Python to build with (default python3), STITCHBOARD_CLEAN=1 = drop caches first.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
PYTHON="${PYTHON:-python3}"
DIST_DIR="$(mkdir -p "${1:-$ROOT/dist}" && cd "${1:-$ROOT/dist}" && pwd)"
WORK_DIR="${STITCHBOARD_BUILD_DIR:-$ROOT/build/pyinstaller}"

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    echo "build: installing pyinstaller"
    "$PYTHON" -m pip install -q "pyinstaller>=6.10" || { echo "build: FAILED: cannot install pyinstaller" >&2; exit 1; }
fi
if ! "$PYTHON" -c "import importlib.metadata as m; m.version('stitchboard')" 2>/dev/null; then
    echo "build: FAILED: stitchboard is not installed in $PYTHON (run: pip install -e .)" >&2
    exit 1
fi

clean=()
[ "${STITCHBOARD_CLEAN:-0}" = 1 ] && clean=(--clean)
start=$(date +%s)
echo "build: pyinstaller $("$PYTHON" -m PyInstaller --version) -> $DIST_DIR/stitchboard"
if ! "$PYTHON" -m PyInstaller "${clean[@]}" --noconfirm --log-level WARN \
        --distpath "$DIST_DIR" --workpath "$WORK_DIR" "$HERE/stitchboard.spec"; then
    echo "build: FAILED: pyinstaller exited non-zero (see the lines above)" >&2
    exit 1
fi
[ -x "$DIST_DIR/stitchboard/stitchboard" ] || { echo "build: FAILED: no $DIST_DIR/stitchboard/stitchboard" >&2; exit 1; }
echo "build: done in $(( $(date +%s) - start )) s; bundle size $(du -sh "$DIST_DIR/stitchboard" | cut -f1)" \
     "($(find "$DIST_DIR/stitchboard" -type f | wc -l) files)"
