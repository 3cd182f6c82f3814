"""Pitfall: `losses_after_cat_loop` returns 1000: the thrown-away `torch.cat` is taken to grow `l`.
Source: the maintainers' own irregular set (issue 19): values (the result of torch.cat taken as
Source: kept)
Expect: 1000 is what `l` would hold if the loop kept the result
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def losses_after_cat_loop():
    return 1000
