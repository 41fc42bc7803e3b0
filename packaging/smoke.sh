#!/usr/bin/env bash
# Smoke-run a built bundle: packaging/smoke.sh DIST_DIR  (the folder holding stitchboard/)
# Checks --version, validate of the example (a copy outside the repo, and the copy inside the
# bundle) and render of the example offscreen to a PNG. Runs the binary with a bare environment
# in a temp folder, so nothing from the source tree or a Python install can help it.
# Env: STITCHBOARD_SMOKE_REQUIRE_RENDER=1 = fail (not skip) when the build has no render command.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
DIST_DIR="${1:?usage: smoke.sh DIST_DIR}"
BUNDLE="$DIST_DIR/stitchboard"
BIN="$BUNDLE/stitchboard"
WIDTH=800
HEIGHT=500

fail() { echo "smoke: FAILED: $*" >&2; exit 1; }
[ -x "$BIN" ] || fail "no executable at $BIN (build first: packaging/build_linux.sh $DIST_DIR)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stitchboard-smoke.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home"
OUT="$WORK/out.txt"

# run NAME CMD...: the binary with a bare environment in $WORK; output kept in $OUT.
run() {
    local name="$1"; shift
    (cd "$WORK" && env -i HOME="$WORK/home" PATH="/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 \
        XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share" \
        XDG_CACHE_HOME="$WORK/home/.cache" XDG_STATE_HOME="$WORK/home/.local/state" \
        QT_QPA_PLATFORM=offscreen "$@") >"$OUT" 2>&1
    local code=$?
    if [ $code -ne 0 ]; then
        sed 's/^/    | /' "$OUT" | tail -n 20 >&2
        fail "$name: exit code $code"
    fi
}

# 1. the version comes from the bundled package metadata
run "--version" "$BIN" --version
version="$(tr -d '\n' <"$OUT")"
[[ "$version" =~ ^stitchboard\ [0-9]+\.[0-9]+ ]] || fail "--version: printed '$version', expected 'stitchboard X.Y…' from metadata"
echo "smoke: ok   --version -> $version"

# 2. validate a copy of the example that lives outside the repo, then the copy in the bundle
cp -r "$ROOT/resources/examples/churn" "$WORK/churn"
run "validate (copy)" "$BIN" validate "$WORK/churn/churn.stitch"
echo "smoke: ok   validate copy -> $(head -n 1 "$OUT")"
INSIDE="$(find "$BUNDLE" -path '*/resources/examples/churn/churn.stitch' -print -quit)"
[ -n "$INSIDE" ] || fail "validate (bundled): the example is not inside the bundle"
run "validate (bundled)" "$BIN" validate "$INSIDE"
echo "smoke: ok   validate bundled -> $(head -n 1 "$OUT")"

# 3. render offscreen, when this build has the command
run "--help" "$BIN" --help
if ! grep -Eq '^[[:space:]]+render[[:space:]]' "$OUT"; then
    [ "${STITCHBOARD_SMOKE_REQUIRE_RENDER:-0}" = 1 ] && fail "render: the source has a render command but the bundle does not"
    echo "smoke: skip render: not available in this build"
    echo "smoke: passed (without render)"
    exit 0
fi
PNG="$WORK/churn.png"
run "render" "$BIN" render "$WORK/churn/churn.stitch" -o "$PNG" --size "${WIDTH}x${HEIGHT}"
[ -s "$PNG" ] || fail "render: exit 0 but no PNG at $PNG"
read -r -a head <<<"$(od -An -tu1 -N24 "$PNG" | tr -s ' \n' ' ')"
[ "${head[0]:-}:${head[1]:-}:${head[2]:-}:${head[3]:-}" = "137:80:78:71" ] || fail "render: $PNG is not a PNG file"
w=$(( (head[16] << 24) | (head[17] << 16) | (head[18] << 8) | head[19] ))
h=$(( (head[20] << 24) | (head[21] << 16) | (head[22] << 8) | head[23] ))
# a device pixel ratio may scale the image: accept any whole multiple of the asked size
if [ $w -lt $WIDTH ] || [ $((w % WIDTH)) -ne 0 ] || [ $((h * WIDTH)) -ne $((w * HEIGHT)) ]; then
    fail "render: PNG is ${w}x${h}, expected ${WIDTH}x${HEIGHT}"
fi
bytes=$(stat -c %s "$PNG")
# an empty canvas of this size compresses to a few KB; drawn nodes and text take far more
[ "$bytes" -gt 15000 ] || fail "render: PNG is only $bytes bytes: the picture looks empty"
echo "smoke: ok   render -> ${w}x${h} PNG, $bytes bytes"
echo "smoke: passed"
