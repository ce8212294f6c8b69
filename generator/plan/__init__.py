"""Planning: a validated TableMap in, a typed, backend-neutral plan per direction out."""
