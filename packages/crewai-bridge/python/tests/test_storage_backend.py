"""MnemoStorageBackend against the live bridge: every protocol method with 3,072-d vectors."""

from __future__ import annotations

import asyncio
import time
import unittest
from datetime import datetime, timedelta, timezone

from mnemo_crewai import EmbeddingDimensionMismatchError, MemoryRecord, MnemoStorageBackend

from .support import DIMENSIONS, embed, service, unique


def record(content: str, scope: str = "/", **fields: object) -> MemoryRecord:
    return MemoryRecord(content=content, scope=scope, embedding=embed(content), **fields)


class StorageBackendTest(unittest.TestCase):
    def setUp(self) -> None:
        url, keys = service()
        self.backend = MnemoStorageBackend(url, api_key=keys["alice"], collection=unique("crew"))
        self.notes = [
            record("The Lisbon hotel has a quiet river view", "/crew/travel", categories=["travel", "hotels"], metadata={"agent": "planner", "stars": 4}, importance=0.9),
            record("Flights to Porto leave at seven", "/crew/travel", categories=["travel"], metadata={"agent": "planner", "stars": 0}),
            record("Primary sources beat summaries for research", "/crew/research", categories=["research"], metadata={"agent": "researcher"}),
            record("The quarterly report is due on Friday", "/office", categories=["work"], metadata={"agent": "assistant"}, source="user:alice", private=True),
        ]
        # Distinct creation times, a second apart, so "newest first" has one right answer.
        start = datetime.now(timezone.utc) - timedelta(minutes=10)
        for index, note in enumerate(self.notes):
            note.created_at = note.last_accessed = start + timedelta(seconds=index)
        self.backend.save(self.notes)

    def test_save_and_get_record_round_trip_every_field(self) -> None:
        original = self.notes[3]
        stored = self.backend.get_record(original.id)
        assert stored is not None
        for name in ("id", "content", "scope", "categories", "metadata", "importance", "source", "private"):
            self.assertEqual(getattr(stored, name), getattr(original, name), name)
        self.assertEqual(len(stored.embedding), DIMENSIONS)
        self.assertAlmostEqual(sum(a * b for a, b in zip(stored.embedding, original.embedding)), 1.0, places=3)
        self.assertIsNotNone(stored.created_at.tzinfo)
        self.assertLess(abs((stored.created_at - original.created_at).total_seconds()), 0.01)
        self.assertIsNone(self.backend.get_record("no-such-id"))

    def test_save_is_an_idempotent_upsert(self) -> None:
        self.backend.save(self.notes)
        self.assertEqual(self.backend.count(), 4)

    def test_search_ranks_by_cosine_similarity_with_filters(self) -> None:
        query = embed("quiet hotel river view Lisbon")
        hits = self.backend.search(query, limit=4)
        self.assertEqual(hits[0][0].content, self.notes[0].content)
        self.assertEqual([score for _, score in hits], sorted((score for _, score in hits), reverse=True))
        for found, score in hits:
            self.assertAlmostEqual(score, sum(a * b for a, b in zip(query, embed(found.content))), places=3)
        self.assertEqual(len(hits[0][0].embedding), DIMENSIONS)
        in_research = self.backend.search(embed("hotel"), scope_prefix="/crew/research")
        self.assertEqual([r.scope for r, _ in in_research], ["/crew/research"])
        travel = self.backend.search(embed("sources"), categories=["travel"], limit=10)
        self.assertEqual({r.id for r, _ in travel}, {self.notes[0].id, self.notes[1].id})
        by_agent = self.backend.search(embed("anything"), metadata_filter={"agent": "researcher"})
        self.assertEqual([r.id for r, _ in by_agent], [self.notes[2].id])
        zero = self.backend.search(embed("flights"), metadata_filter={"stars": 0})
        self.assertEqual([r.id for r, _ in zero], [self.notes[1].id])
        self.assertEqual(self.backend.search(embed("quiet hotel"), min_score=0.99), [])
        self.assertEqual(len(self.backend.search(embed("the"), limit=2)), 2)

    def test_scope_prefix_is_a_path_not_a_pattern(self) -> None:
        self.backend.save([record("A crewman's note", "/crewman")])
        self.assertEqual(self.backend.count("/crew"), 3)
        self.assertEqual(self.backend.count("/crew/"), 3)
        self.assertEqual(self.backend.count("/c_ew"), 0)
        self.assertEqual(self.backend.search(embed("note"), scope_prefix="/crew_"), [])
        for hostile in ("/crew%", "/crew/*", "/crew/../office"):
            with self.subTest(scope=hostile):
                with self.assertRaises(ValueError):
                    self.backend.count(hostile)

    def test_update_replaces_content_and_keeps_created_at(self) -> None:
        changed = self.notes[1]
        created = self.backend.get_record(changed.id).created_at  # type: ignore[union-attr]
        changed.content = "Flights to Porto now leave at eight"
        changed.embedding = embed(changed.content)
        changed.created_at = datetime.now(timezone.utc) + timedelta(days=3)
        self.backend.update(changed)
        stored = self.backend.get_record(changed.id)
        assert stored is not None
        self.assertEqual(stored.content, "Flights to Porto now leave at eight")
        self.assertEqual(stored.created_at, created)
        self.assertEqual(self.backend.search(embed("Porto eight"), limit=1)[0][0].id, changed.id)

    def test_list_records_newest_first_with_paging(self) -> None:
        listed = self.backend.list_records()
        self.assertEqual([r.id for r in listed], [r.id for r in reversed(self.notes)])
        self.assertEqual([r.id for r in self.backend.list_records(limit=2, offset=1)], [self.notes[2].id, self.notes[1].id])
        self.assertEqual([r.id for r in self.backend.list_records(scope_prefix="/crew")], [self.notes[2].id, self.notes[1].id, self.notes[0].id])
        self.assertEqual(self.backend.list_records(offset=10), [])

    def test_touch_records_moves_last_accessed(self) -> None:
        before = self.backend.get_record(self.notes[0].id).last_accessed  # type: ignore[union-attr]
        self.backend.touch_records([self.notes[0].id, "missing"])
        after = self.backend.get_record(self.notes[0].id).last_accessed  # type: ignore[union-attr]
        self.assertGreater(after, before)
        self.backend.close()

    def test_scopes_categories_and_scope_info(self) -> None:
        self.assertEqual(self.backend.list_scopes(), ["/crew", "/office"])
        self.assertEqual(self.backend.list_scopes("/crew"), ["/crew/research", "/crew/travel"])
        self.assertEqual(self.backend.list_categories(), {"hotels": 1, "research": 1, "travel": 2, "work": 1})
        self.assertEqual(self.backend.list_categories("/crew/travel"), {"hotels": 1, "travel": 2})
        info = self.backend.get_scope_info("/crew")
        self.assertEqual(info.path, "/crew")
        self.assertEqual(info.record_count, 3)
        self.assertEqual(sorted(info.categories), ["hotels", "research", "travel"])
        self.assertEqual(info.child_scopes, ["/crew/research", "/crew/travel"])
        self.assertLessEqual(info.oldest_record, info.newest_record)
        empty = self.backend.get_scope_info("/nothing")
        self.assertEqual((empty.record_count, empty.oldest_record, empty.child_scopes), (0, None, []))

    def test_delete_by_each_criterion(self) -> None:
        self.assertEqual(self.backend.delete(record_ids=[self.notes[3].id, "missing"]), 1)
        self.assertEqual(self.backend.delete(categories=["research"]), 1)
        self.assertEqual(self.backend.delete(metadata_filter={"stars": 4}), 1)
        self.assertEqual(self.backend.delete(scope_prefix="/crew/travel", older_than=datetime.now(timezone.utc) - timedelta(days=1)), 0)
        time.sleep(0.01)
        self.assertEqual(self.backend.delete(older_than=datetime.now(timezone.utc)), 1)
        self.assertEqual(self.backend.count(), 0)

    def test_reset_a_scope_then_everything(self) -> None:
        self.backend.reset("/crew/travel")
        self.assertEqual(self.backend.count(), 2)
        self.backend.reset()
        self.assertEqual(self.backend.count(), 0)

    def test_a_vector_of_another_dimension_is_crewais_mismatch_error_and_writes_nothing(self) -> None:
        short = MemoryRecord(content="From an older embedder", embedding=embed("older embedder", 1536))
        with self.assertRaises(EmbeddingDimensionMismatchError) as caught:
            self.backend.save([record("A fine record"), short])
        self.assertIsInstance(caught.exception, ValueError)
        self.assertEqual((caught.exception.stored_dim, caught.exception.new_dim), (DIMENSIONS, 1536))  # type: ignore[attr-defined]
        self.assertEqual(self.backend.count(), 4)
        with self.assertRaises(EmbeddingDimensionMismatchError):
            self.backend.search(embed("older", 1536))

    def test_async_variants(self) -> None:
        async def scenario() -> tuple[int, list[tuple[MemoryRecord, float]], int]:
            extra = [record("Async notes about Tokyo ramen", "/crew/travel"), record("Async notes about Kyoto temples", "/crew/travel")]
            await self.backend.asave(extra)
            hits, deleted = await asyncio.gather(self.backend.asearch(embed("Tokyo ramen"), limit=1), self.backend.adelete(record_ids=[extra[1].id]))
            return self.backend.count(), hits, deleted

        count, hits, deleted = asyncio.run(scenario())
        self.assertEqual(hits[0][0].content, "Async notes about Tokyo ramen")
        self.assertEqual((deleted, count), (1, 5))


if __name__ == "__main__":
    unittest.main()
