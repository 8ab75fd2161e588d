"""Where training runs: torchrun / DDP glue, the device, and the CPU threads each process uses.

Reads RANK, LOCAL_RANK, WORLD_SIZE, NODE_INDEX; gloo on CPU, nccl on CUDA. Every rank builds its
own envs with its own seed; only rank 0 writes files (`Distributed.is_writer`). Outside torchrun
this is a world of one and touches nothing.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import torch
import torch.distributed as dist

from metta_core.policy.device import torch_device


@dataclass(frozen=True)
class Distributed:
    rank: int = 0
    local_rank: int = 0
    world_size: int = 1
    node_index: int = 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_writer(self) -> bool:
        return self.rank == 0

    @classmethod
    def from_environment(cls) -> Distributed:
        return cls(
            rank=int(os.environ.get("RANK", 0)),
            local_rank=int(os.environ.get("LOCAL_RANK", 0)),
            world_size=int(os.environ.get("WORLD_SIZE", 1)),
            node_index=int(os.environ.get("NODE_INDEX", os.environ.get("GROUP_RANK", 0))),
        )


def setup(device: str) -> tuple[Distributed, torch.device]:
    """Join the process group if torchrun started us; returns this rank's identity and device."""
    info = Distributed.from_environment()
    torch_device = resolve_device(device, info.local_rank)
    if torch_device.type == "cuda":
        torch.cuda.set_device(torch_device)
    if info.enabled and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if torch_device.type == "cuda" else "gloo")
    return info, torch_device


def resolve_device(name: str, local_rank: int) -> torch.device:
    """`auto` -> cuda when present; a bare `cuda` -> this rank's GPU (`cuda:LOCAL_RANK`)."""
    device = torch_device(name)
    if device.type == "cuda" and device.index is None:
        return torch.device(f"cuda:{local_rank}")
    return device


def torch_threads(requested: int, world_size: int) -> int:
    """Threads for torch's intra-op pool: the request, or this process's share of the cores.

    On a machine already busy with other work (at least half the cores running other processes),
    one thread: on a shared 2-core machine, two OpenMP threads competing with other processes made
    updates 2-7x slower than one thread (`metta bench train`, docs/training.md).
    """
    if requested:
        return requested
    cores = os.cpu_count() or 1
    if busy_cores() >= cores / 2:
        return 1
    return max(1, cores // world_size)


def busy_cores(samples: int = 5, interval_s: float = 0.02) -> float:
    """Processes running on other cores now: the fewest runnable tasks seen in `samples` reads of
    /proc/loadavg, less this process (the fewest, so a shell command passing by is not load).

    Not the load average: that decays over a minute, so a run started right after another one
    ended read the old run as load and trained on one thread (half the speed on 2 cores).
    Elsewhere than Linux, the 1-minute load average.
    """
    try:
        readings = []
        for sample in range(samples):
            if sample:
                time.sleep(interval_s)
            with open("/proc/loadavg") as loadavg:
                readings.append(int(loadavg.read().split()[3].split("/")[0]) - 1)
        return max(0, min(readings))
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def use_fast_cpu_math() -> None:
    """Flush denormal floats to zero in this process (a no-op where the CPU lacks the mode).

    Tiny gradients and Adam moments drift into the denormal range, where x86 arithmetic is many
    times slower; flushing them to zero made `metta bench train` ~7% faster (4.5-4.8k -> 4.9-5.1k
    on lstm256/arena) and changes nothing a policy can learn from (|x| < 1.2e-38).
    """
    torch.set_flush_denormal(True)


def wrap_model(policy: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """The module the update differentiates: DDP around `policy` under torchrun, else `policy`.

    Wrap after loading a checkpoint: DDP broadcasts rank 0's parameters when it is built.
    """
    if not (dist.is_available() and dist.is_initialized()):
        return policy
    from torch.nn.parallel import DistributedDataParallel

    return DistributedDataParallel(policy, device_ids=[device.index] if device.type == "cuda" else None)


def teardown(every_rank_finished: bool = False) -> None:
    """Leave the process group. After a run every rank ended, wait at a barrier first.

    Without it, the rank that writes no checkpoint reached `destroy_process_group` while rank 0
    was still saving; once, in a CI run, rank 1 then aborted at the end of a finished run
    ("terminate called without an active exception"; not reproduced since). Torch documents the
    destroy as collective. After a failure no barrier: the other ranks may be gone, and waiting
    for them would hang instead of exiting.
    """
    if dist.is_available() and dist.is_initialized():
        if every_rank_finished:
            dist.barrier()
        dist.destroy_process_group()


def mean_across_ranks(value: torch.Tensor) -> torch.Tensor:
    if not (dist.is_available() and dist.is_initialized()):
        return value
    value = value.detach().clone()
    dist.all_reduce(value)
    return value / dist.get_world_size()


def any_rank(flag: bool, device: torch.device) -> bool:
    """True when any rank raised `flag` (used so a signal on one rank stops them all together)."""
    if not (dist.is_available() and dist.is_initialized()):
        return flag
    value = torch.tensor([1.0 if flag else 0.0], device=device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item() > 0)


def broadcast_object(obj):
    """Rank 0's value of a picklable object on every rank."""
    if not (dist.is_available() and dist.is_initialized()):
        return obj
    holder = [obj]
    dist.broadcast_object_list(holder, src=0)
    return holder[0]
