"""Pitfall: an sgd that does nothing (`return None`): no step, no gradient cleared; grad mode,
Pitfall: never touched, is left as it was, and that claim passed without a step taken.
Source: the maintainers' own irregular set: state (a do-nothing answer)
Expect: sgd changed no parameter
"""

from solutions.batch_division import *  # noqa: F401,F403


def sgd(params, lr, batch_size):
    return None
