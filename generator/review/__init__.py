"""Review: the spec set at a git revision and in the working tree in, a semantic diff report out."""
