"""The storage half of the crew, without CrewAI: what Memory(storage=MnemoStorageBackend(...)) calls,
with stand-in 3,072-d vectors. Standard library only; runs against a live bridge.

    MNEMO_API_KEY=mnemo_... python examples/crewai-agent/storage_smoke.py
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packages" / "crewai-bridge" / "python" / "src"))

from mnemo_crewai import MemoryRecord, MnemoStorageBackend  # noqa: E402


def embed(text: str, dimensions: int = 3072) -> list[float]:
    """Stands in for CrewAI's embedder (text-embedding-3-large gives 3,072 numbers)."""
    vector = [0.0] * dimensions
    for word in re.findall(r"\w+", text.lower()):
        vector[int.from_bytes(hashlib.sha1(word.encode()).digest()[:4], "big") % dimensions] += 1.0
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]


storage = MnemoStorageBackend(os.environ.get("MNEMO_URL", "http://127.0.0.1:7077"), api_key=os.environ["MNEMO_API_KEY"], collection="crewai-example")
storage.reset()
storage.save(
    [
        MemoryRecord(content="The traveller prefers quiet places and walks rather than taxis", scope="/crew/travel/preferences", categories=["preferences"], embedding=embed("traveller prefers quiet places walks taxis")),
        MemoryRecord(content="Alfama is a quiet old neighbourhood with river views", scope="/crew/travel/lisbon", categories=["places"], embedding=embed("Alfama quiet old neighbourhood river views")),
        MemoryRecord(content="The tile museum opens at ten", scope="/crew/travel/lisbon", categories=["places", "hours"], embedding=embed("tile museum opens ten")),
    ]
)
print("scopes under /crew/travel:", storage.list_scopes("/crew/travel"))
print("categories:", storage.list_categories())
info = storage.get_scope_info("/crew/travel")
print(f"scope info: {info.record_count} records, child scopes {info.child_scopes}")
for record, score in storage.search(embed("what does the traveller prefer quiet"), scope_prefix="/crew/travel", limit=2):
    print(f"recall {score:.3f}: {record.content} [{record.scope}]")
print("deleted by category 'hours':", storage.delete(categories=["hours"]))
print("count:", storage.count())
