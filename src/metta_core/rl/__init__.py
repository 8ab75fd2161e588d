"""PPO training: rollout buffer, advantages, losses, the loop (`ppo.py`) and run management.

`metta_core.rl.trainer.train(settings)` is the entry point. Submodules import torch; this file
imports nothing.
"""
