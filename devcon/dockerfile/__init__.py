"""Dockerfiles: parser, model and shell reading for rules."""
