#!/usr/bin/env bash
# Data-parallel training with torchrun: one process per GPU (or CPU share); each rank steps its own
# envs with its own seed, gradients are all-reduced (nccl on CUDA, gloo on CPU), rank 0 writes.
set -euo pipefail
torchrun --standalone --nproc_per_node="${NPROC:-2}" -m metta_cli train \
  --env navigation "run=${RUN:-ddp-navigation}" "$@"
