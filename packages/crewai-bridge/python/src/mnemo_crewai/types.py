"""CrewAI's ``MemoryRecord`` and ``ScopeInfo`` when CrewAI is installed, else dataclasses with the same fields,
and their conversion to and from the bridge's JSON."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class _MemoryRecord:
    """The fields of ``crewai.memory.types.MemoryRecord``."""

    content: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    scope: str = "/"
    categories: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    importance: float = 0.5
    created_at: datetime = field(default_factory=_utcnow)
    last_accessed: datetime = field(default_factory=_utcnow)
    embedding: list[float] | None = field(default=None, repr=False)
    source: str | None = None
    private: bool = False


@dataclass
class _ScopeInfo:
    """The fields of ``crewai.memory.types.ScopeInfo``."""

    path: str
    record_count: int = 0
    categories: list[str] = field(default_factory=list)
    oldest_record: datetime | None = None
    newest_record: datetime | None = None
    child_scopes: list[str] = field(default_factory=list)


try:  # CrewAI >= 1.10: return its own pydantic models.
    from crewai.memory.types import MemoryRecord, ScopeInfo  # type: ignore[import-not-found,assignment]
except Exception:  # noqa: BLE001 - CrewAI missing or older
    MemoryRecord = _MemoryRecord  # type: ignore[misc,assignment]
    ScopeInfo = _ScopeInfo  # type: ignore[misc,assignment]


def to_iso(value: datetime) -> str:
    """ISO 8601 in UTC. A naive datetime is taken as UTC (CrewAI's defaults come from ``datetime.utcnow``)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def from_iso(value: str | None) -> datetime | None:
    """An aware UTC datetime from the bridge's ISO 8601 strings."""
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def record_to_json(record: Any) -> dict[str, Any]:
    """A ``MemoryRecord`` (CrewAI's or ours) as the bridge's JSON record."""
    body: dict[str, Any] = {
        "id": str(record.id),
        "content": record.content,
        "scope": record.scope or "/",
        "categories": list(record.categories or []),
        "metadata": dict(record.metadata or {}),
        "importance": float(record.importance),
        "private": bool(record.private),
        "source": record.source,
        "createdAt": to_iso(record.created_at),
        "lastAccessedAt": to_iso(record.last_accessed),
    }
    if record.embedding:
        body["embedding"] = [float(value) for value in record.embedding]
    return body


def record_from_json(data: dict[str, Any]) -> Any:
    """The bridge's JSON record as a ``MemoryRecord``."""
    created = from_iso(data.get("createdAt")) or _utcnow()
    return MemoryRecord(
        id=data["id"],
        content=data.get("content", ""),
        scope=data.get("scope", "/"),
        categories=list(data.get("categories") or []),
        metadata=dict(data.get("metadata") or {}),
        importance=float(data.get("importance", 0.5)),
        created_at=created,
        last_accessed=from_iso(data.get("lastAccessedAt")) or created,
        embedding=data.get("embedding"),
        source=data.get("source"),
        private=bool(data.get("private", False)),
    )


def scope_info_from_json(data: dict[str, Any]) -> Any:
    """The bridge's scope summary as a ``ScopeInfo``."""
    return ScopeInfo(
        path=data["path"],
        record_count=int(data.get("recordCount", 0)),
        categories=list(data.get("categories") or []),
        oldest_record=from_iso(data.get("oldestRecord")),
        newest_record=from_iso(data.get("newestRecord")),
        child_scopes=list(data.get("childScopes") or []),
    )


def metadata_filter_to_json(metadata_filter: dict[str, Any] | None) -> dict[str, Any] | None:
    """CrewAI's ``metadata_filter`` (key equals value, all must hold) as the bridge's filter tree."""
    if not metadata_filter:
        return None
    return {"and": [{"key": str(key), "op": "==", "value": value} for key, value in metadata_filter.items()]}
