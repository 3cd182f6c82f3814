"""Pitfall: the loss is backpropagated twice each epoch (once to look at the gradient, once more
Pitfall: to train): the two gradients add up in .grad, and every step is twice as long.
Source: the maintainer's own irregular set (issue 19): any run of one step or more.
Expect: `.grad` held twice this epoch's gradient
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
        optimizer.zero_grad()
        loss.backward(retain_graph=True)  # a look at the gradient ...
        loss.backward()  # ... and the training backward: both land in .grad
        optimizer.step()
    return params
