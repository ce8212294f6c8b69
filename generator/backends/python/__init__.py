"""The Python backend: plans in, black-formatted, standard-library-only modules out."""
