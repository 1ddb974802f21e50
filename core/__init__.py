"""Shared vocabulary, translations and errors. No heavy imports, no I/O."""
