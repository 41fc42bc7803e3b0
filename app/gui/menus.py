"""The main window's actions, menu bar and toolbar (the toolbar overflows into a menu when narrow)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets

from app.gui import importing, theme
from app.gui.guard import guarded
from app.gui.look import icon

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

# Actions whose failure also shows a dialog (the user must not miss that nothing was written).
_DIALOG_ON_FAILURE = {"Save", "Save As", "Open", "Quit", "New"}


def _action(
    window: MainWindow,
    text: str,
    slot: Callable[[], object],
    shortcut: object = None,
    icon_name: str = "",
    tip: str = "",
) -> QtGui.QAction:
    action = QtGui.QAction(text, window)
    if icon_name:
        action.setIcon(icon(icon_name))
    if shortcut is not None:
        action.setShortcut(QtGui.QKeySequence(shortcut))
        action.setShortcutContext(QtCore.Qt.WindowShortcut)
    plain = text.replace("&", "").replace("…", "")
    action.setToolTip(tip or plain)

    def commit_then_run() -> object:
        window.commit_pending_edits()  # half-typed text goes to the node it was typed for
        return slot()

    run = guarded(window, plain, commit_then_run, dialog=plain in _DIALOG_ON_FAILURE)
    action.triggered.connect(lambda _checked=False: run())
    window.addAction(action)
    return action


def _undo_action(
    window: MainWindow, action: QtGui.QAction, shortcut: QtGui.QKeySequence.StandardKey
) -> QtGui.QAction:
    """Undo/Redo of the current document (a ``QUndoGroup`` action follows the active stack)."""
    name = "undo" if shortcut == QtGui.QKeySequence.Undo else "redo"
    action.setIcon(icon(name))
    keys = QtGui.QKeySequence.keyBindings(shortcut)
    if name == "redo" and QtGui.QKeySequence("Ctrl+Y") not in keys:
        keys.append(QtGui.QKeySequence("Ctrl+Y"))  # Linux binds only Ctrl+Shift+Z; users try both
    action.setShortcuts(keys)
    action.setShortcutContext(QtCore.Qt.WindowShortcut)
    action.setToolTip(name.capitalize())
    action.setIconText(name.capitalize())  # the toolbar keeps a short label; menus say what
    window.addAction(action)
    return action


def build_actions(w: MainWindow) -> dict[str, QtGui.QAction]:
    """Every action of the window by name, each calling the service that does the work."""
    K = QtGui.QKeySequence
    files, nodes, tools, canvas = w.files, w.nodes, w.tools, w.canvas
    running, deploying, group = w.running, w.deploying, w.undo_group
    a = {
        "new": _action(w, "&New", files.new_file, K.New, "new"),
        "open": _action(w, "&Open…", files.open_dialog, K.Open, "open"),
        "import": _action(w, "&Import Elyra or Kale…", lambda: importing.import_dialog(w)),
        "save": _action(w, "&Save", files.save, K.Save, "save"),
        "save_as": _action(w, "Save &As…", files.save_as, K.SaveAs),
        "close": _action(w, "&Quit", w.close, K.Quit),
        "undo": _undo_action(w, group.createUndoAction(w, "&Undo"), K.Undo),
        "redo": _undo_action(w, group.createRedoAction(w, "&Redo"), K.Redo),
        "copy": _action(w, "&Copy", canvas.editing.copy_selection, K.Copy),
        "cut": _action(w, "Cu&t", tools.cut, K.Cut),
        "paste": _action(w, "&Paste", canvas.editing.paste, K.Paste),
        "duplicate": _action(w, "D&uplicate", canvas.editing.duplicate_selection, "Ctrl+D"),
        "delete": _action(w, "&Delete", tools.delete_selection, K.Delete),
        "comment": _action(
            w,
            "Add &Comment",
            tools.add_comment,
            "Ctrl+Shift+C",
            "",
            "A note on the canvas (around the selected nodes), saved in the file",
        ),
        "minimap": _action(
            w,
            "&Overview",
            lambda: tools.show_minimap(a["minimap"].isChecked()),
            "Ctrl+Shift+M",
            "",
            "A small map of the whole pipeline in the canvas's corner",
        ),
        "select_all": _action(w, "Select &All", tools.select_all, K.SelectAll),
        "rename": _action(w, "&Rename Node…", nodes.rename_node, "F2"),
        "find": _action(w, "&Find Node…", nodes.find_node, K.Find),
        "refresh_ports": _action(
            w,
            "Refresh &Ports",
            nodes.refresh_ports,
            "Ctrl+R",
            "",
            "Re-read the selected nodes' notebooks for their parameters and outputs",
        ),
        "zoom_selection": _action(w, "Zoom to &Selection", nodes.zoom_to_selection, "Shift+F"),
        "search": _action(w, "Add Node by &Name…", canvas.toggle_node_search, "Tab"),
        "layout": _action(
            w,
            "Auto &Layout",
            tools.auto_layout,
            "Ctrl+L",
            "layout",
            "Arrange nodes in layers, left to right",
        ),
        "fit": _action(w, "Zoom to &Fit", canvas.fit_all, "F", "fit"),
        "validate": _action(w, "&Validate", w.validate_now, "Ctrl+Shift+V", "validate"),
        "run": _action(
            w, "&Dry-run", running.start_run, "F5", "run", "Run the pipeline on this machine"
        ),
        "stop": _action(w, "&Cancel Run", w.runs.cancel, "Shift+F5", "stop"),
        "export": _action(
            w,
            "&Export Preview…",
            w.export_preview,
            "Ctrl+E",
            "export",
            "Preview the generated Airflow DAG",
        ),
        "open_notebook": _action(w, "Open Executed &Notebook", running.open_executed_notebook),
        "open_folder": _action(w, "Open &Artifact Folder", running.open_artifact_folder),
        "deploy": _action(
            w,
            "De&ploy…",
            deploying.open_deploy_dialog,
            "Ctrl+Shift+D",
            "deploy",
            "Deploy to an Airflow cluster and optionally run it",
        ),
        "profiles": _action(
            w,
            "P&rofiles…",
            deploying.open_profiles,
            None,
            "",
            "Add, edit and test cluster profiles",
        ),
        "task_log": _action(
            w,
            "Show Task &Log",
            deploying.show_task_log,
            None,
            "",
            "The log of a task that failed on Airflow",
        ),
        "start_page": _action(w, "&Start Page", w.start.show_start_page),
    }
    a["search"].setShortcutContext(QtCore.Qt.WidgetWithChildrenShortcut)
    canvas.widget.addAction(a["search"])
    a["stop"].setEnabled(False)
    return a


def build_menus(window: Any, a: dict[str, QtGui.QAction]) -> None:
    """Put the window's actions ``a`` (by name) into its menus and its toolbar."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for name in ("new", "open", "import"):
        file_menu.addAction(a[name])
    file_menu.addMenu(window.files.recent_menu)
    for name in ("save", "save_as", "close"):
        file_menu.addAction(a[name])
    edit = bar.addMenu("&Edit")
    for name in (
        "undo",
        "redo",
        None,
        "cut",
        "copy",
        "paste",
        "duplicate",
        "delete",
        None,
        "select_all",
        "find",
        "rename",
        "refresh_ports",
        "comment",
    ):
        edit.addSeparator() if name is None else edit.addAction(a[name])
    view = bar.addMenu("&View")
    for name in ("search", "layout", "fit", "zoom_selection", "minimap", None, "start_page"):
        view.addSeparator() if name is None else view.addAction(a[name])
    view.addMenu(theme.theme_menu(window, window.canvas, window.tools.minimap.refresh))
    a["minimap"].setCheckable(True)
    a["minimap"].setChecked(not window.tools.minimap.isHidden())
    run = bar.addMenu("&Pipeline")
    for name in (
        "validate",
        "run",
        "stop",
        "open_notebook",
        "open_folder",
        None,
        "export",
        None,
        "deploy",
        "profiles",
        "task_log",
    ):
        run.addSeparator() if name is None else run.addAction(a[name])
    tools = window.addToolBar("Main")
    tools.setObjectName("MainToolBar")
    tools.setMovable(False)
    tools.setIconSize(QtCore.QSize(20, 20))
    tools.setToolButtonStyle(QtCore.Qt.ToolButtonTextBesideIcon)
    for name in (
        "new",
        "open",
        "save",
        None,
        "undo",
        "redo",
        None,
        "layout",
        "fit",
        None,
        "validate",
        "run",
        "stop",
        "export",
        "deploy",
    ):
        tools.addSeparator() if name is None else tools.addAction(a[name])
    window.overflow_menu = overflow_into_menu(tools)
    tools._compact = CompactWhenNarrow(tools)  # type: ignore[attr-defined]


def overflow_into_menu(toolbar: QtWidgets.QToolBar) -> QtWidgets.QMenu:
    """Actions that do not fit a narrow window go into a menu on the toolbar's » button.

    Inside a main window Qt "expands" a non-movable toolbar into a second row instead, and that
    row stayed empty (Export Preview and Deploy were unreachable below ~1130 px).
    """
    menu = QtWidgets.QMenu(toolbar)
    menu.setObjectName("toolbarOverflow")

    def fill() -> None:
        menu.clear()
        for action in toolbar.actions():
            widget = toolbar.widgetForAction(action)
            if not action.isSeparator() and widget is not None and not widget.isVisible():
                menu.addAction(action)

    menu.aboutToShow.connect(fill)
    button = toolbar.findChild(QtWidgets.QToolButton, "qt_toolbar_ext_button")
    if button is not None:
        button.setToolTip("More actions")
        toolbar._overflow_filter = _OverflowClick(button, menu)  # type: ignore[attr-defined]
    return menu


class CompactWhenNarrow(QtCore.QObject):
    """Icons without their labels when the toolbar is too narrow for both (tooltips name them).

    With labels the toolbar needs ~1300 px; at 1066 px Export Preview and Deploy went into
    Qt's 12-pixel extension button, which a user did not see (issue #21). Icons only need
    ~600 px; below that the overflow menu still holds what does not fit.
    """

    def __init__(self, toolbar: QtWidgets.QToolBar) -> None:
        super().__init__(toolbar)
        self.toolbar = toolbar
        self.wide = QtCore.Qt.ToolButtonTextBesideIcon
        self._needed = 0  # the width the toolbar needs with labels (measured once shown)
        toolbar.installEventFilter(self)

    @property
    def compact(self) -> bool:
        return self.toolbar.toolButtonStyle() == QtCore.Qt.ToolButtonIconOnly

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802
        if event.type() in (QtCore.QEvent.Resize, QtCore.QEvent.Show):
            self.fit()
        return False

    def fit(self) -> None:
        toolbar = self.toolbar
        if not self._needed:
            toolbar.setToolButtonStyle(self.wide)
            self._needed = toolbar.sizeHint().width()
        style = QtCore.Qt.ToolButtonIconOnly if toolbar.width() < self._needed else self.wide
        if toolbar.toolButtonStyle() != style:
            toolbar.setToolButtonStyle(style)


class _OverflowClick(QtCore.QObject):
    """Turns a click on Qt's toolbar extension button into the overflow menu."""

    def __init__(self, button: QtWidgets.QToolButton, menu: QtWidgets.QMenu) -> None:
        super().__init__(button)
        self.button, self.menu = button, menu
        button.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QtCore.QEvent.MouseButtonPress:
            self.menu.popup(self.button.mapToGlobal(self.button.rect().bottomLeft()))
            return True
        return kind in (QtCore.QEvent.MouseButtonRelease, QtCore.QEvent.MouseButtonDblClick)
