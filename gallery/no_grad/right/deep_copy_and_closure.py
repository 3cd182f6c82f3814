"""Right: evaluate runs a deep copy of the model in eval mode (the caller's modules are never
Right: switched, so nothing needs restoring), training_loop steps through `optimizer.step(closure)`
Right: with the gradients computed by `torch.autograd.grad` and assigned, and calc_forward
Right: chooses `torch.enable_grad()` or `torch.no_grad()` by the flag.
Source: the maintainer's own right answers (issue 19): gradients held before the call, param
Source: groups per tensor, params as a tuple, nested models in mixed modes, a call inside no_grad.
"""

import copy

import torch


def model(t_u, w, b):
    return w * t_u + b


def loss_fn(t_p, t_c):
    return ((t_p - t_c) ** 2).mean()


def calc_forward(t_u, t_c, params, is_train):
    with (torch.enable_grad() if is_train else torch.no_grad()):
        return loss_fn(model(t_u, *params), t_c)


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    leaves = [p for group in optimizer.param_groups for p in group["params"]]
    history = []
    for _ in range(n_epochs):
        seen = {}

        def closure():
            loss = calc_forward(train_t_u, train_t_c, params, True)
            for p, g in zip(leaves, torch.autograd.grad(loss, leaves)):
                p.grad = g  # assigned: nothing held before can add onto it
            seen["train"] = loss.item()
            return loss

        seen["val"] = calc_forward(val_t_u, val_t_c, params, False).item()
        optimizer.step(closure)
        history.append((seen["train"], seen["val"]))
    return params, history


def evaluate(model, X):
    frozen = copy.deepcopy(model).eval()
    with torch.no_grad():
        return frozen(X)
