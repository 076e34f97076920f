"""Mnemo for CrewAI: ``MnemoStorageBackend`` (unified ``Memory``), ``MnemoStorage`` (legacy ``ExternalMemory``)
and ``MnemoClient`` (the whole bridge API). Standard library only."""

from .backend import MnemoStorageBackend
from .client import MnemoClient
from .errors import (
    EmbeddingDimensionMismatchError,
    MnemoAuthenticationError,
    MnemoConflictError,
    MnemoConnectionError,
    MnemoError,
    MnemoInvalidInputError,
    MnemoNotFoundError,
    MnemoPayloadTooLargeError,
    MnemoPermissionError,
    MnemoServerError,
    MnemoUnavailableError,
)
from .legacy import MnemoStorage
from .types import MemoryRecord, ScopeInfo

__all__ = [
    "EmbeddingDimensionMismatchError",
    "MemoryRecord",
    "MnemoAuthenticationError",
    "MnemoClient",
    "MnemoConflictError",
    "MnemoConnectionError",
    "MnemoError",
    "MnemoInvalidInputError",
    "MnemoNotFoundError",
    "MnemoPayloadTooLargeError",
    "MnemoPermissionError",
    "MnemoServerError",
    "MnemoStorage",
    "MnemoStorageBackend",
    "MnemoUnavailableError",
    "ScopeInfo",
]
__version__ = "0.1.0"
