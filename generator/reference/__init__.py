"""Reference pages: table maps in, Markdown pages out (docs), and Markdown back to specs (import)."""
