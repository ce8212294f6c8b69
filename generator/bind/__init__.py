"""Binding and validation: spec IR and entity schemas in, a validated TableMap out."""
