"""``MnemoStorage``: the storage of CrewAI < 1.10's ``ExternalMemory`` (text in; the bridge embeds)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from .client import MnemoClient


class MnemoStorage:
    """CrewAI's legacy ``Storage`` interface (``save(value, metadata)``, ``search(query, limit, score_threshold)``,
    ``reset()``) for ``ExternalMemory(storage=MnemoStorage(...))``.

    Text goes in; the bridge embeds it with Mnemo's configured embedder (``mnemo serve --embedder …``) and
    searches by vectors and BM25, or by BM25 alone when none is configured. Scores are then BM25 scores,
    not similarities in [0, 1], so use ``score_threshold=0`` without an embedder.
    """

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:7077",
        api_key: str | None = None,
        *,
        collection: str = "crewai-external",
        scope: str = "/",
        user: str | None = None,
        client: MnemoClient | None = None,
        timeout: float = 30.0,
    ) -> None:
        if client is None:
            if not api_key:
                raise ValueError("api_key is required (create one with: mnemo keys create --user <id>)")
            client = MnemoClient(base_url, api_key, user=user, timeout=timeout)
        self.client = client
        self.collection = collection
        self.scope = scope

    def save(self, value: Any, metadata: dict[str, Any] | None = None) -> None:
        """Stores ``value`` (as text) with its metadata; the bridge embeds it."""
        record = {"id": str(uuid.uuid4()), "content": value if isinstance(value, str) else str(value), "metadata": dict(metadata or {}), "scope": self.scope}
        self.client.save_records(self.collection, [record])

    def search(self, query: str, limit: int = 5, score_threshold: float = 0.6) -> list[dict[str, Any]]:
        """Entries shaped like CrewAI's external-memory results: ``id``, ``context`` and ``memory`` (the text), ``metadata``, ``score``."""
        # mode "vector": cosine similarities from the service's embedder, which score_threshold is meant for.
        hits = self.client.search_records(self.collection, query=query, mode="vector", scopePrefix=self.scope, limit=limit, minScore=score_threshold)
        return [
            {
                "id": hit["record"]["id"],
                "context": hit["record"]["content"],
                "memory": hit["record"]["content"],
                "metadata": hit["record"].get("metadata") or {},
                "score": float(hit["score"]),
            }
            for hit in hits
        ]

    def reset(self) -> None:
        self.client.reset_records(self.collection, scope_prefix=self.scope)

    async def asave(self, value: Any, metadata: dict[str, Any] | None = None) -> None:
        await asyncio.to_thread(self.save, value, metadata)

    async def asearch(self, query: str, limit: int = 5, score_threshold: float = 0.6) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self.search, query, limit, score_threshold)
