"""Episode seeds: numpy's `SeedSequence([seed, env, episode])` hash, computed for many episodes in
one compiled call.

Every episode of every env gets its own 63-bit seed (it picks the map and seeds the env's
generator). `np.random.SeedSequence` gives independent streams per (seed, env, episode) but costs
~20 us a call in Python, which showed up as several percent of a fast env loop where dozens of
envs finish together. `episode_seeds` runs the same hash (numpy's, after M.E. O'Neill's
seed_seq: a pool of four 32-bit words, hash-mixed) over arrays; a test checks it against
`SeedSequence` on many inputs, so the two can never drift apart silently.
"""

from __future__ import annotations

import numpy as np
from numba import njit

MASK32 = 0xFFFFFFFF
POOL_SIZE = 4
INIT_A = 0x43B0D7E5
MULT_A = 0x931E8875
INIT_B = 0x8B51F9DD
MULT_B = 0x58F38DED
MIX_MULT_L = 0xCA01F9DD
MIX_MULT_R = 0x4973F715
XSHIFT = 16
MAX_WORDS = 6  # seed, env and episode: at most two 32-bit words each


def int_words(value: int) -> list[int]:
    """A non-negative int as numpy's SeedSequence reads it: little-endian 32-bit words, [0] for 0."""
    if value == 0:
        return [0]
    words = []
    while value:
        words.append(value & MASK32)
        value >>= 32
    return words


@njit(cache=True)
def _append_words(entropy, length, value):
    # int_words for a value below 2**63, inside the kernel.
    if value == 0:
        entropy[length] = 0
        return length + 1
    while value > 0:
        entropy[length] = value & MASK32
        length += 1
        value >>= 32
    return length


@njit(cache=True)
def _hash(entropy, length):
    """SeedSequence(entropy).generate_state(2, uint32) as two ints. int64 arithmetic wraps on
    overflow and every product is masked to 32 bits, which gives exactly the uint32 results."""
    mixer = np.zeros(POOL_SIZE, dtype=np.int64)
    hash_const = INIT_A
    for i in range(POOL_SIZE):
        value = entropy[i] if i < length else 0
        value ^= hash_const
        hash_const = (hash_const * MULT_A) & MASK32
        value = (value * hash_const) & MASK32
        mixer[i] = value ^ (value >> XSHIFT)
    for i_src in range(POOL_SIZE + max(length - POOL_SIZE, 0)):
        for i_dst in range(POOL_SIZE):
            if i_src < POOL_SIZE and i_src == i_dst:
                continue
            value = mixer[i_src] if i_src < POOL_SIZE else entropy[i_src]
            value ^= hash_const
            hash_const = (hash_const * MULT_A) & MASK32
            value = (value * hash_const) & MASK32
            value ^= value >> XSHIFT
            mixed = (MIX_MULT_L * mixer[i_dst] - MIX_MULT_R * value) & MASK32
            mixer[i_dst] = mixed ^ (mixed >> XSHIFT)
    hash_const = INIT_B
    state = np.zeros(2, dtype=np.int64)
    for i in range(2):
        value = mixer[i % POOL_SIZE] ^ hash_const
        hash_const = (hash_const * MULT_B) & MASK32
        value = (value * hash_const) & MASK32
        state[i] = value ^ (value >> XSHIFT)
    return state[0], state[1]


@njit(cache=True)
def _episode_seeds(seed_words, envs, episodes, out):
    entropy = np.zeros(MAX_WORDS, dtype=np.int64)
    for k in range(envs.shape[0]):
        length = seed_words.shape[0]
        for i in range(length):
            entropy[i] = seed_words[i]
        length = _append_words(entropy, length, envs[k])
        length = _append_words(entropy, length, episodes[k])
        high, low = _hash(entropy, length)
        value = ((high << 31) ^ low) & 0x7FFFFFFFFFFFFFFF
        out[k] = value if value != 0 else 1


def episode_seeds(seed: int, envs: np.ndarray, episodes: np.ndarray) -> np.ndarray:
    """int64 seeds (in 1..2**63-1) of episode `episodes[k]` of env `envs[k]`, for every k."""
    envs = np.asarray(envs, dtype=np.int64)
    episodes = np.asarray(episodes, dtype=np.int64)
    out = np.empty(envs.shape[0], dtype=np.int64)
    words = np.array(int_words(seed & 0xFFFFFFFFFFFFFFFF), dtype=np.int64)
    _episode_seeds(words, envs, episodes, out)
    return out


def episode_seed(seed: int, env_index: int, episode: int) -> int:
    """The seed of one episode (see `episode_seeds`)."""
    return int(episode_seeds(seed, np.array([env_index]), np.array([episode]))[0])
