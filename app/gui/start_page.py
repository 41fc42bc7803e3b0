"""The start page shown with no file: the example (as a private copy), recent files, new, a note on ports."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import platformdirs
from PySide6 import QtCore, QtWidgets

from app.gui.files import FileService
from app.gui.look import icon
from app.gui.shell import Shell

EXAMPLE_NAME = "churn"
IGNORED = shutil.ignore_patterns("*.runs", "__pycache__", ".ipynb_checkpoints", "*.pyc")

PORTS_NOTE = """
<h3>How ports work</h3>
<p><b>Inputs</b> are the variables of a notebook's cell tagged <code>parameters</code>
(papermill's convention): <span style="white-space: nowrap"><code>n_rows: int = 1000&nbsp;&nbsp;# rows to read</code></span> gives an
<code>int</code> input with a default and a tooltip.</p>
<p><b>Outputs</b> are the variables assigned in a cell tagged <code>outputs</code>, same grammar.
After the notebook runs, their values travel along the wires to the inputs of the next nodes.</p>
<p><b>Script jobs</b> (TensorFlow, RAPIDS) may be plain <code>.py</code> files: declare the ports on
the node; inputs arrive as <span style="white-space: nowrap"><code>--name=value</code></span> options, outputs are one JSON object written
to the file named by <code>$STITCHBOARD_OUTPUTS</code>.</p>
<p>An unwired input takes a value, a pipeline parameter, or the notebook's default.
Wires are typed: the editor refuses what does not fit, and cycles.</p>
"""


def example_source() -> Path:
    """The installed example's folder (read-only for users: they get a copy)."""
    return Path(str(resources.files("resources").joinpath(f"examples/{EXAMPLE_NAME}")))


def example_parent() -> Path:
    """Where 'Open the example' puts its copy: a Stitchboard folder under the user's documents."""
    return Path(platformdirs.user_documents_dir()) / "Stitchboard"


def copy_example(parent: Path | None = None) -> Path:
    """Copy the example into a new folder under ``parent``; returns the copy's ``.stitch`` file."""
    parent = Path(parent or example_parent())
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / EXAMPLE_NAME
    n = 2
    while target.exists():
        target = parent / f"{EXAMPLE_NAME}-{n}"
        n += 1
    shutil.copytree(example_source(), target, ignore=IGNORED)
    return target / f"{EXAMPLE_NAME}.stitch"


class StartPage(QtWidgets.QWidget):
    """What a new user sees first; every button asks the main window to do the work."""

    new_requested = QtCore.Signal()
    open_requested = QtCore.Signal()
    example_requested = QtCore.Signal()
    example_to_requested = QtCore.Signal()
    recent_requested = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPage")
        title = QtWidgets.QLabel("Stitchboard")
        title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        tagline = QtWidgets.QLabel(
            "Stitch parameterized notebooks, TensorFlow and RAPIDS jobs into "
            "Airflow pipelines: draw, dry-run here, deploy with one click."
        )
        tagline.setWordWrap(True)
        tagline.setStyleSheet("color: #8e97a4; font-size: 11pt;")
        self.example_button = self._button(
            "Open the example",
            "open",
            "A copy of the churn example in your Documents folder",
            self.example_requested,
        )
        self.example_to_button = self._button(
            "Copy the example to…",
            "save",
            "Pick a folder for a copy of the example",
            self.example_to_requested,
        )
        self.new_button = self._button("New pipeline", "new", "An empty canvas", self.new_requested)
        self.open_button = self._button("Open…", "open", "Open a .stitch file", self.open_requested)
        self.recent = QtWidgets.QListWidget(objectName="recentList")
        self.recent.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)
        self.recent.setTextElideMode(QtCore.Qt.ElideMiddle)
        self.recent.setSpacing(2)
        self.recent.itemActivated.connect(
            lambda item: self.recent_requested.emit(item.data(QtCore.Qt.UserRole))
        )
        self.recent.itemClicked.connect(
            lambda item: self.recent_requested.emit(item.data(QtCore.Qt.UserRole))
        )
        self.no_recent = QtWidgets.QLabel("No recent pipelines yet.")
        self.no_recent.setStyleSheet("color: #8e97a4;")
        note = QtWidgets.QLabel(PORTS_NOTE, objectName="portsNote", wordWrap=True)
        note.setTextFormat(QtCore.Qt.RichText)
        note.setAlignment(QtCore.Qt.AlignTop | QtCore.Qt.AlignLeft)
        # its colours come from the theme's stylesheet (QLabel#portsNote): dark text on a
        # hard-coded dark card was unreadable in the light theme

        start = QtWidgets.QVBoxLayout()
        start.setSpacing(8)
        start.addWidget(_heading("Start"))
        for button in (
            self.example_button,
            self.example_to_button,
            self.new_button,
            self.open_button,
        ):
            start.addWidget(button)
        start.addSpacing(10)
        start.addWidget(_heading("Recent"))
        start.addWidget(self.recent, 1)
        start.addWidget(self.no_recent)
        self.filler = start.addStretch(1)
        columns = QtWidgets.QHBoxLayout()
        columns.setSpacing(32)
        columns.addLayout(start, 1)
        columns.addWidget(note, 1, QtCore.Qt.AlignTop)
        inner = QtWidgets.QWidget()
        inner.setMaximumWidth(1100)
        body = QtWidgets.QVBoxLayout(inner)
        body.addWidget(title)
        body.addWidget(tagline)
        body.addSpacing(10)
        body.addLayout(columns, 1)
        page = QtWidgets.QWidget()
        centred = QtWidgets.QHBoxLayout(page)
        centred.setContentsMargins(32, 16, 32, 16)
        centred.addWidget(inner, 0, QtCore.Qt.AlignHCenter)
        # In a scroll area: the page never forces the window to grow on small screens.
        scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.NoFrame)
        scroll.setWidget(page)
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _button(
        self, text: str, icon_name: str, tip: str, signal: QtCore.SignalInstance
    ) -> QtWidgets.QPushButton:
        button = QtWidgets.QPushButton(icon(icon_name), "  " + text)
        button.setToolTip(tip)
        button.setMinimumHeight(34)
        button.setStyleSheet("text-align: left; padding-left: 12px;")
        button.clicked.connect(lambda _c=False: signal.emit())
        return button

    def show_recent(self, paths: list[str]) -> None:
        """List recent files (name, then folder)."""
        self.recent.clear()
        for path in paths:
            item = QtWidgets.QListWidgetItem(
                icon("open"), f"{Path(path).name}\n{_tilde(Path(path).parent)}"
            )
            item.setData(QtCore.Qt.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self.no_recent.setVisible(not paths)


class StartService:
    """The window's centre: the start page or the canvas; the page's buttons and the example.

    The window holds it as ``start``; ``pages`` is its central widget.
    """

    def __init__(self, shell: Shell, canvas_widget: QtWidgets.QWidget, files: FileService) -> None:
        self.shell = shell
        self.files = files
        self.page = StartPage()
        self.canvas_widget = canvas_widget
        self.pages = QtWidgets.QStackedWidget()
        self.pages.addWidget(self.page)
        self.pages.addWidget(canvas_widget)
        page = self.page
        page.new_requested.connect(files.new_file)
        page.open_requested.connect(files.open_dialog)
        page.example_requested.connect(self.open_example)
        page.example_to_requested.connect(self.copy_example_to)
        page.recent_requested.connect(lambda path: files.open_file(Path(path)))
        files.recent_changed.connect(page.show_recent)

    def show_start_page(self) -> None:
        self.page.show_recent(self.files.recent_files())
        self.pages.setCurrentWidget(self.page)

    def show_canvas(self) -> None:
        self.pages.setCurrentWidget(self.canvas_widget)

    @property
    def on_start_page(self) -> bool:
        return self.pages.currentWidget() is self.page

    def open_example(self, parent: Path | None = None) -> bool:
        """Open a fresh copy of the bundled example (never the installed files themselves)."""
        try:
            path = copy_example(parent)
        except OSError as exc:
            where = parent or example_parent()
            self.shell.show_error("Cannot copy the example", f"{where}: {exc}")
            return False
        if not self.files.open_file(path):
            return False
        self.shell.show_status(f"Opened a copy of the example in {path.parent}")
        return True

    def copy_example_to(self) -> bool:
        start = str(example_parent().parent)
        folder = QtWidgets.QFileDialog.getExistingDirectory(
            self.shell.widget, "Copy the example into…", start
        )
        return self.open_example(Path(folder)) if folder else False


def _tilde(path: Path) -> str:
    """A folder as users read it: the home folder as ``~``."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _heading(text: str) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    label.setStyleSheet("font-size: 12pt; font-weight: bold; padding-top: 4px;")
    return label
