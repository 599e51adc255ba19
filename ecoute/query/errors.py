"""The one exception of the query language."""

from __future__ import annotations


class QuerySyntaxError(ValueError):
    """A query text that cannot be parsed (or an AST that cannot be compiled).

    ``message`` is a human-readable reason without location; ``position`` is the 0-based character offset
    in the query text where the problem was detected. ``str(error)`` is ``"<message> at <position>"``.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at {position}")
        self.message = message
        self.position = position

    def __reduce__(self) -> tuple[type[QuerySyntaxError], tuple[str, int]]:
        """Keep the two attributes across pickling (e.g. process pools)."""
        return (type(self), (self.message, self.position))
