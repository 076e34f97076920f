"""What the tests share: the service started by the TypeScript test runner, keys, and real-size vectors."""

from __future__ import annotations

import hashlib
import math
import os
import re
import unittest
import uuid

DIMENSIONS = 3072


def service() -> tuple[str, dict[str, str]]:
    """The bridge URL and API keys the runner (src/python-client.test.ts) passes in the environment."""
    url = os.environ.get("MNEMO_URL")
    if not url:
        raise unittest.SkipTest("MNEMO_URL is not set: run these tests through `npm test` in packages/crewai-bridge")
    keys = {name: os.environ[f"MNEMO_KEY_{name.upper()}"] for name in ("alice", "bob", "crew")}
    return url, keys


def embed(text: str, dimensions: int = DIMENSIONS) -> list[float]:
    """A deterministic bag-of-words vector of CrewAI's default size: texts sharing words are close."""
    vector = [0.0] * dimensions
    for word in re.findall(r"\w+", text.lower()):
        bucket = int.from_bytes(hashlib.sha1(word.encode()).digest()[:4], "big") % dimensions
        vector[bucket] += 1.0
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]


def unique(prefix: str) -> str:
    """A fresh collection (or scope segment) per test, so tests never see each other's records."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
