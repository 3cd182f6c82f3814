"""Pitfall: evaluate runs the forward with recording on and returns `.detach()`: the graph was built for
Pitfall: nothing.
Source: the maintainer's own irregular set (issue 19): a model whose parameters require grad
Expect: a graph was built and then thrown away
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def evaluate(model, X):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        return model(X).detach()  # requires_grad False, but the graph was built
    finally:
        for m, was in modes:
            m.training = was
