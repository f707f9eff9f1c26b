"""Answers to repeated queries, kept per worker process.

The data never changes while a release is served, so an answer is valid as long as its
key holds: dataset version, query text, graph choice and format. A hit costs a dictionary
look-up instead of an evaluation. Bounded by total bytes (least recently used out first);
answers larger than a slice of the budget are not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedAnswer:
    headers: list[tuple[str, str]]
    body: bytes
    etag: str


class ResultCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 16
        self._entries: OrderedDict[tuple, CachedAnswer] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> CachedAnswer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: tuple, answer: CachedAnswer) -> None:
        size = len(answer.body) + 64 * len(answer.headers)
        if size > self.max_entry:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._size -= len(previous.body) + 64 * len(previous.headers)
            self._entries[key] = answer
            self._size += size
            while self._size > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body) + 64 * len(dropped.headers)

    def __len__(self) -> int:
        return len(self._entries)
