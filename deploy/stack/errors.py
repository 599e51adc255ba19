"""Errors raised by the local stack, with enough context to act on."""


class StackError(RuntimeError):
    """A server could not be installed, started, or did not become healthy.

    The message says which server, what was tried and, for start-up failures, the tail of its log.
    """
