"""Delivery channels. Each sender takes one rendered message and raises ChannelError on failure;
the worker decides about retries."""

from __future__ import annotations

from alerts import AlertsError

__all__ = ["ChannelError"]


class ChannelError(AlertsError):
    """A delivery attempt failed; `permanent` hints that retrying cannot help (bad config)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
