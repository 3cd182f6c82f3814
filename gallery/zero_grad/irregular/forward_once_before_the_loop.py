"""Pitfall: the prediction and the loss are computed once, before the loop: the second epoch
Pitfall: backpropagates through the graph the first one freed (and would reuse a stale loss).
Source: the maintainer's own irregular set (issue 19): two epochs or more.
Expect: Backward through a freed graph
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    loss = loss_fn(model(t_u, *params), t_c)  # outside the loop: one graph for every epoch
    for epoch in range(1, n_epochs + 1):
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params
