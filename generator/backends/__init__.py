"""Backends: plans in, the text of generated files out; one sub-package per target."""
