"""The profiles dialog: list, add, edit, remove and test cluster profiles (secrets to the keyring)."""

from __future__ import annotations

import threading

from PySide6 import QtCore, QtGui, QtWidgets

from app import credentials, settings
from app.deploy.airflow import preload as preload_client
from app.gui.deploy_worker import SecretBridge, ask_secret_dialog, one_line
from app.settings import Profile, Settings, Target
from graph_editor.errors import StitchboardError

TARGET_PAGES = ("folder", "git", "s3")
OK_COLOR, ERROR_COLOR = "#66bb6a", "#ef5350"


def no_keyring_text(profile: str, kind: str) -> str:
    """The one line shown when the secret cannot be stored, with the ways on."""
    return (
        f"No keyring on this system: the {kind} was not stored. Set "
        f"{credentials.env_var(profile, kind)} before starting Stitchboard, "
        "or leave it empty and Stitchboard asks for it at each deploy."
    )


class CheckWorker(QtCore.QObject):
    """Runs ``check_profile`` on a worker thread; one signal per verdict."""

    verdict = QtCore.Signal(str, bool, str)
    finished = QtCore.Signal()

    def __init__(self, profile: Profile, prompt: object) -> None:
        super().__init__()
        self.profile, self.prompt = profile, prompt

    @QtCore.Slot()
    def work(self) -> None:
        from app.deploy.checks import check_profile

        try:
            for verdict in check_profile(self.profile, prompt=self.prompt):  # type: ignore[arg-type]
                self.verdict.emit(verdict.check, verdict.ok, verdict.message)
        except StitchboardError as exc:
            self.verdict.emit("profile", False, one_line(exc))
        except Exception as exc:  # a bug in a service must not take the window down
            self.verdict.emit("profile", False, f"internal error: {type(exc).__name__}: {exc}")
        finally:
            self.finished.emit()


class ProfileForm(QtWidgets.QWidget):
    """The fields of one profile; ``profile()`` builds it (``SettingsError`` when invalid)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.password_file = ""
        self.name = QtWidgets.QLineEdit(objectName="profileName")
        self.url = QtWidgets.QLineEdit(
            objectName="profileUrl", placeholderText="https://airflow.example.com"
        )
        self.auth = QtWidgets.QComboBox(objectName="profileAuth")
        self.auth.addItems(settings.choices(settings.AuthKind))
        self.username = QtWidgets.QLineEdit(objectName="profileUsername")
        self.secret = QtWidgets.QLineEdit(objectName="profileSecret")
        self.secret.setEchoMode(QtWidgets.QLineEdit.Password)
        self.secret.setPlaceholderText("goes to the keyring; empty keeps the stored one")
        self.verify = QtWidgets.QCheckBox("verify TLS certificates", checked=True)
        self.ca_bundle = QtWidgets.QLineEdit(
            placeholderText="CA bundle file (private CA), optional"
        )
        self.backend = QtWidgets.QComboBox(objectName="profileBackend")
        self.backend.addItems(settings.choices(settings.Backend))
        self.target_kind = QtWidgets.QComboBox(objectName="profileTarget")
        self.target_kind.addItems(list(TARGET_PAGES))
        self.fields: dict[str, QtWidgets.QLineEdit] = {}
        form = QtWidgets.QFormLayout(self)
        self.form_layout = form
        for label, widget in (
            ("Name", self.name),
            ("Airflow URL", self.url),
            ("Log in with", self.auth),
            ("Username", self.username),
            ("Password", self.secret),
            ("TLS", self.verify),
            ("CA bundle", self.ca_bundle),
            ("Export backend", self.backend),
            ("DAG target", self.target_kind),
        ):
            form.addRow(label, widget)
        for kind, names in (
            ("folder", (("path", "DAG folder"),)),
            ("git", (("repo", "Repository URL"), ("branch", "Branch"), ("subfolder", "Subfolder"))),
            (
                "s3",
                (
                    ("endpoint", "Endpoint URL"),
                    ("bucket", "Bucket"),
                    ("prefix", "Prefix"),
                    ("region", "Region"),
                ),
            ),
        ):
            for key, label in names:
                edit = QtWidgets.QLineEdit(objectName=f"target_{kind}_{key}")
                self.fields[f"{kind}.{key}"] = edit
                form.addRow(label, edit)
        self.fields["git.branch"].setText("main")
        self.fields["s3.endpoint"].setPlaceholderText("empty for AWS; MinIO, Ceph… URL otherwise")
        self.fields["folder.path"].setPlaceholderText("the folder Airflow's DAG processor reads")
        self.target_kind.currentTextChanged.connect(self._target_changed)
        self.auth.currentTextChanged.connect(self._auth_changed)
        self.secret_label = form.labelForField(self.secret)
        self._auth_changed(self.auth.currentText())
        self._target_changed(self.target_kind.currentText())

    def _target_changed(self, kind: str) -> None:
        for key, edit in self.fields.items():
            self.form_layout.setRowVisible(edit, key.startswith(kind + "."))

    def _auth_changed(self, auth: str) -> None:
        self.username.setEnabled(auth == settings.AuthKind.PASSWORD)
        self.secret.setEnabled(auth != settings.AuthKind.NONE)
        if isinstance(self.secret_label, QtWidgets.QLabel):
            self.secret_label.setText("Token" if auth == settings.AuthKind.TOKEN else "Password")

    def show_profile(self, profile: Profile | None) -> None:
        """Fill the fields (empty ones for a new profile); the name is fixed once saved."""
        p = profile or Profile(
            name="new", base_url="http://127.0.0.1:8080", target=Target(kind="folder", path="dags")
        )
        self.name.setText(p.name if profile else "")
        self.name.setReadOnly(profile is not None)
        self.url.setText(p.base_url if profile else "")
        self.auth.setCurrentText(p.auth)
        self.username.setText(p.username)
        self.password_file = p.password_file
        self.secret.clear()
        self.verify.setChecked(p.verify_tls)
        self.ca_bundle.setText(p.ca_bundle)
        self.backend.setCurrentText(p.backend)
        self.target_kind.setCurrentText(p.target.kind)
        for key, edit in self.fields.items():
            kind, attr = key.split(".")
            value = getattr(p.target, attr) if p.target.kind == kind and profile else ""
            edit.setText(value or ("main" if key == "git.branch" else ""))

    def profile(self) -> Profile:
        kind = self.target_kind.currentText()
        values = {
            key.split(".")[1]: edit.text().strip()
            for key, edit in self.fields.items()
            if key.startswith(kind + ".")
        }
        return Profile(
            name=self.name.text().strip(),
            base_url=self.url.text().strip(),
            auth=self.auth.currentText(),
            username=self.username.text().strip(),
            password_file=self.password_file,
            verify_tls=self.verify.isChecked(),
            ca_bundle=self.ca_bundle.text().strip(),
            backend=self.backend.currentText(),
            target=Target(kind=kind, **values),
        )


class ProfilesDialog(QtWidgets.QDialog):
    """Cluster profiles: a list on the left, the selected one's fields, Save/Remove/Test."""

    profiles_changed = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None, ask=ask_secret_dialog) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Cluster profiles")
        self.setObjectName("profilesDialog")
        self.ask = ask
        self.settings: Settings = settings.Settings()
        self.list = QtWidgets.QListWidget(objectName="profileList")
        self.form = ProfileForm()
        self.message = QtWidgets.QLabel(objectName="profileMessage", wordWrap=True)
        self.verdicts = QtWidgets.QListWidget(objectName="verdicts")
        self.verdicts.setMaximumHeight(110)
        self.verdicts.setVisible(False)
        self.add_button = QtWidgets.QPushButton("Add")
        self.remove_button = QtWidgets.QPushButton("Remove")
        self.save_button = QtWidgets.QPushButton("Save", default=True)
        self.test_button = QtWidgets.QPushButton("Test")
        close = QtWidgets.QPushButton("Close")
        self.add_button.clicked.connect(self.new_profile)
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.save_button.clicked.connect(self.save_profile)
        self.test_button.clicked.connect(self.test_profile)
        close.clicked.connect(self.accept)
        self.list.currentTextChanged.connect(self._on_pick)
        left = QtWidgets.QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        left.addLayout(row)
        right = QtWidgets.QVBoxLayout()
        right.addWidget(self.form)
        right.addStretch(1)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        right.addWidget(self.message)
        right.addWidget(self.verdicts)
        right.addLayout(buttons)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 3)
        self.thread: QtCore.QThread | None = None
        self.worker: CheckWorker | None = None
        self.cancel = threading.Event()
        self.resize(760, 520)
        self.reload()

    # -- list -------------------------------------------------------------------------------
    def reload(self, select: str = "") -> None:
        """Read the settings file again and show its profiles."""
        try:
            self.settings = settings.load()
        except StitchboardError as exc:
            self.settings = settings.Settings()
            self.say(one_line(exc), error=True)
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems(sorted(self.settings.profiles))
        self.list.blockSignals(False)
        names = sorted(self.settings.profiles)
        pick = select if select in names else (names[0] if names else "")
        if pick:
            self.list.setCurrentRow(names.index(pick))
            self._on_pick(pick)
        else:
            self.new_profile()
        self.remove_button.setEnabled(bool(names))

    def _on_pick(self, name: str) -> None:
        if name in self.settings.profiles:
            self.form.show_profile(self.settings.profiles[name])
            self.verdicts.clear()

    def new_profile(self) -> None:
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.form.show_profile(None)
        self.verdicts.clear()
        self.form.name.setFocus()

    def say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")

    # -- actions ----------------------------------------------------------------------------
    def save_profile(self) -> Profile | None:
        """Save the form as a profile; its secret goes to the keyring only."""
        try:
            profile = self.form.profile()
        except StitchboardError as exc:
            self.say(one_line(exc), error=True)
            return None
        secret = self.form.secret.text()
        note, error = f"Saved profile {profile.name}.", False
        if secret and profile.auth != settings.AuthKind.NONE:
            try:
                credentials.set_secret(profile.name, profile.auth, secret)
                note = f"Saved profile {profile.name}; its {profile.auth} is in the keyring."
            except StitchboardError as exc:
                note, error = (
                    (
                        no_keyring_text(profile.name, profile.auth)
                        if "no keyring" in str(exc)
                        else one_line(exc)
                    ),
                    True,
                )
        self.settings.put(profile)
        try:
            self.settings.save()
        except (OSError, StitchboardError) as exc:
            self.say(f"cannot save the settings: {one_line(exc)}", error=True)
            return None
        self.reload(select=profile.name)
        self.say(note, error=error)
        self.profiles_changed.emit()
        return profile

    def remove_selected(self, confirm: bool = True) -> bool:
        item = self.list.currentItem()
        if item is None:
            return False
        name = item.text()
        if (
            confirm
            and QtWidgets.QMessageBox.question(
                self, "Remove profile", f"Remove profile {name!r} and its stored secrets?"
            )
            != QtWidgets.QMessageBox.Yes
        ):
            return False
        self.settings.remove(name)
        self.settings.save()
        credentials.delete_secrets(name)
        self.reload()
        self.say(f"Removed profile {name}.")
        self.profiles_changed.emit()
        return True

    def test_profile(self) -> bool:
        """Run ``profile test`` for the form's values in the background, one line per verdict."""
        if self.thread is not None:
            return False
        try:
            profile = self.form.profile()
        except StitchboardError as exc:
            self.say(one_line(exc), error=True)
            return False
        typed = self.form.secret.text()
        self.cancel = threading.Event()
        bridge = SecretBridge(self.ask, self.cancel)
        self._bridge = bridge
        self.verdicts.clear()
        self.verdicts.setVisible(True)
        self.say(f"Testing {profile.api_base} …")
        self.test_button.setEnabled(False)
        preload_client()
        self.thread = QtCore.QThread()
        self.worker = CheckWorker(profile, (lambda _label: typed) if typed else bridge.prompt)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.work)
        self.worker.verdict.connect(self._on_verdict)
        self.worker.finished.connect(self._tested)
        self.thread.start()
        return True

    def _on_verdict(self, check: str, ok: bool, message: str) -> None:
        item = QtWidgets.QListWidgetItem(f"{'✓' if ok else '✕'} {check}: {message}")
        item.setForeground(QtGui.QColor(OK_COLOR if ok else ERROR_COLOR))
        self.verdicts.addItem(item)

    def _tested(self) -> None:
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait()
        self.thread, self.worker = None, None
        self.test_button.setEnabled(True)
        failed = sum(
            1 for i in range(self.verdicts.count()) if self.verdicts.item(i).text().startswith("✕")
        )
        self.say(
            "All checks passed." if not failed else f"{failed} check(s) failed.", error=bool(failed)
        )

    def done(self, result: int) -> None:  # noqa: D102 - Qt calls this on close
        self.cancel.set()
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait(15000)
        super().done(result)


__all__ = ["ProfileForm", "ProfilesDialog", "no_keyring_text"]
