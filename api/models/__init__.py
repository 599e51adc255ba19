"""Public API models (what clients send and see), separate from the wire/event models in ``schemas/``.

Naming follows the FastAPI full-stack template: ``XCreate`` (request body to create), ``XUpdate``
(partial update), ``XPublic`` (response).
"""
