"""Right: the two pairs (no_grad_result, updates_in_the_experiment) returned as namedtuples, a tuple
Right: subclass with field names; the bool koans as results of comparisons; the lists built with
Right: list() and comprehensions.
Source: examiner set (issue 19). (updates_in_the_experiment follows the koan's per-epoch question of
Source: issue 19.)
"""

from collections import namedtuple

import torch

NoGradResult = namedtuple("NoGradResult", ["requires_grad", "grad_fn"])
Updates = namedtuple("Updates", ["updates_per_epoch_in_A", "updates_per_epoch_in_B"])


def int_minus_equals_keeps_id():
    # an int is immutable: `p -= 4` binds p to a new int
    return 1 > 2


def tensor_minus_equals_keeps_id():
    # on a tensor `-=` is sub_, in place
    return 2 > 1


def int_list_after_loop():
    return list(range(1, 3))


def tensor_list_after_rebinding():
    return [float(v) for v in (1, 2)]


def list_after_call():
    inner = [3 - 1, 4]
    return [1 - 1, 2, inner]


def no_grad_result():
    return NoGradResult(requires_grad=False, grad_fn=None)


def grad_after_two_backward_calls():
    return 2 * (2 * 2.0)   # d(x*x)/dx = 2x = 4, added twice


def nonscalar_backward():
    return RuntimeError.__name__


def w_after_detached_add():
    return [1.0 + 1.0] * 3


def scaled_randn_grad_is_none():
    return not False


def losses_after_cat_loop():
    return 1000 // 100


def updates_in_the_experiment():
    return Updates(updates_per_epoch_in_A=1000 // 10, updates_per_epoch_in_B=1)


def running_loss_kind():
    return "tensor with a graph"


def step_after_late_zero_grad_moves():
    return False


def second_backward():
    return "Runtime" + "Error"
