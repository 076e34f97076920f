"""``MnemoStorageBackend``: CrewAI's unified-memory ``StorageBackend`` protocol over the Mnemo bridge."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from .client import MnemoClient
from .errors import MnemoNotFoundError
from .types import metadata_filter_to_json, record_from_json, record_to_json, scope_info_from_json


class MnemoStorageBackend:
    """CrewAI ``StorageBackend`` (CrewAI >= 1.10) backed by Mnemo: ``Memory(storage=MnemoStorageBackend(...))``.

    Records, with the embeddings CrewAI computes, are stored per user in one collection (``"crewai"`` by
    default; one per crew if you like). Search is cosine similarity over those embeddings inside PostgreSQL;
    scopes are matched as paths. Every call goes through the bridge, which limits it to the API key's user
    and scope paths.

    Example::

        from crewai import Memory
        from mnemo_crewai import MnemoStorageBackend

        memory = Memory(storage=MnemoStorageBackend("http://127.0.0.1:7077", api_key=os.environ["MNEMO_API_KEY"]))
    """

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:7077",
        api_key: str | None = None,
        *,
        collection: str = "crewai",
        user: str | None = None,
        embedding_model: str = "crewai",
        client: MnemoClient | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
    ) -> None:
        if client is None:
            if not api_key:
                raise ValueError("api_key is required (create one with: mnemo keys create --user <id>)")
            client = MnemoClient(base_url, api_key, user=user, timeout=timeout, max_retries=max_retries)
        self.client = client
        self.collection = collection
        self.embedding_model = embedding_model

    def __repr__(self) -> str:
        return f"MnemoStorageBackend({self.client.transport.base_url!r}, collection={self.collection!r})"

    def save(self, records: list[Any]) -> None:
        """Saves (upserts by id) records with their embeddings, in one transaction.

        Raises ``EmbeddingDimensionMismatchError`` when an embedding's length differs from the stored ones.
        """
        if not records:
            return
        self.client.save_records(self.collection, [record_to_json(record) for record in records], embedding_model=self.embedding_model)

    def search(
        self,
        query_embedding: list[float],
        scope_prefix: str | None = None,
        categories: list[str] | None = None,
        metadata_filter: dict[str, Any] | None = None,
        limit: int = 10,
        min_score: float = 0.0,
    ) -> list[tuple[Any, float]]:
        """``(record, cosine similarity)`` pairs, best first, filtered in SQL."""
        results = self.client.search_records(
            self.collection,
            embedding=[float(value) for value in query_embedding],
            embeddingModel=self.embedding_model,
            scopePrefix=scope_prefix,
            categories=categories or None,
            filter=metadata_filter_to_json(metadata_filter),
            limit=limit,
            minScore=min_score,
            includeEmbedding=True,
        )
        return [(record_from_json(hit["record"]), float(hit["score"])) for hit in results]

    def delete(
        self,
        scope_prefix: str | None = None,
        categories: list[str] | None = None,
        record_ids: list[str] | None = None,
        older_than: datetime | None = None,
        metadata_filter: dict[str, Any] | None = None,
    ) -> int:
        """Deletes the records matching every given criterion; returns how many. No criterion deletes everything."""
        return self.client.delete_records(
            self.collection,
            scopePrefix=scope_prefix,
            categories=categories,
            ids=record_ids,
            olderThan=older_than,
            filter=metadata_filter_to_json(metadata_filter),
        )

    def update(self, record: Any) -> None:
        """Replaces the record with the same id (keeping its creation time)."""
        self.client.replace_record(self.collection, record_to_json(record), embedding_model=self.embedding_model)

    def get_record(self, record_id: str) -> Any | None:
        """The record with its embedding, or ``None``."""
        try:
            return record_from_json(self.client.get_record(self.collection, record_id))
        except MnemoNotFoundError:
            return None

    def list_records(self, scope_prefix: str | None = None, limit: int = 200, offset: int = 0) -> list[Any]:
        """Records newest first (without embeddings, to keep pages small)."""
        return [record_from_json(item) for item in self.client.list_records(self.collection, scope_prefix=scope_prefix, limit=limit, offset=offset)]

    def get_scope_info(self, scope: str) -> Any:
        """Record count, categories, date range and child scopes of ``scope`` (sub-scopes included)."""
        return scope_info_from_json(self.client.record_scope_info(self.collection, scope))

    def list_scopes(self, parent: str = "/") -> list[str]:
        """Immediate child scope paths of ``parent``."""
        return [item["scope"] for item in self.client.record_scopes(self.collection, parent=parent)]

    def list_categories(self, scope_prefix: str | None = None) -> dict[str, int]:
        return self.client.record_categories(self.collection, scope_prefix=scope_prefix)

    def count(self, scope_prefix: str | None = None) -> int:
        return self.client.count_records(self.collection, scope_prefix=scope_prefix)

    def reset(self, scope_prefix: str | None = None) -> None:
        self.client.reset_records(self.collection, scope_prefix=scope_prefix)

    def touch_records(self, record_ids: list[str]) -> None:
        """Sets ``last_accessed`` to now for these records (CrewAI's recall calls it when a backend has it)."""
        if record_ids:
            self.client.touch_records(self.collection, list(record_ids))

    def close(self) -> None:
        """Nothing to release: every call is one HTTP request (CrewAI's ``Memory.close()`` calls this)."""

    async def asave(self, records: list[Any]) -> None:
        await asyncio.to_thread(self.save, records)

    async def asearch(
        self,
        query_embedding: list[float],
        scope_prefix: str | None = None,
        categories: list[str] | None = None,
        metadata_filter: dict[str, Any] | None = None,
        limit: int = 10,
        min_score: float = 0.0,
    ) -> list[tuple[Any, float]]:
        return await asyncio.to_thread(self.search, query_embedding, scope_prefix, categories, metadata_filter, limit, min_score)

    async def adelete(
        self,
        scope_prefix: str | None = None,
        categories: list[str] | None = None,
        record_ids: list[str] | None = None,
        older_than: datetime | None = None,
        metadata_filter: dict[str, Any] | None = None,
    ) -> int:
        return await asyncio.to_thread(self.delete, scope_prefix, categories, record_ids, older_than, metadata_filter)
