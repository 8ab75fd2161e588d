"""Episode seeds are numpy's SeedSequence hash, computed in bulk."""

from __future__ import annotations

import numpy as np

from metta_core.env.seeding import episode_seed, episode_seeds, int_words


def reference(seed: int, env_index: int, episode: int) -> int:
    state = np.random.SeedSequence([seed & 0xFFFFFFFFFFFFFFFF, env_index, episode]).generate_state(
        2, np.uint32
    )
    return int((int(state[0]) << 31) ^ int(state[1])) & 0x7FFFFFFFFFFFFFFF or 1


def test_bulk_seeds_equal_seed_sequence_for_small_and_multi_word_inputs():
    rng = np.random.default_rng(0)
    seeds = [0, 1, 2**32 - 1, 2**32, 2**63 + 5, 2**64 - 1, -1, *rng.integers(0, 2**62, 20).tolist()]
    envs = np.array([0, 1, 47, 2**32 - 1, *rng.integers(0, 2**31, 12).tolist()])
    episodes = np.array([0, 1, 300, 2**33 + 7, *rng.integers(0, 2**40, 12).tolist()])
    for seed in seeds:
        got = episode_seeds(seed, envs, episodes).tolist()
        assert got == [reference(seed, int(e), int(k)) for e, k in zip(envs, episodes, strict=True)], seed
    assert episode_seed(7, 3, 2) == reference(7, 3, 2)


def test_int_words_match_seed_sequence_reading_of_ints():
    assert int_words(0) == [0]
    assert int_words(2**32 + 3) == [3, 1]
    for value in (5, 2**40 + 9, 2**64 - 1):
        assert np.random.SeedSequence(value).entropy == value
        words = np.array(int_words(value), dtype=np.uint32)
        assert np.array_equal(
            np.random.SeedSequence(words).generate_state(2), np.random.SeedSequence(value).generate_state(2)
        )
