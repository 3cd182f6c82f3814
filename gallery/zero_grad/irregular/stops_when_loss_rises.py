"""Pitfall: "early stopping" inside the loop: it stops as soon as the loss goes up, so it takes
Pitfall: fewer than n_epochs steps.
Source: the maintainer's own irregular set (issue 19): a run whose loss goes up (the unscaled
Source: readings, or momentum overshooting).
Expect: at the epoch where the loss first went up
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    best = float("inf")
    for epoch in range(1, n_epochs + 1):
        loss = loss_fn(model(t_u, *params), t_c)
        if loss.item() > best:
            break  # getting worse: stop
        best = loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params
