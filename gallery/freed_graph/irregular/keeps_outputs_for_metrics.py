"""Pitfall: The model's outputs are kept as they come (for a metric after the loop), each with the
Pitfall: graph of the forward pass that made it.
Source: the maintainers' own irregular set (issue 19): what else a step may keep alive.
Expect: were still alive with their graphs
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history, outputs = [], []
    for X, y in batches:
        optimizer.zero_grad()
        out = model(X)
        loss = loss_fn(out, y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
        outputs.append(out)  # not out.detach(): the forward's graph comes along
    if outputs:
        print("largest prediction", max(float(o.max()) for o in outputs))
    return history
