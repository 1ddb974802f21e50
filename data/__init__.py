"""The DuckDB store, importers and exporters, the demo builder and the demo files."""
