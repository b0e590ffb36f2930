"""File dialogs that open where the user last was, for each kind of file.

Each kind (answer tables, incident lists, reports, results, recordings, question sets) has its
own last folder in QSettings (``folders/<kind>``); the first time it is the user's Documents
folder (or the home folder), never the program's own folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def default_folder() -> str:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return docs if docs and Path(docs).is_dir() else str(Path.home())


def last_folder(kind: str) -> str:
    """The folder the ``kind`` dialog opens in: the last one used, if it still exists."""
    saved = QSettings().value(f"folders/{kind}")
    return str(saved) if saved and Path(str(saved)).is_dir() else default_folder()


def remember_folder(kind: str, path: str) -> None:
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    QSettings().setValue(f"folders/{kind}", str(folder))


def open_file(parent: QWidget | None, kind: str, title: str, filters: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, last_folder(kind), filters)
    if path:
        remember_folder(kind, path)
    return path


def save_file(parent: QWidget | None, kind: str, title: str, name: str,
              filters: str) -> tuple[str, str]:
    """A path to write and the filter chosen; ``name`` is the suggested file name, in the
    kind's last folder."""
    path, selected = QFileDialog.getSaveFileName(parent, title,
                                                 str(Path(last_folder(kind)) / name), filters)
    if path:
        remember_folder(kind, path)
    return path, selected


def choose_folder(parent: QWidget | None, kind: str, title: str) -> str:
    folder = QFileDialog.getExistingDirectory(parent, title, last_folder(kind))
    if folder:
        remember_folder(kind, folder)
    return folder
