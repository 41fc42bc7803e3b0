"""Render packaging/icons/stitchboard.svg to the PNG (and .ico/.icns) icons the installers use.

Run: ``QT_QPA_PLATFORM=offscreen python3 packaging/icons/render_icons.py`` (it sets offscreen itself).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (48, 128, 256)
ICO_SIZES = (16, 32, 48, 256)


def render(svg: Path, size: int):  # -> QImage (PySide6 is imported lazily, after the env is set)
    """The SVG drawn into a transparent ``size`` x ``size`` image."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main(out_dir: Path = HERE) -> list[Path]:
    """Write stitchboard-48/128/256.png, stitchboard.ico and stitchboard.icns; return the paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])
    written = []
    for size in SIZES:
        path = out_dir / f"stitchboard-{size}.png"
        if not render(HERE / "stitchboard.svg", size).save(str(path), "PNG"):
            raise SystemExit(f"render_icons: cannot write {path}")
        written.append(path)
    ico = out_dir / "stitchboard.ico"
    ico.write_bytes(
        ico_bytes([(size, png_bytes(render(HERE / "stitchboard.svg", size))) for size in ICO_SIZES])
    )
    written.append(ico)
    # macOS: Qt's icns image plugin writes the .icns from the largest render.
    icns = out_dir / "stitchboard.icns"
    if render(HERE / "stitchboard.svg", 256).save(str(icns), "ICNS"):
        written.append(icns)
    else:
        print(
            "render_icons: note: this Qt cannot write ICNS; stitchboard.icns not made",
            file=sys.stderr,
        )
    return written


def png_bytes(image) -> bytes:  # image: QImage
    """The image encoded as PNG."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: list[tuple[int, bytes]]) -> bytes:
    """A Windows .ico holding one PNG-compressed image per size (Vista and later read these)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


if __name__ == "__main__":
    for written_path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written_path)
