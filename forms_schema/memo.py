"""A small bounded, thread-safe memo for the pure functions of a loaded questionnaire."""

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    """Remembers up to `limit` results, the least recently used going first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        """The result remembered for key, else build() (outside the lock) remembered."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = build()
        with self._lock:
            self._items[key] = found
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._items)


def json_key(value: Any) -> str | None:
    """The canonical JSON of answers (a memo key), or None for what JSON cannot hold."""
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return None
