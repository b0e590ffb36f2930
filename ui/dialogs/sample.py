"""Dip sampling: import an incident list (any columns; the user picks the ref column), then draw
a simple random or stratified sample with a shown, editable seed. A helper suggests the size."""

from __future__ import annotations

import secrets

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer.analysis import sampling
from reviewer.files import incidents
from reviewer.ops import sampling as sampling_ops
from reviewer.outputs import sample_text
from ui.app.operations import attempt, failure_lines
from ui.app.session import Session
from ui.app.window_geometry import fit_to_screen
from ui.dialogs import file_dialogs
from ui.models.preview import PreviewModel
from ui.widgets.a11y import buddy, named
from ui.widgets.focus import untrap

REF_HINTS = ("ref", "reference", "incident", "log", "urn", "id")


def guess_ref_column(header: list[str]) -> int:
    for hint in REF_HINTS:
        for i, name in enumerate(header):
            if hint in name.casefold():
                return i
    return 0


class SampleDialog(QDialog):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.audit = session.audit
        self.result: sampling.SampleResult | None = None
        self.setWindowTitle(f"Draw a sample — {self.audit.name if self.audit else ''}")
        self.preview = PreviewModel(self)
        inner = QWidget()
        steps = QVBoxLayout(inner)
        steps.addWidget(self._list_box())
        steps.addWidget(self._sample_box())
        scroll = QScrollArea()          # at a large system font the steps scroll, never clip
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        fit_to_screen(self, QSize(inner.sizeHint().width() + 40, inner.sizeHint().height() + 30))
        self._refresh_population()
        untrap(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        """Enter in the path field previews the file and goes to the ref column: it never
        imports the list (the ref column is not chosen yet) nor draws a sample."""
        if watched is self.file_edit and event.type() == QEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.load_preview()
            return True
        return super().eventFilter(watched, event)

    # -- step 1: the incident list -------------------------------------------------------------
    def _list_box(self) -> QGroupBox:
        box = QGroupBox("1. Incident list (CSV or XLSX from the command-and-control system)")
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("path to the incident list; Enter shows a preview")
        self.file_edit.installEventFilter(self)
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        browse.setAutoDefault(False)   # Enter in the path field previews, not browses
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        self.ref_combo = QComboBox()
        self.ref_combo.setAccessibleName("Ref column")     # read by its label, not its value
        self.import_button = QPushButton("&Import list")
        self.import_button.clicked.connect(self.import_list)
        self.population_label = QLabel("")
        self.population_label.setWordWrap(True)
        table = QTableView()
        table.setModel(self.preview)
        table.setMaximumHeight(table.fontMetrics().height() * 9)
        self.preview_table = table
        form = QFormLayout()
        form.addRow(buddy("&File:", self.file_edit), row)
        form.addRow(buddy("&Ref column:", self.ref_combo), self.ref_combo)
        form.addRow(buddy("Pre&view:", table), table)
        form.addRow(self.import_button, self.population_label)
        box.setLayout(form)
        return box

    def _browse(self) -> None:
        path = file_dialogs.open_file(self, "incidents", "Incident list",
                                      "Tables (*.csv *.xlsx *.txt);;All files (*)")
        if path:
            self.file_edit.setText(path)
            self.load_preview()

    def load_preview(self) -> None:
        path = self.file_edit.text().strip()
        found = attempt(lambda: incidents.preview_incident_list(path), self, "Incident list")
        if found is None:
            return
        header, rows = found
        self.preview.set_table(header, [cells for _, cells in rows])
        self.ref_combo.clear()
        self.ref_combo.addItems(header)
        self.ref_combo.setCurrentIndex(guess_ref_column(header))
        self.ref_combo.setFocus()

    def import_list(self) -> None:
        path, column = self.file_edit.text().strip(), self.ref_combo.currentText()
        if not path or not column:
            self.load_preview()
            return
        audit_id = self.audit.id
        done = self.session.run(
            lambda ws, p: sampling_ops.import_incident_list(ws, audit_id, path, column, p),
            self, "Importing the incident list…", background=True)
        if done is None:
            return
        self.population_label.setText(f"Imported {done.value:,} incidents.")
        self._refresh_population()

    # -- step 2: the sample -------------------------------------------------------------------
    def _sample_box(self) -> QGroupBox:
        box = QGroupBox("2. Sample")
        self.by_size = QRadioButton("Si&ze")
        self.by_size.setChecked(True)
        self.size_spin = QSpinBox()
        self.size_spin.setRange(1, 10_000_000)
        self.size_spin.setValue(100)
        named(self.size_spin, "Sample size (records)")
        self.by_percent = QRadioButton("&Percentage")
        self.percent_spin = QDoubleSpinBox()
        self.percent_spin.setRange(0.1, 100)
        self.percent_spin.setValue(10)
        self.percent_spin.setSuffix(" %")
        named(self.percent_spin, "Sample size (percentage of the list)")
        sizes = QHBoxLayout()
        for w in (self.by_size, self.size_spin, self.by_percent, self.percent_spin):
            sizes.addWidget(w)
        self.strata_combo = QComboBox()
        self.strata_combo.setAccessibleName("Stratify by")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2_000_000_000)
        self.seed_spin.setValue(secrets.randbelow(1_000_000))
        self.rate_spin = QDoubleSpinBox()
        self.rate_spin.setRange(1, 99)
        self.rate_spin.setValue(50)
        self.rate_spin.setSuffix(" % expected")
        named(self.rate_spin, "Expected Y rate (percent)")
        self.margin_spin = QDoubleSpinBox()
        self.margin_spin.setRange(0.5, 50)
        self.margin_spin.setValue(5)
        self.margin_spin.setPrefix("± ")
        self.margin_spin.setSuffix(" points")
        named(self.margin_spin, "Margin of error (percentage points)")
        suggest = QPushButton("&Suggest size")
        suggest.clicked.connect(self.suggest)
        suggest.setAutoDefault(False)
        helper = QHBoxLayout()
        for w in (self.rate_spin, self.margin_spin, suggest):
            helper.addWidget(w)
        self.suggest_label = QLabel("at 95% confidence, with the finite-population correction")
        self.suggest_label.setWordWrap(True)
        self.draw_button = QPushButton("&Draw sample")
        self.draw_button.setDefault(True)
        self.draw_button.clicked.connect(self.draw)
        form = QFormLayout()
        form.addRow("Size:", sizes)
        form.addRow(buddy("S&tratify by:", self.strata_combo), self.strata_combo)
        form.addRow(buddy("S&eed:", self.seed_spin), self.seed_spin)
        form.addRow("Size helper:", helper)
        form.addRow("", self.suggest_label)
        form.addRow(self.draw_button)
        box.setLayout(form)
        return box

    def _refresh_population(self) -> None:
        if self.audit is None:
            return
        n = self.session.ws.population_size(self.audit.id)
        self.population_label.setText(f"Population: {n:,} incidents imported." if n else
                                      "No incident list imported yet.")
        self.strata_combo.clear()
        self.strata_combo.addItem("(none — simple random)", "")
        for column in self.session.ws.incident_columns(self.audit.id):
            self.strata_combo.addItem(column, column)
        self.draw_button.setEnabled(n > 0)

    def suggest(self) -> None:
        population = self.session.ws.population_size(self.audit.id) or None
        rate, margin = self.rate_spin.value() / 100, self.margin_spin.value() / 100
        n = attempt(lambda: sampling.suggest_sample_size(rate, margin, population), self,
                    "Suggest a size", on_failure=lambda exc: self.suggest_label.setText(
                        "\n".join(failure_lines(exc))))
        if n is None:
            return
        self.size_spin.setValue(n)
        self.by_size.setChecked(True)
        pop = f" of {population:,}" if population else ""
        self.suggest_label.setText(f"Suggested: {n:,} records{pop} (95% confidence).")

    def draw(self) -> None:
        audit = self.audit
        if audit.sample.get("size") and QMessageBox.question(
                self, "Draw another sample",
                f"This audit already has a sample ({sample_text.describe(audit.sample)}). Draw "
                "again? New refs are added as records; refs already drawn are skipped, and the "
                "stored description becomes the new draw's.") \
                != QMessageBox.StandardButton.Yes:
            return
        size = self.size_spin.value() if self.by_size.isChecked() else None
        percent = self.percent_spin.value() if self.by_percent.isChecked() else None
        seed, strata = self.seed_spin.value(), self.strata_combo.currentData() or None
        done = self.session.run(
            lambda ws, p: sampling_ops.draw_sample(ws, audit.id, size=size, percent=percent,
                                                   seed=seed, stratify_by=strata, progress=p),
            self, "Drawing the sample…", background=True)
        if done is None:
            return
        self.result = done.value
        self.accept()
