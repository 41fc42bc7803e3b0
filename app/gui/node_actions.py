"""What a user does to one node: refresh its ports, rename (F2), find (Ctrl+F), its right-click menu."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6 import QtCore, QtGui, QtWidgets

from app.gui.jupyter import NOT_FOUND, find_jupyter, open_notebook
from app.gui.shell import Shell
from app.gui.watcher import SourceWatcher
from graph_editor.qt.canvas import PipelineCanvas
from graph_editor.qt.commands import UpdateNodeCommand

NodeSlot = Callable[[str], object]  # a node menu entry: called with the node's id

JUPYTER_ENTRY = "Open in JupyterLab"


class NodeService:
    """Node-level actions, on the Edit menu and the node's menu; the window holds it as ``nodes``."""

    def __init__(
        self,
        shell: Shell,
        canvas: PipelineCanvas,
        watcher: SourceWatcher,
        start_run: Callable[..., bool],
    ) -> None:
        self.shell = shell
        self.canvas = canvas
        self.watcher = watcher
        self.start_run = start_run  # the dry-run (``RunService.start_run``)
        self.jupyter_actions: list[QtGui.QAction] = []

    def _one_selected(self, node_id: str = "") -> str:
        if node_id:
            return node_id
        ids = self.canvas.selected_ids()
        if len(ids) != 1:
            self.shell.show_status("Select one node first")
            return ""
        return ids[0]

    def refresh_ports(self, node_id: str = "") -> int:
        """Re-read the notebooks of the selected nodes (or ``node_id``); returns how many changed."""
        ids = [node_id] if node_id else self.canvas.selected_ids()
        if not ids:
            self.shell.show_status("Select the nodes whose ports to refresh")
            return 0
        pipeline = self.shell.document.pipeline
        stack = self.shell.document.undo_stack
        stack.beginMacro("refresh ports")
        changed = [i for i in ids if self.watcher.refresh_node(i)]
        stack.endMacro()
        names = ", ".join(pipeline.node(i).name for i in changed)
        self.shell.show_status(f"Ports refreshed: {names}" if changed else "Ports are up to date")
        return len(changed)

    def rename_node(self, node_id: str = "") -> bool:
        """F2: ask for a new name (one undo step)."""
        node_id = self._one_selected(node_id)
        if not node_id:
            return False
        node = self.shell.document.pipeline.node(node_id)
        dialog = QtWidgets.QInputDialog(self.shell.widget)
        dialog.setObjectName("renameDialog")
        dialog.setWindowTitle("Rename node")
        dialog.setLabelText("Name (the Airflow task id):")
        dialog.setTextValue(node.name)
        dialog.textValueSelected.connect(lambda name: self._rename(node_id, name.strip()))
        dialog.open()
        return True

    def _rename(self, node_id: str, name: str) -> None:
        pipeline = self.shell.document.pipeline
        if not pipeline.has_node(node_id) or not name or name == pipeline.node(node_id).name:
            return
        if pipeline.node_by_name(name) is not None:
            self.shell.show_status(f"Rename refused: a node named {name!r} already exists")
            return
        self.shell.push(UpdateNodeCommand(pipeline, node_id, {"name": name}, text=f"rename {name}"))

    def find_node(self) -> QtWidgets.QWidget:
        """Ctrl+F: type part of a node's name; Enter selects it and zooms to it."""
        names = sorted(n.name for n in self.shell.document.pipeline.nodes)
        box = QtWidgets.QInputDialog(self.shell.widget)
        box.setObjectName("findDialog")
        box.setWindowTitle("Find node")
        box.setLabelText("Node name:")
        box.setComboBoxItems(names)
        box.setComboBoxEditable(True)
        box.textValueSelected.connect(self.select_node_named)
        box.open()
        return box

    def select_node_named(self, text: str) -> bool:
        """Select and centre the node whose name is (or, failing that, contains) ``text``."""
        text = text.strip()
        nodes = list(self.shell.document.pipeline.nodes)
        found = next((n for n in nodes if n.name == text), None) or next(
            (n for n in nodes if text.lower() in n.name.lower()), None
        )
        if found is None or not text:
            self.shell.show_status(f"No node named {text!r}")
            return False
        self.canvas.select_ids([found.id], center=True)
        self.canvas.fit_all([found.id])  # zoomed to the node (at most 100 %), not just centred
        return True

    def zoom_to_selection(self) -> None:
        ids = self.canvas.selected_ids()
        if ids:
            self.canvas.fit_all(ids)
        else:
            self.shell.show_status("Select nodes to zoom to")

    def reveal_source(self, node_id: str = "") -> bool:
        """Show the node's notebook folder in the file manager."""
        node_id = self._one_selected(node_id)
        if not node_id:
            return False
        pipeline = self.shell.document.pipeline
        node = pipeline.node(node_id)
        if not node.source:
            self.shell.show_status(f"{node.name} has no source yet")
            return False
        folder = pipeline.source_path(node).parent
        return QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(folder)))

    def open_in_jupyter(self, node_id: str = "") -> int:
        """Open the node's notebook in JupyterLab (loopback only, in the background); its pid."""
        node_id = self._one_selected(node_id)
        if not node_id:
            return 0
        jupyter = find_jupyter()
        if jupyter is None:
            self.shell.show_status(NOT_FOUND)
            return 0
        pipeline = self.shell.document.pipeline
        node = pipeline.node(node_id)
        path = pipeline.source_path(node) if node.source else None
        if path is None or path.suffix != ".ipynb" or not path.is_file():
            self.shell.show_status(
                f"{node.name} has no notebook to open ({node.source or 'no source'})"
            )
            return 0
        pid = open_notebook(jupyter, path)
        if pid:
            self.shell.show_status(f"Opening {path.name} in {jupyter.label} (on 127.0.0.1)…")
        else:
            self.shell.show_status(f"{jupyter.label} did not start ({jupyter.program})")
        return pid

    def _refresh_jupyter_entries(self) -> None:
        """Enable "Open in JupyterLab" only when one is installed; the tooltip says why not."""
        jupyter = find_jupyter()
        for action in self.jupyter_actions:
            action.setEnabled(jupyter is not None)
            action.setText(f"Open in {jupyter.label}" if jupyter else JUPYTER_ENTRY)
            action.setToolTip(jupyter.program if jupyter else NOT_FOUND)

    def run_from(self, node_id: str = "", only: bool = False) -> bool:
        """Dry-run from this node on (or only this node), reusing earlier results upstream."""
        node_id = self._one_selected(node_id)
        if not node_id:
            return False
        name = self.shell.document.pipeline.node(node_id).name
        selection = {"only": (name,)} if only else {"from_node": name}
        return self.start_run(**selection)

    def install_menu(self, first: Sequence[tuple[str, NodeSlot]] = ()) -> None:
        """Right-click on a node: ``first`` (a run's results), then rename, delete, run from here /
        only this, reveal, Jupyter, refresh."""
        from graph_editor.qt.node_items import NODE_CLASSES

        menu = self.canvas.get_context_menu("nodes")
        entries: tuple[tuple[str, NodeSlot], ...] = (
            *first,
            ("Rename…", self.rename_node),
            ("Delete", self._delete_node),
            ("Run From Here", self.run_from),
            ("Run Only This", lambda n: self.run_from(n, only=True)),
            ("Reveal in File Manager", self.reveal_source),
            (JUPYTER_ENTRY, self.open_in_jupyter),
            ("Refresh Ports", self.refresh_ports),
        )
        for cls in NODE_CLASSES.values():
            for text, slot in entries:
                command = menu.add_command(
                    text, lambda _g, n, s=slot: s(n.sid), node_type=cls.type_
                )
                if text == JUPYTER_ENTRY:
                    self.jupyter_actions.append(command.qaction)
            node_menu = menu.qmenu.get_menu(cls.type_)
            node_menu.setToolTipsVisible(True)  # the disabled entry's tooltip says why
            node_menu.aboutToShow.connect(self._refresh_jupyter_entries)
        self._refresh_jupyter_entries()

    def _delete_node(self, node_id: str) -> None:
        if node_id not in self.canvas.selected_ids():
            self.canvas.select_ids([node_id])
        self.canvas.editing.delete_selection()
