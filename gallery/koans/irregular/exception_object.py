"""Pitfall: `second_backward` returns an exception object, RuntimeError(...), not its class's name.
Source: the maintainers' own irregular set (issue 19): exceptions (an exception object for a name)
Expect: an exception object (RuntimeError)
Expect: Write the name of its class as a string: 'RuntimeError'
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def second_backward():
    return RuntimeError("Trying to backward through the graph a second time")
