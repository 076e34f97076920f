"""``MnemoClient``: the bridge's whole HTTP API (records, conversations, model memory, settings)."""

from __future__ import annotations

import urllib.parse
from datetime import datetime
from typing import Any

from .transport import Transport
from .types import to_iso


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


class MnemoClient:
    """A plain client of the Mnemo bridge. Every call acts as the key's user (or ``user``, when the key has several).

    Example::

        client = MnemoClient("http://127.0.0.1:7077", api_key=os.environ["MNEMO_API_KEY"])
        client.append_messages("trip", [{"role": "user", "content": "Find me a hotel in Lisbon."}])
        context = client.build_context("trip", max_tokens=8192, reserve=1024)
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        user: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry_delay: float = 0.25,
    ) -> None:
        self.transport = Transport(base_url, api_key, user=user, timeout=timeout, max_retries=max_retries, retry_delay=retry_delay)

    def __repr__(self) -> str:
        return f"MnemoClient({self.transport.base_url!r}, user={self.transport.user!r})"

    # --- health ---------------------------------------------------------------------------------
    def ready(self) -> dict[str, Any]:
        """``/readyz``: the database answers and its migrations are current."""
        return self.transport.request("GET", "/readyz")

    # --- records (CrewAI storage) --------------------------------------------------------------
    def _records(self, collection: str, suffix: str = "") -> str:
        return f"/v1/collections/{_segment(collection)}{suffix}"

    def save_records(self, collection: str, records: list[dict[str, Any]], *, embedding_model: str | None = None) -> dict[str, int]:
        """Upserts records by id (one transaction). Idempotent, so retried on connection errors."""
        body: dict[str, Any] = {"records": records}
        if embedding_model:
            body["embeddingModel"] = embedding_model
        return self.transport.request("POST", self._records(collection, "/records"), body=body, idempotent=True)

    def replace_record(self, collection: str, record: dict[str, Any], *, embedding_model: str | None = None) -> dict[str, Any]:
        """Replaces (or creates) the record with ``record["id"]``."""
        body: dict[str, Any] = dict(record)
        if embedding_model:
            body["embeddingModel"] = embedding_model
        return self.transport.request("PUT", self._records(collection, f"/records/{_segment(record['id'])}"), body=body)["record"]

    def get_record(self, collection: str, record_id: str, *, include_embedding: bool = True) -> dict[str, Any]:
        """One record; raises ``MnemoNotFoundError`` when there is none."""
        path = self._records(collection, f"/records/{_segment(record_id)}")
        return self.transport.request("GET", path, query={"includeEmbedding": include_embedding})["record"]

    def list_records(
        self, collection: str, *, scope_prefix: str | None = None, limit: int = 200, offset: int = 0, order: str = "desc", include_embedding: bool = False
    ) -> list[dict[str, Any]]:
        """Records, newest first by default."""
        query = {"scopePrefix": scope_prefix, "limit": limit, "offset": offset, "order": order, "includeEmbedding": include_embedding}
        return self.transport.request("GET", self._records(collection, "/records"), query=query)["records"]

    def search_records(self, collection: str, **search: Any) -> list[dict[str, Any]]:
        """``embedding`` and/or ``query`` text, with ``scopePrefix``, ``categories``, ``filter``, ``limit``, ``minScore``."""
        body = {key: value for key, value in search.items() if value is not None}
        return self.transport.request("POST", self._records(collection, "/search"), body=body, idempotent=True)["results"]

    def delete_records(self, collection: str, **criteria: Any) -> int:
        """Deletes records matching every given criterion (``ids``, ``scopePrefix``, ``categories``, ``olderThan``, ``filter``)."""
        body = {key: (to_iso(value) if isinstance(value, datetime) else value) for key, value in criteria.items() if value is not None}
        return self.transport.request("POST", self._records(collection, "/delete"), body=body, idempotent=True)["deleted"]

    def reset_records(self, collection: str, *, scope_prefix: str | None = None) -> int:
        """Deletes every record (under ``scope_prefix``)."""
        body = {} if scope_prefix is None else {"scopePrefix": scope_prefix}
        return self.transport.request("POST", self._records(collection, "/reset"), body=body, idempotent=True)["deleted"]

    def touch_records(self, collection: str, ids: list[str]) -> int:
        """Marks records as just accessed; returns how many of the ids exist."""
        return self.transport.request("POST", self._records(collection, "/touch"), body={"ids": ids}, idempotent=True)["touched"]

    def count_records(self, collection: str, *, scope_prefix: str | None = None) -> int:
        return self.transport.request("GET", self._records(collection, "/count"), query={"scopePrefix": scope_prefix})["count"]

    def record_scopes(self, collection: str, *, parent: str = "/") -> list[dict[str, Any]]:
        """Immediate child scopes of ``parent`` with their record counts."""
        return self.transport.request("GET", self._records(collection, "/scopes"), query={"parent": parent})["scopes"]

    def record_scope_info(self, collection: str, scope: str) -> dict[str, Any]:
        return self.transport.request("GET", self._records(collection, "/scope-info"), query={"scope": scope})

    def record_categories(self, collection: str, *, scope_prefix: str | None = None) -> dict[str, int]:
        return self.transport.request("GET", self._records(collection, "/categories"), query={"scopePrefix": scope_prefix})["categories"]

    # --- conversations -------------------------------------------------------------------------
    def append_messages(self, conversation_id: str, messages: list[dict[str, Any]], *, dedupe: str | None = None) -> list[dict[str, Any]]:
        """Appends turns in one transaction. Retried on connection errors only when every message has an ``id``."""
        body: dict[str, Any] = {"messages": messages}
        if dedupe:
            body["dedupe"] = dedupe
        idempotent = all("id" in message for message in messages)
        return self.transport.request("POST", f"/v1/conversations/{_segment(conversation_id)}/messages", body=body, idempotent=idempotent)["messages"]

    def history(self, conversation_id: str, *, last: int | None = None, after_seq: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        query = {"last": last, "afterSeq": after_seq, "limit": limit}
        return self.transport.request("GET", f"/v1/conversations/{_segment(conversation_id)}/messages", query=query)["messages"]

    def build_context(self, conversation_id: str, *, max_tokens: int, reserve: int = 0, **options: Any) -> dict[str, Any]:
        """The budgeted context (``messages``, ``tokenCount``, ``sections``…) for the next model call."""
        body = {"maxTokens": max_tokens, "reserve": reserve, **{key: value for key, value in options.items() if value is not None}}
        return self.transport.request("POST", f"/v1/conversations/{_segment(conversation_id)}/context", body=body, idempotent=True)

    def conversations(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return self.transport.request("GET", "/v1/conversations", query={"limit": limit, "offset": offset})["conversations"]

    def delete_conversation(self, conversation_id: str) -> bool:
        return self.transport.request("DELETE", f"/v1/conversations/{_segment(conversation_id)}")["deleted"]

    # --- model memory --------------------------------------------------------------------------
    def add_memory(self, content: str, **fields: Any) -> dict[str, Any]:
        """Adds a fact (``category``, ``importance``, ``metadata``, ``scope``); returns ``{"entry", "action"}``."""
        body = {"content": content, **{key: value for key, value in fields.items() if value is not None}}
        return self.transport.request("POST", "/v1/model-memory", body=body, idempotent=True)

    def list_memories(self, **query: Any) -> list[dict[str, Any]]:
        return self.transport.request("GET", "/v1/model-memory", query=query)["entries"]

    def search_memories(self, query: str, **options: Any) -> list[dict[str, Any]]:
        body = {"query": query, **{key: value for key, value in options.items() if value is not None}}
        return self.transport.request("POST", "/v1/model-memory/search", body=body, idempotent=True)["entries"]

    def update_memory(self, memory_id: str, **fields: Any) -> dict[str, Any]:
        return self.transport.request("PATCH", f"/v1/model-memory/{_segment(memory_id)}", body=fields)["entry"]

    def delete_memory(self, memory_id: str) -> bool:
        return self.transport.request("DELETE", f"/v1/model-memory/{_segment(memory_id)}")["deleted"]

    # --- settings ------------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        return self.transport.request("GET", "/v1/settings")

    def set_setting(self, key: str, value: Any) -> dict[str, Any]:
        return self.transport.request("PUT", f"/v1/settings/{_segment(key)}", body={"value": value})["setting"]

    def unset_setting(self, key: str) -> bool:
        return self.transport.request("DELETE", f"/v1/settings/{_segment(key)}")["unset"]
