"""What short commands and the engine's HTTP modules leave unloaded until they are used: httpx (with the cookie
and e-mail modules of the standard library it pulls in) loads at a conversation's first request, and `workbench
validate` imports no other command's module. Checked by module names in a fresh interpreter, never by timings."""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "flows" / "train_ticket"
HTTP_LIBRARIES = ["httpx", "http.cookiejar", "urllib.request"]


def loaded_after(code: str, names: list[str]) -> list[str]:
    """Which of `names` are imported once `code` has run in a fresh interpreter."""
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(n for n in {names!r} if n in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_engine_modules_that_make_requests_load_no_http_library_until_a_request_is_made():
    modules = ["http_port", "offload", "actions.base", "actions.offload", "actions.iframe", "actions.clear_session"]
    code = "\n".join(f"import workbench.engine.{name}" for name in modules)
    assert loaded_after(code, HTTP_LIBRARIES) == []


def test_ports_make_their_http_client_when_it_is_first_asked_for():
    code = "from workbench.engine.actions.base import Ports\nports = Ports()\nassert 'httpx' not in sys.modules\n"
    code += "client = ports.http\nassert type(client).__name__ == 'AsyncClient'"
    assert loaded_after(code, ["httpx"]) == ["httpx"]


def test_ports_given_a_function_for_their_http_client_call_it_at_the_first_request_and_leave_the_client_open():
    from workbench.engine.actions.base import Ports

    made = []

    class Client:
        closed = False

        async def aclose(self) -> None:
            self.closed = True

    def make() -> Client:
        made.append(Client())
        return made[-1]

    ports = Ports(http=make)
    assert made == []
    assert ports.http is ports.http is made[0]
    asyncio.run(ports.aclose())
    assert len(made) == 1 and not made[0].closed


def test_validate_imports_no_module_of_another_command_nor_the_event_loop():
    code = f"from workbench.cli import main\nmain(['validate', {str(SAMPLE / 'train_ticket.yaml')!r}])"
    others = ["workbench.gui", "workbench.testing", "workbench.translations_cli", "asyncio", *HTTP_LIBRARIES]
    assert loaded_after(code, others) == []


def test_a_conversations_canned_http_answers_load_no_http_library_until_a_request_is_made():
    code = "from workbench.testing.http_mock import CannedTransport\nCannedTransport(())"
    assert loaded_after(code, HTTP_LIBRARIES) == []


def test_canned_answers_serve_an_httpx_client_used_as_a_context_manager():
    import httpx

    from workbench.testing.http_mock import CannedTransport

    canned = CannedTransport(())

    async def ask() -> str:
        async with httpx.AsyncClient(transport=canned) as client:
            try:
                await client.get("http://127.0.0.1:9/nothing")
            except httpx.ConnectError as exc:
                return str(exc)
        return "answered"

    assert asyncio.run(ask()) == "no canned answer for GET http://127.0.0.1:9/nothing"
    assert [request.describe() for request in canned.unmatched] == ["GET http://127.0.0.1:9/nothing"]
