"""Pitfall: the forward runs on a fresh leaf made from params' values each epoch
Pitfall: (`params.detach().requires_grad_()`): its gradient never reaches params, and the optimizer
Pitfall: steps with an empty .grad.
Source: the maintainer's own irregular set (issue 19): any run of one step or more.
Expect: no backward pass reached `params`
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        working = params.detach().requires_grad_()  # a new leaf: not the optimizer's tensor
        loss = loss_fn(model(t_u, *working), t_c)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params
