"""The per-process answer cache: admitted on the second sighting, bounded in bytes, LRU."""

from coopkg.web.result_cache import CachedAnswer, ResultCache


def answer(size: int) -> CachedAnswer:
    return CachedAnswer([("Content-Type", "text/csv")], b"x" * size, '"e"')


def test_an_answer_is_kept_only_when_its_key_comes_back():
    cache = ResultCache(1 << 20)
    assert cache.put(("q1",), answer(10)) is False
    assert cache.get(("q1",)) is None and len(cache) == 0
    assert cache.put(("q2",), answer(10)) is False
    assert cache.put(("q1",), answer(10)) is True
    assert cache.get(("q1",)).body == b"x" * 10
    assert cache.get(("q2",)) is None


def test_one_off_keys_never_push_out_repeated_ones():
    cache = ResultCache(1 << 20)
    cache.put(("hot",), answer(1000))
    cache.put(("hot",), answer(1000))
    for n in range(5000):
        cache.put((f"once-{n}",), answer(1000))
    assert len(cache) == 1 and cache.get(("hot",)) is not None


def test_bytes_bound_evicts_least_recently_used():
    cache = ResultCache(16 * 1000)  # entries up to 1 000 bytes, 16 000 in all
    for n in range(20):
        cache.put((n,), answer(900))
        cache.put((n,), answer(900))
    assert 0 < len(cache) < 20
    assert cache.get((19,)) is not None and cache.get((0,)) is None
    assert cache.put(("big",), answer(2000)) is False and cache.put(("big",), answer(2000)) is False


def test_the_memory_of_seen_keys_is_bounded():
    cache = ResultCache(1 << 20, seen_keys=100)
    for n in range(1000):
        cache.put((n,), answer(10))
    assert len(cache._seen) <= 100
    assert len(cache) == 0
