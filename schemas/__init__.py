"""JSON schemas devcon writes and ships (data only; see devcon.resources)."""
