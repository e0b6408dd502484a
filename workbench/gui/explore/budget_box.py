"""The Explore dialog's budget: how many conversations, inputs per conversation and seconds a search may take,
remembered in the window's settings (`explore/conversations`, `explore/turns`, `explore/seconds`)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

from workbench.testing.explore.search import Budget

SETTINGS = "explore"
_DEFAULT = Budget()
_LIMITS = {"conversations": 1_000_000, "turns": 1_000, "seconds": 24 * 3600}


class BudgetBox(QWidget):
    """Three spin boxes for a `Budget`; each change is saved in `settings` (when given) at once."""

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.conversations = self._spin("conversations", "Conversations to replay at most")
        self.turns = self._spin("turns", "Inputs in one conversation at most")
        self.seconds = self._spin("seconds", "Seconds the search may take")
        self.seconds.setSuffix(" s")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Budget:"))
        for label, box in (("conversations", self.conversations), ("turns each", self.turns), ("", self.seconds)):
            layout.addWidget(box)
            if label:
                layout.addWidget(QLabel(label))
        layout.addStretch()

    def _spin(self, name: str, tip: str) -> QSpinBox:
        box = QSpinBox(objectName=f"explore_{name}", minimum=1, maximum=_LIMITS[name])
        default = int(getattr(_DEFAULT, name))
        value = self.settings.value(f"{SETTINGS}/{name}", default, type=int) if self.settings else default
        box.setValue(value)
        box.setToolTip(tip)
        box.valueChanged.connect(lambda value: self._save(name, value))
        return box

    def _save(self, name: str, value: int) -> None:
        if self.settings is not None:
            self.settings.setValue(f"{SETTINGS}/{name}", value)

    def budget(self) -> Budget:
        """The budget as the boxes show it."""
        return Budget(self.conversations.value(), self.turns.value(), float(self.seconds.value()))

    def set_budget(self, budget: Budget) -> None:
        """Show (and remember) `budget`."""
        self.conversations.setValue(budget.conversations)
        self.turns.setValue(budget.turns)
        self.seconds.setValue(round(budget.seconds))
