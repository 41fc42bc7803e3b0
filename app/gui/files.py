"""File handling of the main window: new/open/save/save as/recent files, close prompt, recovery."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.gui.document import Document, Recovery, pending_recoveries
from app.gui.guard import report
from app.gui.shell import Shell
from graph_editor.errors import PipelineFileError

MAX_RECENT = 8
FILTER = "Stitchboard pipelines (*.stitch)"


def settings() -> QtCore.QSettings:
    """QSettings: window geometry and recent files only (everything else is in app settings)."""
    return QtCore.QSettings("Stitchboard", "Stitchboard")


class FileService(QtCore.QObject):
    """Everything that reads or writes the window's files; the window holds it as ``files``."""

    recent_changed = QtCore.Signal(
        list
    )  # the recent files, newest first (the start page lists them)

    def __init__(
        self,
        shell: Shell,
        set_document: Callable[[Document], None],
        commit_edits: Callable[[], None],
        saved: Callable[[], None],
    ) -> None:
        super().__init__(shell.widget)
        self.shell = shell
        self._set_document = set_document
        self._commit_edits = commit_edits  # a half-typed field goes into the file
        self._saved = saved
        self.recent_menu = QtWidgets.QMenu("Open &Recent", shell.widget)

    def recent_files(self) -> list[str]:
        value = settings().value("recentFiles", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if Path(v).exists()]

    def _remember(self, path: Path) -> None:
        files = [str(path)] + [f for f in self.recent_files() if f != str(path)]
        settings().setValue("recentFiles", files[:MAX_RECENT])
        self.rebuild_recent_menu()

    def rebuild_recent_menu(self) -> None:
        """File ▸ Open Recent (and whoever listens to ``recent_changed``) shows the recent files."""
        menu = self.recent_menu
        menu.clear()
        for path in self.recent_files():
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_file(Path(p)))
        menu.setEnabled(bool(menu.actions()))
        self.recent_changed.emit(self.recent_files())

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False means the user cancelled."""
        document = self.shell.document
        if not document.dirty:
            return True
        answer = QtWidgets.QMessageBox.question(
            self.shell.widget,
            "Unsaved changes",
            f"Save the changes to {document.title}?",
            QtWidgets.QMessageBox.Save
            | QtWidgets.QMessageBox.Discard
            | QtWidgets.QMessageBox.Cancel,
            QtWidgets.QMessageBox.Save,
        )
        if answer == QtWidgets.QMessageBox.Cancel:
            return False
        if answer == QtWidgets.QMessageBox.Save:
            return self.save()
        return True

    def new_file(self) -> None:
        if self.maybe_save():
            self.shell.document.discard_recovery()
            self._set_document(Document())

    def open_dialog(self) -> None:
        current = self.shell.document.path
        start = str(current.parent) if current else ""
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.shell.widget, "Open pipeline", start, FILTER
        )
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> bool:
        """Open a pipeline; a broken or newer file shows the error and keeps the current one."""
        if not self.maybe_save():
            return False
        try:
            document = Document.open(path)
        except PipelineFileError as exc:
            self.shell.show_error("Cannot open pipeline", str(exc))
            return False
        except OSError as exc:
            report(self.shell, f"Open {path}", exc, dialog=True)
            return False
        self.shell.document.discard_recovery()
        self._set_document(document)
        self._remember(document.path or path)
        self.shell.show_status(f"Opened {path}")
        return True

    def save(self) -> bool:
        path = self.shell.document.path
        return self.save_as() if path is None else self.save_to(path)

    def save_as(self) -> bool:
        document = self.shell.document
        start = str(document.path or Path.cwd() / document.title)
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.shell.widget, "Save pipeline as", start, FILTER
        )
        if not path:
            return False
        if not path.endswith(".stitch"):
            path += ".stitch"
        return self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        """Write the document to ``path``; False (and a dialog saying why) when it cannot."""
        self._commit_edits()
        try:
            written = self.shell.document.save(path)
        except Exception as exc:  # any failure: say so, keep the window and the work
            report(self.shell, f"Save to {path}", exc, dialog=True)
            return False
        self._remember(written)
        self.shell.show_status(f"Saved {written}")
        self._saved()
        return True

    def offer_recovery(self, ask: bool = True, path: Path | None = None) -> bool:
        """After a crash: offer the newest recovery file; returns whether one was restored.

        With ``path`` (``stitchboard FILE``) only that file's unsaved changes are offered; those of
        other files stay pending for a later start. Declining discards only what was offered.
        """
        found = pending_recoveries()
        if path is not None:
            target = Path(path).resolve()
            found = [r for r in found if r.original is not None and r.original.resolve() == target]
        if not found:
            return False
        newest = found[0]
        same = [r for r in found if r.original == newest.original]  # older copies of that file
        name = recovery_name(newest, found, [Path(p) for p in self.recent_files()])
        if ask:
            answer = QtWidgets.QMessageBox.question(
                self.shell.widget,
                "Restore unsaved work?",
                f"Stitchboard did not close cleanly. Restore the unsaved changes to {name}?",
                QtWidgets.QMessageBox.Yes | QtWidgets.QMessageBox.No,
                QtWidgets.QMessageBox.Yes,
            )
            if answer != QtWidgets.QMessageBox.Yes:
                for recovery in same:
                    recovery.discard()
                return False
        for older in same[1:]:
            older.discard()
        return self.restore(newest)

    def restore(self, recovery: Recovery) -> bool:
        try:
            pipeline = recovery.load()
        except PipelineFileError as exc:
            self.shell.show_error("Cannot restore", str(exc))
            recovery.discard()
            return False
        document = Document(pipeline, recovery.original)
        document.restored = True
        self._set_document(document)
        recovery.discard()
        document.autosave()
        self.shell.show_status(f"Restored unsaved changes to {document.title}")
        return True


def recovery_name(recovery: Recovery, pending: list[Recovery], recent: list[Path]) -> str:
    """How the restore prompt names a recovery's file: its name, with its folder when another
    pending recovery (or a recent file) has the same name in another folder."""
    original = recovery.original
    if original is None:
        return "an untitled pipeline"
    others = [r.original for r in pending if r.original is not None] + list(recent)
    twins = {o.resolve().parent for o in others if o.name == original.name}
    if twins - {original.resolve().parent}:
        return f"{original.name} in {original.resolve().parent}"
    return original.name
