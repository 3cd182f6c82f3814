"""Pitfall: an elementwise_grad that does nothing (`return None`) leaves x, its flag, its .grad
Pitfall: and grad mode untouched: the claims that x is left alone passed without a derivative
Pitfall: computed (red team).
Source: the maintainers' own irregular set (red team, attacks/nonscalar_backward): state
Expect: so whether x and the caller's grad mode are left as they were cannot be checked
Expect: so whether x keeps its flag and its grad cannot be checked
"""

from solutions.nonscalar_backward import *  # noqa: F401,F403


def elementwise_grad(f, x):
    return None
