"""Right: it computes the loss in float64 and casts back to y_hat's dtype, so its float32 values
Right: may differ from the plain formula in the last bit
Source: examiner set (issue 19)
Handles: float16 / float32 / float64 inputs (the result keeps y_hat's dtype), data far from
Handles: zero, y of shape (n,)
"""

import torch


def squared_loss(y_hat, y):
    diff = y_hat.double() - y.reshape(y_hat.shape).double()
    return (diff.pow(2) / 2).to(y_hat.dtype)


def sgd(params, lr, batch_size):
    params = list(params)
    with torch.no_grad():
        torch._foreach_add_(params, [p.grad for p in params], alpha=-lr / batch_size)
        for p in params:
            p.grad.zero_()


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    n, d = features.shape
    w = torch.normal(0, 0.01, size=(d, 1), generator=g, dtype=features.dtype).requires_grad_()
    b = torch.zeros(1, dtype=features.dtype, requires_grad=True)
    for _ in range(num_epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            squared_loss(features[idx] @ w + b, labels[idx]).sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b
