"""The preview's message log shows every row's cells whole, however the messages that came before were."""

import json
from pathlib import Path

from workbench.gui.preview.window import REASON_COLUMN, PreviewWindow

SAMPLE_DIR = Path(__file__).resolve().parents[3] / "flows" / "train_ticket"


def test_each_new_message_widens_the_columns_it_needs(qtbot):
    preview = PreviewWindow("preview_demo.html", folder=SAMPLE_DIR)
    qtbot.addWidget(preview)
    preview.show()
    messages = [
        ("file://", {"target": "CL_API", "type": "SEND_MESSAGE", "payload": {"text": "hi"}}),
        ("https://a-much-longer-origin.example.com", {"target": "CL_API", "type": "GO_TO_DIALOGSTATE"}),
        ("file://", {"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"seat": "12A"}}),
    ]
    for origin, data in messages:
        preview.host.message_posted.emit(origin, json.dumps(data))
    qtbot.waitUntil(lambda: preview.log.rowCount() == len(messages))

    view = preview.log_view
    for row in range(len(messages)):
        for column in range(REASON_COLUMN + 1):
            needed = view.sizeHintForIndex(preview.log.index(row, column)).width()
            assert view.columnWidth(column) >= needed, (row, preview.log.item(row, column).text())
