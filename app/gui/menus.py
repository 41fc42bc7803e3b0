"""The main window's menu bar and toolbar (the toolbar overflows into a menu when narrow)."""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from app.gui import theme


def build_menus(window: Any, a: dict[str, QtGui.QAction]) -> None:
    """Put the window's actions ``a`` (by name) into its menus and its toolbar."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for name in ("new", "open", "import"):
        file_menu.addAction(a[name])
    window.recent_menu = file_menu.addMenu("Open &Recent")
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
