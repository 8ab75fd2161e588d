"""A CleanRL-style PPO (one file, plain PyTorch) on `gymnasium.make_vec("metta/Navigation-v0")`.

    python examples/trainers/cleanrl_ppo.py --steps 500000

The vector env has one sub-env per agent and resets finished episodes in the same step (Gymnasium's
SAME_STEP autoreset): the returned observation is already the next episode's, so a time-limit
truncation is bootstrapped from `infos["final_obs"]`, the ending episode's last observation.
Episode returns come from Gymnasium's own `RecordEpisodeStatistics`. Prints `name=value` lines.
"""

from __future__ import annotations

import argparse
import time

import gymnasium
import numpy as np
import torch
from gymnasium.wrappers.vector import RecordEpisodeStatistics
from torch import nn

import metta_core.env  # noqa: F401  (registers metta/<Preset>-v0)

GAMMA, LAMBDA, CLIP, ENTROPY, HORIZON, EPOCHS, MINIBATCHES = 0.99, 0.95, 0.2, 0.01, 64, 2, 4


class Agent(nn.Module):
    def __init__(self, size: int, nvec: np.ndarray):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(size, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU())
        self.value = nn.Linear(256, 1)
        self.nvec = [int(n) for n in nvec]
        self.logits = nn.Linear(256, sum(self.nvec))

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        return self.value(self.body(obs)).squeeze(-1)

    def act(self, obs: torch.Tensor, action: torch.Tensor | None = None):
        hidden = self.body(obs)
        heads = [
            torch.distributions.Categorical(logits=part) for part in self.logits(hidden).split(self.nvec, -1)
        ]
        if action is None:
            action = torch.stack([head.sample() for head in heads], dim=-1)
        log_prob = sum(head.log_prob(action[:, i]) for i, head in enumerate(heads))
        entropy = sum(head.entropy() for head in heads)
        return action, log_prob, entropy, self.value(hidden).squeeze(-1)


def main(steps: int, num_envs: int = 16) -> dict[str, float]:
    torch.set_num_threads(2)
    envs = RecordEpisodeStatistics(
        gymnasium.make_vec("metta/Navigation-v0", num_envs=num_envs, obs_dtype="float32", flatten=True)
    )
    n = envs.num_envs
    agent = Agent(envs.single_observation_space.shape[0], envs.single_action_space.nvec)
    optimizer = torch.optim.Adam(agent.parameters(), lr=3e-4, eps=1e-5)
    obs_buf = torch.zeros((HORIZON, n, envs.single_observation_space.shape[0]))
    act_buf = torch.zeros((HORIZON, n, 2), dtype=torch.long)
    logp_buf, rew_buf, done_buf, val_buf = (torch.zeros((HORIZON, n)) for _ in range(4))
    boot_buf = torch.zeros((HORIZON, n))  # value of the ending episode's last observation
    next_obs = torch.as_tensor(envs.reset(seed=0)[0])
    returns: list[float] = []
    start, taken = time.perf_counter(), 0
    while taken < steps:
        for t in range(HORIZON):
            with torch.no_grad():
                action, logp, _, value = agent.act(next_obs)
            obs_buf[t], act_buf[t], logp_buf[t], val_buf[t] = next_obs, action, logp, value
            obs, reward, terminated, truncated, infos = envs.step(action.numpy())
            rew_buf[t] = torch.as_tensor(reward)
            done_buf[t] = torch.as_tensor(terminated | truncated, dtype=torch.float32)
            boot_buf[t] = 0.0
            if "final_obs" in infos:  # bootstrap truncations from the ending episode, not the next one
                rows = np.flatnonzero(infos["_final_obs"] & truncated)
                if len(rows):
                    with torch.no_grad():
                        final = torch.as_tensor(np.stack(infos["final_obs"][rows]))
                        boot_buf[t, rows] = agent.get_value(final)
            if "episode" in infos:
                returns.extend(infos["episode"]["r"][infos["_episode"]].tolist())
            next_obs = torch.as_tensor(obs)
        taken += HORIZON * n
        with torch.no_grad():
            next_value = agent.get_value(next_obs)
        advantages = torch.zeros_like(rew_buf)
        last = torch.zeros(n)
        for t in reversed(range(HORIZON)):
            following = next_value if t == HORIZON - 1 else val_buf[t + 1]
            target = rew_buf[t] + GAMMA * ((1 - done_buf[t]) * following + boot_buf[t])
            last = target - val_buf[t] + GAMMA * LAMBDA * (1 - done_buf[t]) * last
            advantages[t] = last
        targets = advantages + val_buf
        flat = [
            b.reshape(HORIZON * n, *b.shape[2:]) for b in (obs_buf, act_buf, logp_buf, advantages, targets)
        ]
        for _ in range(EPOCHS):
            for idx in torch.randperm(HORIZON * n).chunk(MINIBATCHES):
                b_obs, b_act, b_logp, b_adv, b_target = (b[idx] for b in flat)
                _, logp, entropy, value = agent.act(b_obs, b_act)
                ratio = (logp - b_logp).exp()
                b_adv = (b_adv - b_adv.mean()) / (b_adv.std() + 1e-8)
                policy_loss = torch.max(-b_adv * ratio, -b_adv * ratio.clamp(1 - CLIP, 1 + CLIP)).mean()
                loss = policy_loss + 0.5 * (value - b_target).pow(2).mean() - ENTROPY * entropy.mean()
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), 0.5)
                optimizer.step()
    seconds = time.perf_counter() - start
    recent = returns[-200:]
    figures = {
        "cleanrl_steps_per_second": taken / seconds,
        "cleanrl_mean_return_last_episodes": float(np.mean(recent)) if recent else float("nan"),
    }
    for name, value in figures.items():
        print(f"{name}={value:.3f}")
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500_000)
    main(parser.parse_args().steps)
