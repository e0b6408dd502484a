"""Flow Workbench: test Chatlayer-style chatbot flows before they ship."""

__version__ = "0.1.0"
