"""Faults a test can queue: what the next matching requests get instead of a normal answer."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    STATUS = "status"  # an error status with a JSON body (500, 502, 503, 422, ...)
    TIMEOUT = "timeout"  # answer nothing for `seconds`, then close the connection
    DROP = "drop"  # close the connection without answering
    MALFORMED = "malformed"  # 200 with a body that is not JSON
    LOST_ANSWER = "lost-answer"  # do what was asked, then close the connection without answering


@dataclass
class Fault:
    kind: Kind
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @classmethod
    def server_error(cls, status: int = 502) -> Fault:
        messages = {500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        return cls._json(status, {"message": messages.get(status, "Server Error")})

    @classmethod
    def secondary_rate_limit(cls, retry_after: int | None = 1) -> Fault:
        fault = cls._json(
            403,
            {
                "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
                "before you try again. If you reach out to GitHub Support for help, please "
                "include the request ID 0000:0000:0000000:0000000:00000000.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
                "status": "403",
            },
        )
        if retry_after is not None:
            fault.headers["retry-after"] = str(retry_after)
        return fault

    @classmethod
    def too_many_requests(cls, retry_after: int = 1) -> Fault:
        fault = cls._json(429, {"message": "API rate limit exceeded", "status": "429"})
        fault.headers.update({"retry-after": str(retry_after), "x-ratelimit-remaining": "0"})
        return fault

    @classmethod
    def unprocessable(cls, message: str = "Validation Failed") -> Fault:
        return cls._json(
            422,
            {
                "message": "Unprocessable Entity",
                "errors": [message],
                "documentation_url": "https://docs.github.com/rest",
                "status": "422",
            },
        )

    @classmethod
    def timeout(cls, seconds: float) -> Fault:
        return cls(Kind.TIMEOUT, seconds=seconds)

    @classmethod
    def drop(cls) -> Fault:
        return cls(Kind.DROP)

    @classmethod
    def lost_answer(cls) -> Fault:
        return cls(Kind.LOST_ANSWER)

    @classmethod
    def malformed_json(cls) -> Fault:
        return cls(Kind.MALFORMED, status=200, body=b'{"id": 1, "body": "trunc')

    @classmethod
    def _json(cls, status: int, body: dict[str, object]) -> Fault:
        return cls(Kind.STATUS, status=status, body=json.dumps(body).encode())


@dataclass
class Queued:
    fault: Fault
    remaining: int
    method: str | None  # only requests with this method
    path: re.Pattern[str] | None  # only requests whose path matches (re.search)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or self.path.search(path) is not None
        )


class FaultQueue:
    """Queued faults, applied in order to the requests they match."""

    def __init__(self) -> None:
        self._queued: list[Queued] = []

    def add(self, fault: Fault, count: int, method: str | None, path: str | None) -> None:
        self._queued.append(Queued(fault, count, method, re.compile(path) if path else None))

    def take(self, method: str, path: str) -> Fault | None:
        for queued in self._queued:
            if queued.remaining > 0 and queued.matches(method, path):
                queued.remaining -= 1
                return queued.fault
        return None

    def pending(self) -> int:
        return sum(queued.remaining for queued in self._queued)

    def clear(self) -> None:
        self._queued.clear()
