"""Wire contracts of ecoute: pydantic v2 event models with a schema version, JSON examples checked by
tests, and the topic registry. This package imports nothing else of ours."""
