"""Small data sets the tests share.

The thermometer readings come from *Deep Learning with PyTorch* (Stevens, Antiga, Viehmann),
chapter 5: `t_c` in Celsius, `t_u` in an unknown unit. The synthetic linear data is the recipe
of *Dive into Deep Learning* (d2l), section 3.2.
"""

from __future__ import annotations

import torch

T_C = [0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0]
T_U = [35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4]


def thermometer() -> tuple[torch.Tensor, torch.Tensor]:
    """(t_u, t_c): 11 readings of the unknown thermometer and the Celsius ones."""
    return torch.tensor(T_U), torch.tensor(T_C)


def synthetic_data(
    n: int = 1000,
    w=(2.0, -3.4),
    b: float = 4.2,
    *,
    noise: float = 0.01,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """d2l's y = Xw + b + noise: features (n, d) ~ N(0, 1), labels (n, 1)."""
    gen = torch.Generator().manual_seed(seed)
    w = torch.tensor(w, dtype=torch.float32)
    X = torch.normal(0.0, 1.0, (n, len(w)), generator=gen)
    y = X @ w + b + torch.normal(0.0, noise, (n,), generator=gen)
    return X, y.reshape(-1, 1)
