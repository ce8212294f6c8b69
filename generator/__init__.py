"""tablemap: compiles dual-write table-map specs into typed Python mapper modules."""
