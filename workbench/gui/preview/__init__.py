"""The designer preview: an iframe page on its own, in the iframe panel's host page, beside a log of what it posts
and the engine's verdict on each message. Importing this package starts nothing; QtWebEngine loads with `window`."""
