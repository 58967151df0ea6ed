"""`devcon init` templates, one folder each (data only; see devcon.resources)."""
