"""The iframe panel: pages of iframe actions in a real browser engine (QtWebEngine), their postMessage events sent
to the engine. Importing this package starts nothing; QtWebEngine loads with `host` (or `panel`), on first use."""
