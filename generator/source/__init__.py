"""Reading: spec and schema YAML files in, located spec IR and entity schemas out."""
