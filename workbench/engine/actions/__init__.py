"""One module per action kind."""
