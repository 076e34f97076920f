"""Tenant isolation between keys, scope-limited keys, the legacy storage, the plain client and errors."""

from __future__ import annotations

import unittest

from mnemo_crewai import (
    MemoryRecord,
    MnemoAuthenticationError,
    MnemoClient,
    MnemoConnectionError,
    MnemoInvalidInputError,
    MnemoPermissionError,
    MnemoStorage,
    MnemoStorageBackend,
)

from .support import embed, service, unique


class TenantIsolationTest(unittest.TestCase):
    def setUp(self) -> None:
        self.url, self.keys = service()
        self.collection = unique("shared")
        self.alice = MnemoStorageBackend(self.url, api_key=self.keys["alice"], collection=self.collection)
        self.bob = MnemoStorageBackend(self.url, api_key=self.keys["bob"], collection=self.collection)
        self.secret = MemoryRecord(content="Alice's passport number is in the safe", scope="/crew/private", categories=["secret"], embedding=embed("passport safe"))
        self.alice.save([self.secret])

    def test_another_key_sees_and_changes_nothing(self) -> None:
        self.assertIsNone(self.bob.get_record(self.secret.id))
        self.assertEqual(self.bob.search(embed("passport safe")), [])
        self.assertEqual(self.bob.count(), 0)
        self.assertEqual(self.bob.list_records(), [])
        self.assertEqual(self.bob.list_scopes(), [])
        self.assertEqual(self.bob.list_categories(), {})
        self.assertEqual(self.bob.get_scope_info("/crew").record_count, 0)
        self.assertEqual(self.bob.delete(record_ids=[self.secret.id]), 0)
        self.bob.reset()
        self.assertEqual(self.alice.count(), 1)
        # Bob saving the same id makes his own record; Alice's is untouched.
        self.bob.save([MemoryRecord(id=self.secret.id, content="Bob's note", embedding=embed("bob"))])
        self.assertEqual(self.alice.get_record(self.secret.id).content, self.secret.content)  # type: ignore[union-attr]

    def test_a_scope_limited_key_stays_inside_its_scope(self) -> None:
        mine = MemoryRecord(content="Research agenda", scope="/crew/research/agenda", embedding=embed("research agenda"))
        self.alice.save([mine])
        crew = MnemoStorageBackend(self.url, api_key=self.keys["crew"], collection=self.collection)
        self.assertEqual(crew.count(), 1)
        self.assertEqual([r.id for r in crew.list_records()], [mine.id])
        self.assertIsNone(crew.get_record(self.secret.id))
        self.assertEqual([r.id for r, _ in crew.search(embed("passport safe research agenda"))], [mine.id])
        self.assertEqual(crew.list_scopes("/"), ["/crew"])
        self.assertEqual(crew.list_scopes("/crew"), ["/crew/research"])
        self.assertEqual(crew.get_scope_info("/crew").record_count, 1)
        with self.assertRaises(MnemoPermissionError):
            crew.save([MemoryRecord(content="Escape", scope="/crew/private", embedding=embed("escape"))])
        with self.assertRaises(MnemoPermissionError):
            crew.save([MemoryRecord(id=self.secret.id, content="Overwrite", scope="/crew/research", embedding=embed("x"))])
        with self.assertRaises(MnemoPermissionError):
            crew.count("/crew/private")
        crew.reset()
        self.assertEqual(self.alice.count(), 1)
        self.assertEqual(self.alice.get_record(self.secret.id).content, self.secret.content)  # type: ignore[union-attr]


class LegacyStorageTest(unittest.TestCase):
    def test_text_in_the_service_embeds_and_searches(self) -> None:
        url, keys = service()
        storage = MnemoStorage(url, api_key=keys["alice"], collection=unique("external"))
        storage.save("The client prefers morning meetings", {"agent": "assistant"})
        storage.save("Invoices go out on the first of the month", {"agent": "accountant"})
        results = storage.search("when does the client like meetings", limit=1, score_threshold=0.1)
        self.assertEqual(len(results), 1)
        self.assertEqual(results[0]["context"], "The client prefers morning meetings")
        self.assertEqual(results[0]["metadata"], {"agent": "assistant"})
        self.assertGreater(results[0]["score"], 0.1)
        self.assertEqual(storage.search("morning meetings", score_threshold=1.01), [])
        storage.reset()
        self.assertEqual(storage.search("meetings", score_threshold=0), [])


class ClientTest(unittest.TestCase):
    def setUp(self) -> None:
        self.url, self.keys = service()
        self.client = MnemoClient(self.url, self.keys["alice"])

    def test_conversations_model_memory_and_settings(self) -> None:
        conversation = unique("trip")
        stored = self.client.append_messages(
            conversation,
            [{"role": "user", "content": "Find me a hotel in Lisbon.", "id": "m1"}, {"role": "assistant", "content": "Memmo Alfama is quiet.", "id": "m2"}],
        )
        self.assertEqual([m["seq"] for m in stored], [1, 2])
        self.assertEqual([m["id"] for m in self.client.history(conversation, last=1)], ["m2"])
        context = self.client.build_context(conversation, max_tokens=300, reserve=50)
        self.assertLessEqual(context["tokenCount"], 250)
        added = self.client.add_memory("Prefers window seats", category="travel", importance=0.8)
        self.assertEqual(added["action"], "created")
        self.assertIn("Prefers window seats", [e["content"] for e in self.client.search_memories("window seat")])
        self.client.set_setting("persona", {"tone": "brief"})
        self.assertEqual(self.client.settings()["values"]["persona"], {"tone": "brief"})
        self.assertTrue(self.client.delete_conversation(conversation))

    def test_errors_are_typed(self) -> None:
        with self.assertRaises(MnemoAuthenticationError) as caught:
            MnemoClient(self.url, "mnemo_0000000000000000_" + "A" * 43).conversations()
        self.assertEqual(caught.exception.status, 401)
        with self.assertRaises(MnemoInvalidInputError) as invalid:
            self.client.append_messages("x", [{"role": "robot", "content": "hi"}])
        self.assertEqual(invalid.exception.issues[0]["path"], "body.messages.0.role")
        with self.assertRaises(MnemoPermissionError):
            MnemoClient(self.url, self.keys["crew"]).conversations()

    def test_connection_errors_are_retried_then_raised(self) -> None:
        dead = MnemoClient("http://127.0.0.1:9", self.keys["alice"], max_retries=2, retry_delay=0.01, timeout=2)
        with self.assertRaises(MnemoConnectionError):
            dead.count_records("crewai")
        self.assertNotIn(self.keys["alice"], repr(dead))


if __name__ == "__main__":
    unittest.main()
