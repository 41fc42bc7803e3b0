#!/usr/bin/env bash
# Register Stitchboard with the desktop for the current user: menu entry, icon, and the
# application/x-stitchboard MIME type for *.stitch files, so a double-click opens the editor.
#
#   install-desktop.sh [--bundle DIR] [--uninstall]
#
# --bundle DIR: the built bundle folder (holding the stitchboard binary). Default: the bundle
# this script ships in, else ./dist/stitchboard, else `stitchboard` found on PATH (pip install).
# Uses xdg-desktop-menu / xdg-mime / xdg-icon-resource when present, else copies the files into
# ${XDG_DATA_HOME:-~/.local/share} and refreshes the caches itself. STITCHBOARD_NO_XDG=1 forces
# the copying path. The binary is also linked as ~/.local/bin/stitchboard.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
BIN_HOME="${STITCHBOARD_BIN_HOME:-$HOME/.local/bin}"
MIME_TYPE="application/x-stitchboard"
MIME_ICON="application-x-stitchboard"

# The files travel next to this script: in the source tree (packaging/linux, packaging/icons)
# and inside a bundle (_internal/share/stitchboard/desktop and _internal/share/stitchboard/icons).
ICONS="$HERE/../icons"
DESKTOP_FILE="$HERE/stitchboard.desktop"
MIME_FILE="$HERE/stitchboard-mime.xml"

fail() { echo "install-desktop: FAILED: $*" >&2; exit 1; }
trap 'fail "step failed at line $LINENO: $BASH_COMMAND"' ERR
has() { [ "${STITCHBOARD_NO_XDG:-0}" != 1 ] && command -v "$1" >/dev/null 2>&1; }

bundle="" uninstall=0
while [ $# -gt 0 ]; do
    case "$1" in
        --bundle) bundle="${2:?--bundle needs a folder}"; shift 2 ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "unknown argument: $1 (see --help)" ;;
    esac
done

if [ $uninstall = 1 ]; then
    has xdg-desktop-menu && xdg-desktop-menu uninstall --mode user stitchboard.desktop || true
    has xdg-mime && xdg-mime uninstall --mode user "$MIME_FILE" || true
    rm -f "$DATA_HOME/applications/stitchboard.desktop" "$DATA_HOME/mime/packages/stitchboard-mime.xml"
    find "$DATA_HOME/icons/hicolor" \( -name stitchboard.png -o -name stitchboard.svg \
        -o -name "$MIME_ICON.png" -o -name "$MIME_ICON.svg" -o -name "gnome-mime-$MIME_ICON.png" \) \
        -delete 2>/dev/null || true
    for list in "${XDG_CONFIG_HOME:-$HOME/.config}/mimeapps.list" "$DATA_HOME/applications/defaults.list"; do
        [ -f "$list" ] && sed -i "\|^$MIME_TYPE=|d" "$list"
    done
    [ -L "$BIN_HOME/stitchboard" ] && rm -f "$BIN_HOME/stitchboard"
    command -v update-mime-database >/dev/null && update-mime-database "$DATA_HOME/mime" >/dev/null 2>&1 || true
    echo "install-desktop: removed"
    exit 0
fi

# -- which binary the menu entry starts
if [ -z "$bundle" ]; then
    for candidate in "$HERE/../../../.." "$HERE/../../dist/stitchboard"; do
        if [ -f "$candidate/stitchboard" ] && [ -x "$candidate/stitchboard" ] && [ -d "$candidate/_internal" ]; then
            bundle="$candidate"; break
        fi
    done
fi
if [ -n "$bundle" ]; then
    [ -x "$bundle/stitchboard" ] || fail "no executable $bundle/stitchboard"
    exe="$(cd "$bundle" && pwd)/stitchboard"
    mkdir -p "$BIN_HOME"
    ln -sfn "$exe" "$BIN_HOME/stitchboard"
elif command -v stitchboard >/dev/null 2>&1; then
    exe="$(command -v stitchboard)"
else
    fail "no bundle found and no stitchboard on PATH; pass --bundle DIR"
fi
for f in "$DESKTOP_FILE" "$MIME_FILE" "$ICONS/stitchboard.svg" "$ICONS/stitchboard-256.png"; do
    [ -f "$f" ] || fail "missing $f"
done

# -- the .desktop entry, with Exec/TryExec naming this binary by its absolute path
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
quoted="$exe"; case "$exe" in *" "*) quoted="\"$exe\"" ;; esac
sed -e "s|^Exec=stitchboard |Exec=$quoted |" -e "s|^TryExec=stitchboard$|TryExec=$exe|" \
    "$DESKTOP_FILE" >"$work/stitchboard.desktop"

# -- icons: the app icon and the document icon for *.stitch files
if has xdg-icon-resource; then
    for size in 48 128 256; do
        xdg-icon-resource install --noupdate --novendor --mode user --context apps --size "$size" "$ICONS/stitchboard-$size.png" stitchboard
        xdg-icon-resource install --noupdate --novendor --mode user --context mimetypes --size "$size" "$ICONS/stitchboard-$size.png" "$MIME_ICON"
    done
    xdg-icon-resource forceupdate --mode user
else
    for size in 48 128 256; do
        for pair in "apps/stitchboard" "mimetypes/$MIME_ICON"; do
            mkdir -p "$DATA_HOME/icons/hicolor/${size}x${size}/${pair%/*}"
            cp "$ICONS/stitchboard-$size.png" "$DATA_HOME/icons/hicolor/${size}x${size}/$pair.png"
        done
    done
fi
mkdir -p "$DATA_HOME/icons/hicolor/scalable/apps" "$DATA_HOME/icons/hicolor/scalable/mimetypes"
cp "$ICONS/stitchboard.svg" "$DATA_HOME/icons/hicolor/scalable/apps/stitchboard.svg"
cp "$ICONS/stitchboard.svg" "$DATA_HOME/icons/hicolor/scalable/mimetypes/$MIME_ICON.svg"

# -- the MIME type
if has xdg-mime; then
    xdg-mime install --mode user --novendor "$MIME_FILE"
else
    mkdir -p "$DATA_HOME/mime/packages"
    cp "$MIME_FILE" "$DATA_HOME/mime/packages/stitchboard-mime.xml"
    if command -v update-mime-database >/dev/null 2>&1; then
        update-mime-database "$DATA_HOME/mime"
    else
        echo "install-desktop: note: update-mime-database not found (install shared-mime-info);" \
             "*.stitch is recognised after the next MIME cache update" >&2
    fi
fi

# -- the menu entry, and Stitchboard as the default application for *.stitch
if has xdg-desktop-menu; then
    xdg-desktop-menu install --mode user --novendor "$work/stitchboard.desktop"
else
    mkdir -p "$DATA_HOME/applications"
    cp "$work/stitchboard.desktop" "$DATA_HOME/applications/stitchboard.desktop"
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$DATA_HOME/applications" || true
fi
if has xdg-mime; then
    xdg-mime default stitchboard.desktop "$MIME_TYPE" || true
else
    # what xdg-mime default writes: the user's mimeapps.list
    config="${XDG_CONFIG_HOME:-$HOME/.config}"
    mkdir -p "$config"
    list="$config/mimeapps.list"
    touch "$list"
    if ! grep -q "^$MIME_TYPE=" "$list"; then
        if grep -q '^\[Default Applications\]' "$list"; then
            sed -i "/^\[Default Applications\]/a $MIME_TYPE=stitchboard.desktop" "$list"
        else
            printf '[Default Applications]\n%s=stitchboard.desktop\n' "$MIME_TYPE" >>"$list"
        fi
    fi
fi
echo "install-desktop: installed for ${USER:-$(id -un)}: $exe opens *.stitch ($MIME_TYPE)"
