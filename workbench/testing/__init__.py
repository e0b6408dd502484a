"""Conversation tests: format, replay runner, assertions, coverage, reports, pytest plugin."""
