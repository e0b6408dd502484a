"""Coverage › Mutation testing…: `workbench mutate` run from the window on the open flow and the tests beside it.

The run happens in a worker thread with its progress in the dialog (mutants judged of all, the score so far) and
can be cancelled; the states with surviving mutants get a badge on the graph, and a click on such a state lists
its survivors in the dialog, each with its one-line change and the conversation closest to catching it. For the
selected one, Explore from here starts the explorer on the flow, and Record a test here starts a conversation in
the chat at the survivor's state, to be saved as a test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from workbench.gui import coverage_view
from workbench.gui.coverage_view.controller import COVERAGE
from workbench.gui.explore import explore_flow
from workbench.gui.mutate.marks import SurvivorMarks
from workbench.gui.mutate.record import recording_message
from workbench.gui.test_explorer.menu import add_entry

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow
    from workbench.gui.mutate.run_dialog import MutationDialog

__all__ = ["COVERAGE", "dialog", "install", "mutate_flow", "open_dialog", "survivor_marks"]

MESSAGE_MS = 15_000


def dialog(window: MainWindow) -> MutationDialog | None:
    """The Mutation testing dialog of `window`, once it was opened."""
    return window.findChild(QDialog, "mutation_dialog")  # type: ignore[return-value]


def survivor_marks(window: MainWindow) -> SurvivorMarks | None:
    """The survivor badges on `window`'s graph, once installed."""
    return window.findChild(SurvivorMarks, "survivor_marks")


def install(window: MainWindow) -> QAction:
    """Add Coverage › Mutation testing… and the survivor badges to `window` (once)."""
    found = window.findChild(QAction, "mutation_testing")
    if found is not None:
        return found
    coverage_view.install(window)  # the Coverage menu this goes into
    SurvivorMarks(window.graph.view, window).setObjectName("survivor_marks")
    window.graph.view.scene_replaced.connect(lambda: _mark(window))
    window.graph.view.state_clicked.connect(lambda state: _on_state_clicked(window, state))
    action = window._action("&Mutation testing…", lambda: mutate_flow(window))
    action.setObjectName("mutation_testing")
    return add_entry(
        window, COVERAGE, action, "Change the flow in small ways and see which changes its tests would not notice"
    )


def open_dialog(window: MainWindow) -> MutationDialog:
    """The Mutation testing dialog of `window`, made on first use."""
    found = dialog(window)
    if found is not None:
        return found
    # Imported here, not at the top: the mutation machinery would add about 0.13 s to every start of the window.
    from workbench.gui.mutate.run_dialog import MutationDialog

    install(window)
    mutation = MutationDialog(window, settings=window.settings)
    mutation.survivors_changed.connect(lambda: _mark(window))
    mutation.explore_requested.connect(lambda state: _explore_from(window, state))
    mutation.record_requested.connect(lambda state, change: _record_at(window, state, change))
    window.closing.connect(mutation.cancel)
    return mutation


def mutate_flow(window: MainWindow) -> MutationDialog:
    """Show the Mutation testing dialog and run it on the open flow (a run under way is shown, not restarted)."""
    mutation = open_dialog(window)
    path = window.flow_session.path
    if path is None:
        _say(window, "Open a flow first: it is the flow whose changes are tested")
        return mutation
    mutation.show()
    mutation.raise_()
    mutation.start(path)
    return mutation


def _mark(window: MainWindow) -> None:
    """Badge the states with survivors when the dialog's run is of the open flow, else none."""
    badges, mutation = survivor_marks(window), dialog(window)
    if badges is not None:
        badges.show(mutation.survivor_counts() if mutation is not None and _of_open_flow(window) else {})


def _of_open_flow(window: MainWindow) -> bool:
    mutation = dialog(window)
    return mutation is not None and mutation.flow_path is not None and mutation.flow_path == window.flow_session.path


def _on_state_clicked(window: MainWindow, state: str) -> None:
    mutation = dialog(window)
    if _of_open_flow(window):
        assert mutation is not None
        mutation.show_state(state)


def _explore_from(window: MainWindow, state: str) -> None:
    if not _of_open_flow(window):
        _say(window, "Open the flow these survivors belong to first")
        return
    explore_flow(window)
    _say(window, f"Exploring the flow: keep a conversation that goes through {state}, then run mutation testing again")


def _record_at(window: MainWindow, state: str, change: str) -> None:
    if not _of_open_flow(window):
        _say(window, "Open the flow these survivors belong to first")
    elif window.flow_session.restart_at(state) is None:
        _say(window, f"The open flow has no state {state} any more: run mutation testing again")
    else:
        _say(window, recording_message(state, change or None))


def _say(window: MainWindow, message: str) -> None:
    window.statusBar().showMessage(message, MESSAGE_MS)
