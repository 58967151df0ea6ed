"""devcon compat: will VS Code work in this image? (facts, knowledge table, sources)."""
