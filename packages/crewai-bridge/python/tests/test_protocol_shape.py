"""The client's methods against CrewAI's StorageBackend protocol, as documented in crewAIInc/crewAI
(lib/crewai/src/crewai/memory/storage/backend.py, CrewAI >= 1.10)."""

from __future__ import annotations

import inspect
import unittest

from mnemo_crewai import MnemoStorage, MnemoStorageBackend

_NONE = None
# name -> (is coroutine, [(parameter, default or inspect.Parameter.empty)])
PROTOCOL = {
    "save": (False, [("records", inspect.Parameter.empty)]),
    "search": (
        False,
        [("query_embedding", inspect.Parameter.empty), ("scope_prefix", _NONE), ("categories", _NONE), ("metadata_filter", _NONE), ("limit", 10), ("min_score", 0.0)],
    ),
    "delete": (False, [("scope_prefix", _NONE), ("categories", _NONE), ("record_ids", _NONE), ("older_than", _NONE), ("metadata_filter", _NONE)]),
    "update": (False, [("record", inspect.Parameter.empty)]),
    "get_record": (False, [("record_id", inspect.Parameter.empty)]),
    "list_records": (False, [("scope_prefix", _NONE), ("limit", 200), ("offset", 0)]),
    "get_scope_info": (False, [("scope", inspect.Parameter.empty)]),
    "list_scopes": (False, [("parent", "/")]),
    "list_categories": (False, [("scope_prefix", _NONE)]),
    "count": (False, [("scope_prefix", _NONE)]),
    "reset": (False, [("scope_prefix", _NONE)]),
    "asave": (True, [("records", inspect.Parameter.empty)]),
    "asearch": (
        True,
        [("query_embedding", inspect.Parameter.empty), ("scope_prefix", _NONE), ("categories", _NONE), ("metadata_filter", _NONE), ("limit", 10), ("min_score", 0.0)],
    ),
    "adelete": (True, [("scope_prefix", _NONE), ("categories", _NONE), ("record_ids", _NONE), ("older_than", _NONE), ("metadata_filter", _NONE)]),
}

LEGACY = {
    "save": [("value", inspect.Parameter.empty), ("metadata", _NONE)],
    "search": [("query", inspect.Parameter.empty), ("limit", 5), ("score_threshold", 0.6)],
    "reset": [],
}


def parameters(method: object) -> list[tuple[str, object]]:
    signature = inspect.signature(method)  # type: ignore[arg-type]
    return [(name, parameter.default) for name, parameter in signature.parameters.items() if name != "self"]


class ProtocolShapeTest(unittest.TestCase):
    def test_every_protocol_method_with_its_parameters_and_defaults(self) -> None:
        for name, (is_async, expected) in PROTOCOL.items():
            with self.subTest(method=name):
                method = getattr(MnemoStorageBackend, name, None)
                self.assertIsNotNone(method, f"MnemoStorageBackend.{name} is missing")
                self.assertEqual(inspect.iscoroutinefunction(method), is_async, f"{name}: async should be {is_async}")
                self.assertEqual(parameters(method), expected)

    def test_legacy_storage_interface(self) -> None:
        for name, expected in LEGACY.items():
            with self.subTest(method=name):
                self.assertEqual(parameters(getattr(MnemoStorage, name)), expected)

    def test_runtime_protocol_check_when_crewai_is_installed(self) -> None:
        try:
            from crewai.memory.storage.backend import StorageBackend  # type: ignore[import-not-found]
        except Exception:  # noqa: BLE001
            self.skipTest("crewai is not installed here (it cannot be installed on this machine); the structural test above stands in")
        backend = MnemoStorageBackend("http://127.0.0.1:9", api_key="mnemo_0000000000000000_" + "a" * 43)
        self.assertIsInstance(backend, StorageBackend)


if __name__ == "__main__":
    unittest.main()
