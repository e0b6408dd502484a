"""integrations/custom-back-end-integrations/README.md (API integration): the API plugin's request and the
three parts of its response, with the page's examples as printed; only the hostnames point at 127.0.0.1."""

from __future__ import annotations

import json
from typing import Any

from py_mini_racer import MiniRacer

from workbench.engine import events as ev

from .helpers import Backend, converse, entered, js_value, of, said

RESPONSE_EXAMPLE = """
const result = {
  session: {
    namespace: 'myNamespace',
    data: { variable: 'test123' },
  },
  messages: [{ type: 'text', config: { textMessages: [{ text: 'random message 1' }] } }],
  action: {
    nextDialogstate: 'dialogstate-123-abc',
  },
};
"""

RESPONSE_FLOW = """
start: call
states:
  call:
    api: {{method: POST, url: "{url}/example"}}
    next: not_jumped
  not_jumped: {{say: The response did not jump}}
  dialogstate-123-abc: {{say: "Stored: {{myNamespace.variable}}"}}
"""


def test_the_response_example_sets_the_session_then_says_the_text_then_jumps(backend: Backend, flow_from) -> None:
    """'Sending the API response': the `result` snippet. Session first, then the message (its text, not the
    object that holds it), then the jump to `nextDialogstate`."""
    backend.answer("/example", js_value(RESPONSE_EXAMPLE, "result"))
    events = converse(flow_from(RESPONSE_FLOW.format(url=backend.url)))
    applied = [e for e in events if isinstance(e, ev.VariableChanged | ev.BotMessage | ev.StateEntered)]
    assert [(e.kind, getattr(e, "name", None) or getattr(e, "text", None) or e.state) for e in applied] == [
        ("StateEntered", "call"),
        ("VariableChanged", "myNamespace"),
        ("BotMessage", "random message 1"),
        ("StateEntered", "dialogstate-123-abc"),
        ("BotMessage", "Stored: test123"),
    ]
    assert of(ev.VariableChanged, events)[0].value == {"variable": "test123"}
    assert not of(ev.EngineWarning, events)


PRINTED_PAYLOAD = {
    "amount": 500,
    "destination": "Elon Musk",
    "accountType": "savings_account",
    "transactionSuccess": "successful transaction",
    "transactionNoMoney": "unsuccessful transaction",
    "test": 5,
}

# The page's handler as printed has three typos that stop it from parsing; each is fixed as marked, the rest is
# verbatim. `account_synonyms` and `accounts` come from the mock banking backend the page links to.
TRANSACTION_HANDLER = """
const account_synonyms = { savings_account: 'savings', regular_account: 'regular' };
const accounts = { savings: { amount: 1000, limit: 200 }, regular: { amount: 100, limit: 0 } };
const routes = {};
const app = { post(path, handler) { routes[path] = handler; } };

app.post('/transaction', function (req, res) {
  let nextDialogstate;
  // printed: `transactionNoMoney = req.body;` (the closing brace is missing)
  const { amount, destination, accountType, transactionSuccess, transactionNoMoney } = req.body;

  // get account type (regular - savings account)
  const account = account_synonyms[accountType];

  // printed: `accounts[account].amount + accounts[accounthlimit — amount < )`
  if( accounts[account].amount + accounts[account].limit - amount < 0 ) {
    nextDialogstate = transactionNoMoney
  } else {
    // transfer amount
    // printed: `—=` (an em dash)
    accounts[account].amount -= amount;
    nextDialogstate = transactionSuccess;
  }

  res.json({
    action: {
      nextDialogstate,
    },
    session: {
      namespace: 'account',
      data: {
        limit: accounts[account].limit,
        amount: accounts[account].amount
      }
    },
  })
});
"""

TRANSACTION_FLOW = """
start: transfer
states:
  transfer:
    api:
      method: POST
      url: "{url}/transaction"
      body:
        amount: {{var: transfer_amount}}
        destination: {{var: transfer_destination}}
        accountType: {{var: card_type}}
        transactionSuccess: {{state: successful transaction}}
        transactionNoMoney: {{state: unsuccessful transaction}}
        test: 5
    next: unsuccessful transaction
  successful transaction: {{say: "Done! {{account.amount}} left, limit {{account.limit}}."}}
  unsuccessful transaction: {{say: "Sorry, you only have {{account.amount}}."}}
"""


def express_backend(backend: Backend) -> None:
    """Serve the page's Express handler, run in V8, at /transaction."""
    v8 = MiniRacer()
    v8.eval(TRANSACTION_HANDLER)
    call = (
        "(() => { let sent; "
        "routes['/transaction']({ body: %s }, { json(x) { sent = x; } }); return JSON.stringify(sent); })()"
    )

    def transaction(body: Any) -> tuple[int, Any]:
        return 200, json.loads(v8.eval(call % json.dumps(body)))

    backend.answer("/transaction", transaction)


def transfer(backend: Backend, flow_from, amount: int) -> list[ev.Event]:
    express_backend(backend)
    variables = {"transfer_amount": amount, "transfer_destination": "Elon Musk", "card_type": "savings_account"}
    return converse(flow_from(TRANSACTION_FLOW.format(url=backend.url)), variables=variables)


def test_the_request_body_is_the_printed_payload(backend: Backend, flow_from) -> None:
    """'Query and body payload parameters': variables give their values (500 stays a number), dialog states
    their ids, and the text `test` its value. The page calls 5 a text but prints it as a number: the workbench
    sends a YAML value as it is typed (`test: 5` a number, `test: "5"` a string)."""
    transfer(backend, flow_from, 500)
    assert backend.received == [("POST", "/transaction", PRINTED_PAYLOAD)]


def test_the_transaction_example_jumps_to_the_success_state_with_the_account_in_the_session(
    backend: Backend, flow_from
) -> None:
    """'Example': enough money, so the handler answers `nextDialogstate: transactionSuccess` and the account."""
    events = transfer(backend, flow_from, 500)
    assert entered(events) == ["transfer", "successful transaction"]
    assert said(events) == ["Done! 500 left, limit 200."]


def test_the_transaction_example_jumps_to_the_no_money_state(backend: Backend, flow_from) -> None:
    """'Example': not enough money (1000 + 200 - 1500 < 0), so `nextDialogstate: transactionNoMoney`."""
    events = transfer(backend, flow_from, 1500)
    assert entered(events) == ["transfer", "unsuccessful transaction"]
    assert said(events) == ["Sorry, you only have 1000."]
