"""The error every tracker service raises for input it refuses."""

from __future__ import annotations

from collections.abc import Iterable


class ServiceError(Exception):
    """A write was refused; ``messages`` holds one line per problem, each naming where.

    Commands print one line per message and exit 1; views show them as form errors.
    """

    def __init__(self, messages: str | Iterable[str]) -> None:
        self.messages: tuple[str, ...] = (
            (messages,) if isinstance(messages, str) else tuple(messages)
        )
        super().__init__("; ".join(self.messages))
