"""Right: every koan: each function runs its snippet (on small data, under `torch.random.fork_rng()` so
Right: that torch's global generator is left as it was, without warnings) and returns what it
Right: observed, in the form the docstring asks for.
Source: examiner set (issue 19). (updates_in_the_experiment follows the koan's per-epoch question of
Source: issue 19.)
"""

import torch


def _error_name(fn):
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - the koan asks which one
        return type(err).__name__
    return None


def int_minus_equals_keeps_id():
    same = []
    for p in [1, 2]:
        before = id(p)
        p -= 4
        same.append(id(p) == before)
    return all(same)


def tensor_minus_equals_keeps_id():
    same = []
    for p in [torch.tensor([1.0]), torch.tensor([2.0])]:
        before = id(p)
        p -= 4
        same.append(id(p) == before)
    return all(same)


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


def no_grad_result():
    with torch.random.fork_rng():
        x, y, z = (torch.randn(10, 5, requires_grad=True) for _ in range(3))
        with torch.no_grad():
            w = x + y + z
    return (w.requires_grad, None if w.grad_fn is None else type(w.grad_fn).__name__)


def grad_after_two_backward_calls():
    x = torch.tensor(2.0, requires_grad=True)
    (x * x).backward()
    (x * x).backward()
    return x.grad.item()


def nonscalar_backward():
    def snippet():
        x = torch.ones(2, 3, requires_grad=True)
        (x + 2).backward()

    return _error_name(snippet)


def w_after_detached_add():
    w = torch.ones(3, requires_grad=True)
    d = w.detach()
    d += 1
    return w.tolist()


def scaled_randn_grad_is_none():
    with torch.random.fork_rng():
        w = torch.randn(3, requires_grad=True) * 0.01
    w.sum().backward()
    if not w.is_leaf and not w.retains_grad:
        return True  # backward fills the .grad of leaves only (reading it here would just warn)
    return w.grad is None


def losses_after_cat_loop():
    with torch.random.fork_rng():
        features, labels = torch.randn(1000, 2), torch.randn(1000, 1)
        w, b = torch.zeros(2, 1, requires_grad=True), torch.zeros(1, requires_grad=True)
        perm = torch.randperm(1000)
    l = None
    for i in range(0, 1000, 10):
        j = perm[i:i + 10]
        batch_loss = (features[j] @ w + b - labels[j]) ** 2 / 2
        if l is None:
            l = batch_loss
        else:
            torch.cat((l, batch_loss), dim=0)
    return l.numel()


def updates_in_the_experiment():
    calls = {"A": 0, "B": 0}
    n, batch_size = 1000, 10
    for epoch in range(1):  # one epoch of each loop
        for _ in range(0, n, batch_size):
            calls["A"] += 1
    for epoch in range(1):
        calls["B"] += 1
    return (calls["A"], calls["B"])


def running_loss_kind():
    with torch.random.fork_rng():
        model = torch.nn.Linear(2, 1)
        batches = [(torch.randn(4, 2), torch.randn(4, 1)) for _ in range(2)]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    running = 0.0
    for X, y in batches:
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
    (w ** 2).sum().backward()
    optimizer.zero_grad()
    optimizer.step()
    return not torch.equal(w.detach(), torch.tensor([1.0, 2.0]))


def second_backward():
    def snippet():
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        loss = (w * w).sum()
        loss.backward()
        loss.backward()

    return _error_name(snippet)
