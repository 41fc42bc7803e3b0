#!/usr/bin/env bash
# The README's set-up, word for word, as a newcomer on a fresh machine would run it: a fresh
# clone, a fresh HOME and TMPDIR, no pip cache. Command 1 (the editor on the bundled example)
# runs under Xvfb until its window shows; with --tests, command 2 (the whole suite) runs too.
# Each command fails past LIMIT seconds (20 minutes: what a newcomer may be asked to wait).
# Usage: .ci/fresh-readme.sh [--tests]        (docs/fresh-machine.md)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/stitchboard-fresh.XXXXXX")"
mkdir -p "$work/home" "$work/tmp"
git clone -q "$repo" "$work/clone"
cd "$work/clone"
mapfile -t commands < <(python3 - <<'PY'
import re
text = open("README.md", encoding="utf-8").read().split("## The notebook contract")[0]
for block in re.findall(r"```bash\n(.*?)```", text, re.S):
    for line in block.splitlines():
        if line.strip():
            print(line.strip())
PY
)
[ "${#commands[@]}" = 2 ] || { echo "README: expected two commands, found ${#commands[@]}"; exit 1; }
LIMIT=1200
fresh=(env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$work/home" TMPDIR="$work/tmp"
       LANG=C.UTF-8 PIP_NO_CACHE_DIR=1)
# The Airflow venv the tests use lives under the (fresh) HOME's cache: nothing is reused.
echo "== command 1: ${commands[0]}"
t0=$(date +%s)
"${fresh[@]}" timeout -k 30 "$LIMIT" xvfb-run -a -s "-screen 0 1600x1000x24" bash -c "
    ( ${commands[0]} ) > '$work/editor.log' 2>&1 &
    for i in \$(seq 1 600); do
        if xdotool search --name 'churn' >/dev/null 2>&1; then
            echo 'the editor window shows churn.stitch'; kill %1; exit 0
        fi
        kill -0 %1 2>/dev/null || { echo 'the editor exited:'; tail -20 '$work/editor.log'; exit 1; }
        sleep 1
    done
    echo 'no editor window after 600 s'; tail -20 '$work/editor.log'; exit 1" || {
    code=$?; [ "$code" = 124 ] && echo "command 1 took over $LIMIT s"; exit "$code"; }
echo "== command 1 took $(( $(date +%s) - t0 )) s"
if [ "${1:-}" = "--tests" ]; then
    echo "== command 2: ${commands[1]}"
    t0=$(date +%s)
    "${fresh[@]}" DISPLAY= timeout -k 60 "$LIMIT" bash -c "${commands[1]}" || {
        code=$?; [ "$code" = 124 ] && echo "command 2 took over $LIMIT s"; exit "$code"; }
    echo "== command 2 took $(( $(date +%s) - t0 )) s"
fi
echo "fresh README check passed ($work)"
