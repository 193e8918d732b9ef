"""pln-bot: keeps a Professional Learning Network of school technology leaders reflecting."""

__version__ = "0.1.0"
