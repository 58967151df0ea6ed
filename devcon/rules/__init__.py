"""Rules, one module each; see base.py and catalog.py."""
