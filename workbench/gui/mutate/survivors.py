"""The surviving mutants of a run, grouped by state: a row per state (how many survived there, how many
conversations reach it) with a row per change under it; and what to say of a selected survivor."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from workbench.testing.mutate.report import conversation_name, reach
from workbench.testing.mutate.run import Verdict

_VERDICT = Qt.ItemDataRole.UserRole
_STATE = Qt.ItemDataRole.UserRole + 1


def group_text(state: str, survivors: int, covered: int) -> str:
    """`route — 2 survivors · reached by 3 conversation(s)`."""
    return f"{state} — {survivors} survivor{'' if survivors == 1 else 's'} · {reach(covered)}"


def survivor_detail(verdict: Verdict) -> str:
    """A survivor's change, then the conversation closest to catching it (or that none reaches its state)."""
    if verdict.covered == 0:
        why = f"No conversation reaches {verdict.state}: a test that goes there is missing."
    elif verdict.closest is None:
        why = f"None of the {verdict.covered} conversation(s) that reach {verdict.state} noticed it."
    else:
        why = f"Closest conversation: {conversation_name(verdict.closest.conversation)} — {verdict.closest.hint}."
    return f"{verdict.change}\n{why}"


class SurvivorTree(QTreeWidget):
    """Survivors by state, in the order their first survivor came; `add` them as the run reaches them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mutation_survivors")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setUniformRowHeights(True)
        self._groups: dict[str, QTreeWidgetItem] = {}

    def clear(self) -> None:
        """No survivors listed."""
        super().clear()
        self._groups = {}

    def add(self, verdicts: Iterable[Verdict]) -> bool:
        """List the survivors among `verdicts` under their states; whether there was any."""
        added = False
        for verdict in verdicts:
            if verdict.outcome != "survived":
                continue
            group = self._groups.get(verdict.state)
            if group is None:
                group = self._groups[verdict.state] = QTreeWidgetItem(self)
                group.setData(0, _STATE, verdict.state)
                group.setExpanded(True)
            row = QTreeWidgetItem(group, [verdict.change])
            row.setData(0, _STATE, verdict.state)
            row.setData(0, _VERDICT, verdict)
            row.setToolTip(0, survivor_detail(verdict))
            group.setText(0, group_text(verdict.state, group.childCount(), verdict.covered))
            added = True
        return added

    def counts(self) -> dict[str, int]:
        """How many mutants survived in each listed state."""
        return {state: group.childCount() for state, group in self._groups.items()}

    def changes(self, state: str) -> list[str]:
        """The surviving changes listed under `state`."""
        group = self._groups.get(state)
        return [] if group is None else [group.child(i).text(0) for i in range(group.childCount())]

    def select_state(self, state: str) -> bool:
        """Make `state`'s row the current one (expanded, scrolled to); False when no mutant survived there."""
        group = self._groups.get(state)
        if group is None:
            return False
        group.setExpanded(True)
        self.setCurrentItem(group)
        self.scrollToItem(group)
        return True

    def select_change(self, change: str) -> bool:
        """Make the row of the surviving `change` the current one; False when it is not listed."""
        for group in self._groups.values():
            for i in range(group.childCount()):
                if group.child(i).text(0) == change:
                    self.setCurrentItem(group.child(i))
                    return True
        return False

    def chosen_state(self) -> str | None:
        """The state of the current row (a state's row or a survivor's), if any."""
        item = self.currentItem()
        return None if item is None else item.data(0, _STATE)

    def chosen_verdict(self) -> Verdict | None:
        """The survivor of the current row, when it is a survivor's."""
        item = self.currentItem()
        return None if item is None else item.data(0, _VERDICT)
