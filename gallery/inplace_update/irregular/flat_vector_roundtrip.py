"""Pitfall: the parameters are flattened with parameters_to_vector, stepped, and written back with
Pitfall: vector_to_parameters, which assigns `param.data` (new memory), so anything that shares a
Pitfall: parameter's memory keeps the old values.
Source: the maintainer's own irregular set (issue 19): any parameter (its data_ptr changes).
Expect: the tensors got new storage
"""

import torch
from torch.nn.utils import parameters_to_vector, vector_to_parameters


def sgd_step(params, lr):
    params = list(params)
    with torch.no_grad():
        flat = parameters_to_vector(params) - lr * parameters_to_vector([p.grad for p in params])
        vector_to_parameters(flat, params)
        for p in params:
            p.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
