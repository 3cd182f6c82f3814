"""Right: the numbers taken out of tensors written as ints ([1, 2], [2, 2, 2], 8), the exception
Right: names read off the classes (`RuntimeError.__name__`), pairs built with `tuple(...)`, and
Right: koan functions that are lambdas, a callable object and a `functools.partial`.
Source: the maintainers' own right answers (issue 19)
"""

import functools


class _Answer:
    def __init__(self, value):
        self.value = value

    def __call__(self):
        return self.value


int_minus_equals_keeps_id = lambda: 1 == 2  # noqa: E731
tensor_minus_equals_keeps_id = _Answer(True)
int_list_after_loop = functools.partial(list, (1, 2))
tensor_list_after_rebinding = lambda: [1, 2]  # noqa: E731


def list_after_call():
    return [1 - 1, 2, [3 - 1, 4]]


def no_grad_result():
    return tuple([False, None])


def grad_after_two_backward_calls():
    return 2 * 2 * 2


def nonscalar_backward():
    return RuntimeError.__name__


def w_after_detached_add():
    return [2] * 3


scaled_randn_grad_is_none = _Answer(True)
losses_after_cat_loop = lambda: 10  # noqa: E731


def updates_in_the_experiment():
    return tuple(n for n in (1000 // 10, 1))


def running_loss_kind():
    return " ".join(["tensor", "with", "a", "graph"])


step_after_late_zero_grad_moves = _Answer(False)


def second_backward():
    return str(RuntimeError.__name__)
