"""Pitfall: Numbers are recognised with isinstance(v, (int, float)) and everything else is assumed to
Pitfall: be a tensor updated by "v -= amount", so any other Python number (a Fraction, a Decimal,
Pitfall: a complex) is only rebound in the loop variable and the list does not change.
Source: examiner set (issue 19): a list holding fractions.Fraction(1, 2) (or 1 + 2j, or
Source: decimal.Decimal("1.5")).
Expect: only int and float were taken for numbers
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, (int, float)):
                values[i] = v - amount
            else:
                v -= amount
