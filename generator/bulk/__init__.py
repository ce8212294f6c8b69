"""The bulk command: readers, engines, outputs and progress for initial loads at scale."""
