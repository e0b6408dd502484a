"""The designer preview in a real QtWebEngine: the iframe panel's host page, width presets, the log, reload on save."""

import argparse
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from workbench.gui.iframe.host import PageHost
from workbench.gui.preview.cli import add_preview_parser, run_preview_command
from workbench.gui.preview.verdict import flow_states
from workbench.gui.preview.window import WIDTHS, PreviewWindow

SAMPLE_DIR = Path(__file__).resolve().parents[3] / "flows" / "train_ticket"
PAGES = Path(__file__).resolve().parent / "pages"
LOAD_TIMEOUT = 20_000  # the first QtWebEngine page of a cold run takes about a second


@pytest.fixture
def make_preview(qtbot) -> Callable[..., PreviewWindow]:
    """Build a shown preview (pages relative to the sample's folder) and wait until its page has loaded."""

    def build(url_template: str, **options: Any) -> PreviewWindow:
        options.setdefault("folder", SAMPLE_DIR)
        preview = PreviewWindow(url_template, **options)
        qtbot.addWidget(preview)
        preview.show()
        # The page loads once the event loop runs: nothing can have arrived yet.
        with qtbot.waitSignal(preview.host.content_loaded, timeout=LOAD_TIMEOUT):
            pass
        return preview

    return build


def rows(preview: PreviewWindow) -> list[tuple[str, ...]]:
    """The log's Type, Verdict and Reason / effect columns."""
    log = preview.log
    return [tuple(log.item(row, column).text() for column in (2, 3, 4)) for row in range(log.rowCount())]


def test_a_flows_page_posts_three_messages_and_the_log_shows_the_engines_verdicts(
    make_preview, sample_flow, run_js, qtbot
):
    preview = make_preview(
        "preview_demo.html?name={first_name}",
        variables={"first_name": "Ann"},
        states=lambda: flow_states(sample_flow),
    )
    assert preview.url == (SAMPLE_DIR / "preview_demo.html").as_uri() + "?name=Ann"
    assert preview.form.rendered.text() == preview.url
    assert run_js(preview.host, "document.getElementById('greeting').textContent") == "Hello Ann!"

    for button in ("send-message", "update-session", "malformed"):
        run_js(preview.host, f"document.getElementById('{button}').click()")
    qtbot.waitUntil(lambda: preview.log.rowCount() == 3, timeout=10_000)

    assert rows(preview) == [
        ("SEND_MESSAGE", "accepted", 'the user says "I picked a seat"'),
        ("UPDATE_SESSION", "accepted", 'sets seat = "12A"'),
        ("", "rejected", "not JSON (Expecting property name enclosed in double quotes at character 1)"),
    ]
    origin = preview.host.frame_url.rsplit("/", 1)[0]
    assert [preview.log.item(row, 1).text() for row in range(3)] == [origin] * 3
    raw = preview.log.item(1, 0).child(0, 0).text()  # the row expands to the raw data, indented
    assert raw.splitlines()[:2] == ["{", '  "target": "CL_API",']
    assert preview.log_view.isFirstColumnSpanned(0, preview.log.index(1, 0))
    assert preview.counts.text() == "3 messages: 2 accepted, 1 rejected"


def test_without_a_flow_a_jump_to_any_state_is_accepted(make_preview, run_js, qtbot):
    preview = make_preview("preview_demo.html")
    run_js(preview.host, "document.getElementById('go-to-state').click()")
    qtbot.waitUntil(lambda: preview.log.rowCount() == 1, timeout=10_000)
    assert rows(preview) == [("GO_TO_DIALOGSTATE", "accepted", "goes to ask_email (not checked: no flow)")]


def test_width_presets_and_the_height_size_the_iframe_inside_the_host_page(make_preview, run_js, qtbot):
    preview = make_preview("preview_demo.html", height=250)
    size = "(({width, height}) => `${width}x${height}`)(document.getElementById('content').getBoundingClientRect())"
    assert [label for label, _ in WIDTHS] == ["Chat widget (360 px)", "320 px", "375 px", "768 px"]
    assert run_js(preview.host, size, in_frame=False) == "360x250"

    for index, (_, width) in enumerate(WIDTHS[1:], start=1):
        with qtbot.waitSignal(preview.host.content_loaded, timeout=LOAD_TIMEOUT):
            preview.width_choice.setCurrentIndex(index)
        assert run_js(preview.host, size, in_frame=False) == f"{width}x250"
        assert run_js(preview.host, "window.innerWidth") == width  # what the page's own CSS sees

    with qtbot.waitSignal(preview.host.content_loaded, timeout=LOAD_TIMEOUT):
        preview.height_choice.setValue(500)
    assert run_js(preview.host, size, in_frame=False) == "768x500"


def test_a_page_host_without_a_width_fills_its_view_as_the_iframe_panel_shows_it(qtbot, run_js, show_widget):
    host = show_widget(PageHost(), 480, 400)
    with qtbot.waitSignal(host.content_loaded, timeout=LOAD_TIMEOUT):
        host.load((PAGES / "hostile.html").as_uri())
    widget = run_js(host, "document.querySelector('.widget').getBoundingClientRect().width", in_frame=False)
    frame = run_js(host, "document.getElementById('content').getBoundingClientRect().width", in_frame=False)
    view = run_js(host, "document.documentElement.clientWidth", in_frame=False)
    assert widget == view - 16  # the widget's margins
    assert frame == widget - 20  # the bubble's margins


def test_saving_the_page_reloads_it_also_when_the_editor_replaces_the_file(make_preview, tmp_path, run_js, qtbot):
    page = tmp_path / "page.html"
    page.write_text("<p id='text'>one</p>")
    preview = make_preview("page.html", folder=tmp_path)
    assert run_js(preview.host, "document.getElementById('text').textContent") == "one"

    with qtbot.waitSignal(preview.host.content_loaded, timeout=LOAD_TIMEOUT):
        page.write_text("<p id='text'>two, written in place</p>")
    assert run_js(preview.host, "document.getElementById('text').textContent") == "two, written in place"

    replacement = tmp_path / ".page.html.tmp"
    replacement.write_text("<p id='text'>three, by rename</p>")
    with qtbot.waitSignal(preview.host.content_loaded, timeout=LOAD_TIMEOUT):
        os.replace(replacement, page)
    assert run_js(preview.host, "document.getElementById('text').textContent") == "three, by rename"

    with qtbot.waitSignal(preview.host.content_loaded, timeout=LOAD_TIMEOUT):
        page.write_text("<p id='text'>four, still watched</p>")
    assert run_js(preview.host, "document.getElementById('text').textContent") == "four, still watched"

    with qtbot.assertNotEmitted(preview.host.content_loaded, wait=500):
        (tmp_path / "neighbour.txt").write_text("an editor's swap file")


def test_the_drive_form_renders_the_url_with_its_variables_and_reloads_the_page(make_preview, run_js, qtbot):
    preview = make_preview("preview_demo.html?name={first_name}&seat={seat.number}")
    assert preview.form.rendered.text().endswith("?name=&seat=  (no value for first_name, seat.number)")

    preview.form.add_variable("first_name", "Bea")
    preview.form.add_variable("seat.number", 12)
    with qtbot.waitSignal(preview.host.content_loaded, timeout=LOAD_TIMEOUT):
        preview.form.load()
    assert preview.url.endswith("/preview_demo.html?name=Bea&seat=12")
    assert preview.form.rendered.text() == preview.url
    assert run_js(preview.host, "location.search") == "?name=Bea&seat=12"

    preview.form.add_variable("bad[name", "x")
    preview.form.load()
    assert preview.form.rendered.text().startswith("Cannot render: bad variable path 'bad[name'")
    assert preview.url.endswith("?name=Bea&seat=12")


def test_the_preview_command_opens_the_window_and_refuses_a_missing_page(qtbot, monkeypatch, capsys):
    parser = argparse.ArgumentParser()
    add_preview_parser(parser.add_subparsers(dest="command"))
    missing = parser.parse_args(["preview", str(SAMPLE_DIR / "nope.html")])
    assert run_preview_command(missing) == 1
    assert "no such file" in capsys.readouterr().err

    page = f"{SAMPLE_DIR}/seat_picker.html?to={{destination}}"
    args = parser.parse_args(["preview", page, "--var", "destination=Ghent", "--height", "320"])
    assert (args.page, args.var, args.height, args.flow) == (page, ["destination=Ghent"], 320, None)
    shown: list[tuple[str, int, bool]] = []

    def run_until_closed(*_: Any) -> int:
        preview = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PreviewWindow))
        shown.append((preview.url, preview.height_choice.value(), preview.isVisible()))
        return 0

    monkeypatch.setattr(QApplication, "exec", run_until_closed)
    assert run_preview_command(args) == 0
    assert shown == [((SAMPLE_DIR / "seat_picker.html").as_uri() + "?to=Ghent", 320, True)]


def test_the_window_menu_previews_the_current_iframe_state_with_the_sessions_values(make_window, qtbot, tmp_path):
    folder = tmp_path / "flow"
    shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.convo.yaml", "__pycache__"))
    window = make_window()
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    texts = [a.text() for a in file_menu.actions()]
    assert texts[-4:] == ["Preview iframe &page…", "Preview this state's &iframe", "", "&Quit"]
    this_state = file_menu.actions()[-3]
    assert not this_state.isEnabled()

    task = window.open_flow(folder / "train_ticket.yaml")
    qtbot.waitUntil(task.done, timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    assert not this_state.isEnabled()
    window.bridge.set_variable("destination", "Ghent")
    window.bridge.start("pick_seat")
    qtbot.waitUntil(this_state.isEnabled, timeout=10_000)

    this_state.trigger()
    preview = next(w for w in window.findChildren(PreviewWindow))
    with qtbot.waitSignal(preview.host.content_loaded, timeout=LOAD_TIMEOUT):
        pass
    assert preview.isWindow()
    assert preview.form.template.text() == "seat_picker.html?to={destination}&passengers={passengers}"
    assert preview.height_choice.value() == 320
    assert preview.url == (folder / "seat_picker.html").resolve().as_uri() + "?to=Ghent&passengers="
    assert "(no value for passengers)" in preview.form.rendered.text()
