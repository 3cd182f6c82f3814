"""Right: a running mean: what .grad holds is rescaled by seen / (seen + k) before each micro-
Right: batch, so N is never needed in advance; the loop's loss is formed in float64 whatever
Right: params' dtype.
Source: examiner set (issue 19)
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(n_epochs):
        t_p = params[0] * t_u + params[1]
        loss = (t_p.double() - t_c.double()).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    for p in model.parameters():
        p.grad = None
    seen = 0
    for X, y in micro_batches:
        k = len(X)
        with torch.no_grad():
            for p in model.parameters():
                if p.grad is not None:
                    p.grad.mul_(seen / (seen + k))
        (loss_fn(model(X), y) * (k / (seen + k))).backward()
        seen += k
