"""The bar shown while the conversation is offloaded: the tester answers as the agent or hands back."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from workbench.gui.chat.input_box import HistoryLineEdit
from workbench.gui.chat.style import AGENT, Balloon, embolden


class OffloadBar(Balloon):
    """ "Offloaded to <provider> — you are the agent", an agent box (Enter sends) and a Hand back button."""

    agent_reply = Signal(str)
    """The tester answered as the agent."""
    hand_back = Signal()
    """The tester handed the conversation back to the bot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(AGENT, parent)
        self.setObjectName("offloadBar")
        self.notice = self.add_label("")
        embolden(self.notice)
        row = QHBoxLayout()
        self.agent_box = HistoryLineEdit()
        self.agent_box.setObjectName("agentInput")
        self.agent_box.setPlaceholderText("Answer as the agent…")
        self.agent_box.submitted.connect(self.agent_reply)
        send = QPushButton("Send as agent")
        send.clicked.connect(self.agent_box.submit)
        self.hand_back_button = QPushButton("Hand back")
        self.hand_back_button.setObjectName("handBack")
        self.hand_back_button.setToolTip("Give the conversation back to the bot")
        self.hand_back_button.clicked.connect(self.hand_back)
        row.addWidget(self.agent_box, 1)
        row.addWidget(send)
        row.addWidget(self.hand_back_button)
        self.body.addLayout(row)
        self.hide()

    def open(self, provider: str) -> None:
        """Show the bar for a conversation offloaded to `provider`."""
        self.notice.setText(f"Offloaded to {provider} — you are the agent")
        self.show()
