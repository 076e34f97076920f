"""Exceptions raised by the Mnemo client: one per kind of failure a caller can act on."""

from __future__ import annotations

from typing import Any


class MnemoError(Exception):
    """Base of every error the client raises. ``status`` is the HTTP status (0 without a response)."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        code: str = "error",
        issues: list[dict[str, str]] | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.issues = issues or []
        self.request_id = request_id
        self.retry_after = retry_after

    def __str__(self) -> str:
        where = f" (HTTP {self.status}, {self.code})" if self.status else ""
        return f"{self.message}{where}"


class MnemoConnectionError(MnemoError):
    """The service could not be reached (after the retries of an idempotent call)."""


class MnemoInvalidInputError(MnemoError, ValueError):
    """400: the request was rejected; ``issues`` lists each problem with its field path. Nothing was written."""


class MnemoAuthenticationError(MnemoError):
    """401: no API key, or an unknown or revoked one."""


class MnemoPermissionError(MnemoError, PermissionError):
    """403: the key does not cover this user or scope."""


class MnemoNotFoundError(MnemoError, LookupError):
    """404: no such thing for this user (and the key's scopes)."""


class MnemoConflictError(MnemoError):
    """409: the write contradicts what is stored."""


class MnemoPayloadTooLargeError(MnemoError, ValueError):
    """413: the request body is larger than the service accepts; send smaller batches."""


class MnemoUnavailableError(MnemoError):
    """503: the database is unavailable; ``retry_after`` says when to try again."""


class MnemoServerError(MnemoError):
    """Any other 5xx: a fault in the service."""


def _crewai_dimension_error() -> type[Exception] | None:
    try:  # CrewAI >= 1.10 defines it next to the StorageBackend protocol.
        from crewai.memory.storage.backend import EmbeddingDimensionMismatchError as crewai_error  # type: ignore[import-not-found]
    except Exception:  # noqa: BLE001 - CrewAI missing or older: use the compatible class below
        return None
    return crewai_error


class _EmbeddingDimensionMismatchError(MnemoInvalidInputError):
    """The shape of CrewAI's ``EmbeddingDimensionMismatchError`` (a ``ValueError`` with ``stored_dim`` and
    ``new_dim``), used when CrewAI itself is not installed."""

    def __init__(self, stored_dim: int, new_dim: int, **details: Any) -> None:
        self.stored_dim = stored_dim
        self.new_dim = new_dim
        super().__init__(
            f"Embedding dimension mismatch: this memory store contains {stored_dim}-dimensional vectors, "
            f"but the current embedder produced a {new_dim}-dimensional vector. Reset the store "
            "(crewai reset-memories --memory) or pin the embedder it was created with.",
            **details,
        )


#: CrewAI's own ``EmbeddingDimensionMismatchError`` when CrewAI is installed, else a class of the same shape.
EmbeddingDimensionMismatchError: type[Exception] = _crewai_dimension_error() or _EmbeddingDimensionMismatchError


def dimension_error(stored_dim: int, new_dim: int) -> Exception:
    """An ``EmbeddingDimensionMismatchError`` (CrewAI's when available) for the given dimensions."""
    return EmbeddingDimensionMismatchError(stored_dim, new_dim)  # type: ignore[call-arg]
