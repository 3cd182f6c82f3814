"""Right: functions that are not written one by one with `def`: each is made by a small factory from
Right: one table of answers, and returns a fresh deep copy on every call (so a caller that mutates a
Right: returned list cannot change the next answer).
Source: examiner set (issue 19). (updates_in_the_experiment follows the koan's per-epoch question of
Source: issue 19.)
"""

import copy

import torch

_PREDICTIONS = {
    "int_minus_equals_keeps_id": False,
    "tensor_minus_equals_keeps_id": True,
    "int_list_after_loop": [1, 2],
    "tensor_list_after_rebinding": [1.0, 2.0],
    "list_after_call": [0, 2, [2, 4]],
    "no_grad_result": (False, None),
    "grad_after_two_backward_calls": 8.0,
    "nonscalar_backward": "RuntimeError",
    "w_after_detached_add": [2.0, 2.0, 2.0],
    "scaled_randn_grad_is_none": True,
    "losses_after_cat_loop": 10,
    "updates_in_the_experiment": (100, 1),
    "running_loss_kind": "tensor with a graph",
    "step_after_late_zero_grad_moves": False,
    "second_backward": "RuntimeError",
}


def _koan(name):
    def predict():
        return copy.deepcopy(_PREDICTIONS[name])

    predict.__name__ = predict.__qualname__ = name
    predict.__doc__ = f"My prediction for the koan {name}."
    return predict


int_minus_equals_keeps_id = _koan("int_minus_equals_keeps_id")
tensor_minus_equals_keeps_id = _koan("tensor_minus_equals_keeps_id")
int_list_after_loop = _koan("int_list_after_loop")
tensor_list_after_rebinding = _koan("tensor_list_after_rebinding")
list_after_call = _koan("list_after_call")
no_grad_result = _koan("no_grad_result")
grad_after_two_backward_calls = _koan("grad_after_two_backward_calls")
nonscalar_backward = _koan("nonscalar_backward")
w_after_detached_add = _koan("w_after_detached_add")
scaled_randn_grad_is_none = _koan("scaled_randn_grad_is_none")
losses_after_cat_loop = _koan("losses_after_cat_loop")
updates_in_the_experiment = _koan("updates_in_the_experiment")
running_loss_kind = _koan("running_loss_kind")
step_after_late_zero_grad_moves = _koan("step_after_late_zero_grad_moves")
second_backward = _koan("second_backward")
