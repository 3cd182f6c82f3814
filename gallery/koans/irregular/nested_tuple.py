"""Pitfall: `list_after_call` returns [0, 2, (2, 4)]: the inner list written as a tuple, a different
Pitfall: object and a different print; `[2, 4] == (2, 4)` is False, but a test that flattens or
Pitfall: converts would miss it.
Source: examiner set (issue 19): list_after_call (the nested element is a tuple)
Source: (updates_in_the_experiment follows the koan's per-epoch question of issue 19.)
Expect: a tuple where the snippet has a list
"""

import torch


# --- koans_references ---------------------------------------------------------------------------


def int_minus_equals_keeps_id():
    """Does `-=` on an int keep the object (the same `id`)? True or False."""
    return False


def tensor_minus_equals_keeps_id():
    """Does `-=` on a tensor keep the object (the same `id`)? True or False."""
    return True


def int_list_after_loop():
    """The list printed after `for p in params: p -= 4` on params = [1, 2]."""
    return [1, 2]


def tensor_list_after_rebinding():
    """The numbers printed after `for p in params: p = p - 4` on two one-element tensors."""
    return [1.0, 2.0]


def list_after_call():
    """The caller's list after `f` did `a[0] -= 1` and `a[2][0] -= 1` on [1, 2, [3, 4]]."""
    return [0, 2, (2, 4)]


# --- koans_autograd -----------------------------------------------------------------------------


def no_grad_result():
    """(requires_grad, grad_fn class name or None) of `x + y + z` under `torch.no_grad()`."""
    return (False, None)


def grad_after_two_backward_calls():
    """`x.grad` after two `(x * x).backward()` at x = 2."""
    return 8.0


def nonscalar_backward():
    """The exception name raised by `backward()` on a (2, 3) tensor, or None."""
    return "RuntimeError"


def w_after_detached_add():
    """What `w = torch.ones(3)` holds after `d = w.detach(); d += 1`."""
    return [2.0, 2.0, 2.0]


def scaled_randn_grad_is_none():
    """Is `w.grad` None for `w = torch.randn(3, requires_grad=True) * 0.01`?"""
    return True


# --- koans_loops --------------------------------------------------------------------------------


def losses_after_cat_loop():
    """`l.numel()` after the loop whose `torch.cat` result is never assigned."""
    return 10


def updates_in_the_experiment():
    """(updates in one epoch of A: per-batch steps, updates in one epoch of B: one step each)."""
    return (100, 1)


def running_loss_kind():
    """"float", "tensor" or "tensor with a graph": `running = 0.0; running += loss`."""
    return "tensor with a graph"


def step_after_late_zero_grad_moves():
    """Does `w` move when `zero_grad()` comes between `backward()` and `step()`?"""
    return False


def second_backward():
    """The exception name raised by a second `loss.backward()` on the same graph, or None."""
    return "RuntimeError"
