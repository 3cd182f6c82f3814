"""Pitfall: evaluate calls `model.zero_grad()` when it is done, "to leave a clean model": the
Pitfall: gradients the caller was accumulating over several batches are gone.
Source: the maintainer's own irregular set (issue 19): parameters that hold gradients before the call
Expect: evaluate changed the gradients the parameters held
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def evaluate(model, X):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            return model(X)
    finally:
        for m, was in modes:
            m.training = was
        model.zero_grad()  # "clean up"
