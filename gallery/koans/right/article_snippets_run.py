"""Right: every prediction found by running the articles' own snippets, in the articles' style (d2l's
Right: synthetic_data, data_iter, linreg, squared_loss and sgd written out, `id()` compared before and
Right: after `-=`, the experiment's loop with its `count`), each run on fresh objects and a
Right: generator of its own, so that every call gives the same answer and the global random state is
Right: left alone.
Source: 003, notes on 《动手学深度学习》 linear regression, done right
"""

import random

import torch


# --- d2l's pieces, as article 003 uses them ---------------------------------------------------


def synthetic_data(w, b, num_examples, generator):
    X = torch.normal(0, 1, (num_examples, len(w)), generator=generator)
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape, generator=generator)
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels, rng):
    num_examples = len(features)
    indices = list(range(num_examples))
    rng.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


class Sgd:
    """d2l's sgd, with a count of its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, params, lr, batch_size):
        self.calls += 1
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()


def the_data():
    gen = torch.Generator().manual_seed(0)
    true_w, true_b = torch.tensor([2, -3.4]), 4.2
    features, labels = synthetic_data(true_w, true_b, 1000, gen)
    w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True, generator=gen)
    b = torch.zeros(1, requires_grad=True)
    return features, labels, w, b


def error_name(snippet):
    try:
        snippet()
    except Exception as err:  # noqa: BLE001 - which exception is the question
        return type(err).__name__
    return None


# --- koans_references ---------------------------------------------------------------------------


def int_minus_equals_keeps_id():
    same = []
    for p in [1, 2]:
        before = id(p)
        p -= 4
        same.append(id(p) == before)
    return same[0]


def tensor_minus_equals_keeps_id():
    same = []
    for p in [torch.tensor([1.0]), torch.tensor([2.0])]:
        before = id(p)
        p -= 4
        same.append(id(p) == before)
    return same[0]


def int_list_after_loop():
    params = [1, 2]
    for p in params:
        p -= 4
    return params


def tensor_list_after_rebinding():
    params = [torch.tensor([1.0]), torch.tensor([2.0])]
    for p in params:
        p = p - 4
    return [t.item() for t in params]


def list_after_call():
    def f(a):
        a[0] -= 1
        a[2][0] -= 1

    a = [1, 2, [3, 4]]
    f(a)
    return a


# --- koans_autograd -----------------------------------------------------------------------------


def no_grad_result():
    gen = torch.Generator().manual_seed(0)
    x, y, z = (torch.randn(10, 5, requires_grad=True, generator=gen) for _ in range(3))
    with torch.no_grad():
        w = x + y + z
    return (w.requires_grad, None if w.grad_fn is None else type(w.grad_fn).__name__)


def grad_after_two_backward_calls():
    x = torch.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    y = x * x
    y.backward()
    return x.grad.item()


def nonscalar_backward():
    def snippet():
        x = torch.ones(2, 3, requires_grad=True)
        y = x + 2
        y.backward()

    return error_name(snippet)


def w_after_detached_add():
    w = torch.ones(3, requires_grad=True)
    d = w.detach()
    d += 1
    return w.tolist()


def scaled_randn_grad_is_none():
    gen = torch.Generator().manual_seed(0)
    w = torch.randn(3, requires_grad=True, generator=gen) * 0.01
    w.sum().backward()
    return w.is_leaf is False or w.grad is None  # only leaves get a .grad


# --- koans_loops --------------------------------------------------------------------------------


def losses_after_cat_loop():
    features, labels, w, b = the_data()
    l = None
    for X, y in data_iter(10, features, labels, random.Random(0)):
        if l is None:
            l = squared_loss(linreg(X, w, b), y)
        else:
            torch.cat((l, squared_loss(linreg(X, w, b), y)), dim=0)
    return l.numel()


def updates_in_the_experiment():
    batch_size, lr = 10, 0.03
    features, labels, w, b = the_data()
    sgd = Sgd()
    for X, y in data_iter(batch_size, features, labels, random.Random(0)):  # one epoch of A
        squared_loss(linreg(X, w, b), y).sum().backward()
        sgd([w, b], lr, batch_size)
    per_epoch_a = sgd.calls
    features, labels, w, b = the_data()
    sgd = Sgd()
    count, l = 1, None  # one epoch of B
    for X, y in data_iter(batch_size, features, labels, random.Random(0)):
        count += 1
        if l is None:
            l = squared_loss(linreg(X, w, b), y)
        else:
            torch.cat((l, squared_loss(linreg(X, w, b), y)), dim=0)
    l.sum().backward()
    sgd([w, b], lr, batch_size * count)
    return (per_epoch_a, sgd.calls)


def running_loss_kind():
    gen = torch.Generator().manual_seed(0)
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    running = 0.0
    for _ in range(2):
        X, y = torch.randn(4, 2, generator=gen), torch.randn(4, 1, generator=gen)
        loss = torch.nn.functional.mse_loss(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss
    if not isinstance(running, torch.Tensor):
        return "float"
    return "tensor" if running.grad_fn is None else "tensor with a graph"


def step_after_late_zero_grad_moves():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    loss = (w ** 2).sum()
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return w.tolist() != [1.0, 2.0]


def second_backward():
    def snippet():
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        loss = (w * w).sum()
        loss.backward()
        loss.backward()

    return error_name(snippet)
