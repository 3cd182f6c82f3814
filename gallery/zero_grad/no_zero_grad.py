"""Pitfall: no `zero_grad` in the training loop: gradients pile up across epochs.
Source: 001, (3)学习机制---Optimizers a la carte (the thermometer `training_loop`, `optimizer.zero_grad() # 清空梯度`); 003, notes on 《动手学深度学习》 linear regression (why zero_grad).
Expect: no `zero_grad`, so the gradients pile up across epochs
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
        loss.backward()  # ... with no optimizer.zero_grad() before it
        optimizer.step()
    return params
