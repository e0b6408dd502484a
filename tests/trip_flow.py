"""The trip flow the reload tests (engine and window) load, change and load again.

Importable as `trip_flow` from any test (tests/ is on the path of every test run).
"""

TRIP = """\
name: Trip
start: welcome
variables: {greeting: Hi}
states:
  welcome:
    say: "{greeting}"
    next: ask_destination
  ask_destination:
    ask: Where to?
    save: destination
    next: ask_seat
  ask_seat:
    ask: Which seat?
    save: seat
    next: done
  done:
    say: Going to {destination} in seat {seat}
"""

TRIP_WITHOUT_SEAT = TRIP.replace("next: ask_seat", "next: done").replace(
    "  ask_seat:\n    ask: Which seat?\n    save: seat\n    next: done\n", ""
)
"""The trip with `ask_seat` removed (`ask_destination` goes straight to `done`)."""

TRIP_ASKING_ANEW = TRIP.replace("ask: Where to?", "ask: Where would you like to go?")
"""The trip with `ask_destination` asking in other words."""
