"""File handling of the main window: new/open/save/save as/recent files, close prompt, recovery."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.gui.document import Document, pending_recoveries
from app.gui.guard import report
from graph_editor.errors import PipelineFileError

MAX_RECENT = 8
FILTER = "Stitchboard pipelines (*.stitch)"


def settings() -> QtCore.QSettings:
    """QSettings: window geometry and recent files only (everything else is in app settings)."""
    return QtCore.QSettings("Stitchboard", "Stitchboard")


class FileActions:
    """Mixin for ``MainWindow``: everything that reads or writes files."""

    document: Document

    # provided by MainWindow
    def set_document(self, document: Document) -> None: ...
    def show_status(self, text: str) -> None: ...

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
        menu: QtWidgets.QMenu = self.recent_menu  # type: ignore[attr-defined]
        menu.clear()
        for path in self.recent_files():
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_file(Path(p)))
        menu.setEnabled(bool(menu.actions()))

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False means the user cancelled."""
        if not self.document.dirty:
            return True
        answer = QtWidgets.QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to {self.document.title}?",  # type: ignore[arg-type]
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
            self.document.discard_recovery()
            self.set_document(Document())

    def open_dialog(self) -> None:
        start = str(self.document.path.parent) if self.document.path else ""
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open pipeline", start, FILTER)  # type: ignore[arg-type]
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> bool:
        """Open a pipeline; a broken or newer file shows the error and keeps the current one."""
        if not self.maybe_save():
            return False
        try:
            document = Document.open(path)
        except PipelineFileError as exc:
            self.show_error("Cannot open pipeline", str(exc))
            return False
        except OSError as exc:
            report(self, f"Open {path}", exc, dialog=True)  # type: ignore[arg-type]
            return False
        self.document.discard_recovery()
        self.set_document(document)
        self._remember(document.path or path)
        self.show_status(f"Opened {path}")
        return True

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        start = str(self.document.path or Path.cwd() / self.document.title)
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save pipeline as", start, FILTER)  # type: ignore[arg-type]
        if not path:
            return False
        if not path.endswith(".stitch"):
            path += ".stitch"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        self.commit_pending_edits()  # type: ignore[attr-defined]
        try:
            written = self.document.save(path)
        except Exception as exc:  # any failure: say so, keep the window and the work
            report(self, f"Save to {path}", exc, dialog=True)  # type: ignore[arg-type]
            return False
        self._remember(written)
        self.show_status(f"Saved {written}")
        self.update_title()  # type: ignore[attr-defined]
        return True

    def show_error(self, title: str, text: str) -> None:
        self.last_error = text
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Warning,
            title,
            text.splitlines()[0],
            QtWidgets.QMessageBox.Ok,
            self,
        )  # type: ignore[arg-type]
        box.setObjectName("errorDialog")
        box.open()  # not exec(): tests and event loops keep running

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
        name = newest.original.name if newest.original else "an untitled pipeline"
        if ask:
            answer = QtWidgets.QMessageBox.question(
                self,
                "Restore unsaved work?",  # type: ignore[arg-type]
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

    def restore(self, recovery: object) -> bool:
        try:
            pipeline = recovery.load()  # type: ignore[attr-defined]
        except PipelineFileError as exc:
            self.show_error("Cannot restore", str(exc))
            recovery.discard()  # type: ignore[attr-defined]
            return False
        document = Document(pipeline, recovery.original)  # type: ignore[attr-defined]
        document.restored = True
        self.set_document(document)
        recovery.discard()  # type: ignore[attr-defined]
        document.autosave()
        self.show_status(f"Restored unsaved changes to {document.title}")
        return True
