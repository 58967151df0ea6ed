"""devcon: keep VS Code dev containers reproducible."""

__version__ = "0.1.0"
