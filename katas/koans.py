"""Kata: koans — predict what a snippet does before you run it.

Each function below shows a short snippet taken from the articles, and asks one question about
it. Do not write code: replace the body with your *prediction* (a bool, a number, a list, or one
of the strings the docstring offers). The tests run each snippet themselves and compare what
really happens with what you predicted; a wrong prediction is told what happens, and why.

The koans come in three groups, each placed just before the kata that needs it:
- koans_references: names, objects and `id()`: `-=` on ints and on tensors, lists, functions.
- koans_autograd: `no_grad`, accumulating gradients, non-scalar `backward`, `detach`, leaves.
- koans_loops: `torch.cat`, updates per epoch, running losses, the order of `zero_grad`.

Why it matters: every pitfall of the other katas starts as a wrong guess about one of these
lines. Guess first, then let the test (or a REPL) tell you.

How to answer: return exactly the kind of value a docstring asks for. The tests check the kind
as well as the value, and when the kind is the problem they say which kind they expected.
- True or False: a Python bool (not 0 or 1, not the string "True", not None, not a tensor).
- A count: a Python int (10, not 10.0).
- A number: a Python int or float (8 and 8.0 are the same prediction), compared within 1e-6;
  not a tensor, not a numpy value.
- A list: a Python list, not a tuple. Where the snippet's list holds Python ints, write ints
  ([1, 2], not [1.0, 2.0]) and inner lists as lists; where it holds numbers taken out of
  tensors, any Python numbers ([2, 2, 2] and [2.0, 2.0, 2.0] alike).
- A pair `(a, b)`: a tuple of two (a namedtuple is one too), not a list.
- An exception: the name of its class as a string, exactly as Python spells it
  ("ValueError": not the class itself, not the error message, not a base class such as
  "Exception"), or None if the snippet runs without an error.
- One of several strings: exactly one of those offered.
Each function takes no arguments and is called more than once: it must return the same answer
every time. Computing the answer is allowed (running the snippet yourself is fine too).

Check your work:  dojo check koans_references   (or: pytest --kata koans_references)
A hint at a time:  dojo hint koans_references
"""

import torch


# --- koans_references: names, objects and id() ------------------------------------------------


def int_minus_equals_keeps_id():
    """Does `-=` on an int keep the object (the same `id`)?

        params = [1, 2]
        for p in params:
            before = id(p)
            p -= 4
            print(id(p) == before)

    It prints the same for both elements: return that one bool, True or False.
    """
    # TODO: your prediction.
    raise NotImplementedError("int_minus_equals_keeps_id")


def tensor_minus_equals_keeps_id():
    """Does `-=` on a tensor keep the object (the same `id`)?

        params = [torch.tensor([1.0]), torch.tensor([2.0])]
        for p in params:
            before = id(p)
            p -= 4
            print(id(p) == before)

    It prints the same for both elements: return that one bool, True or False.
    """
    # TODO: your prediction.
    raise NotImplementedError("tensor_minus_equals_keeps_id")


def int_list_after_loop():
    """What does the list hold after a loop of `-=` on its ints?

        params = [1, 2]
        for p in params:
            p -= 4
        print(params)

    Return the list you expect it to print, as a list of ints, e.g. [10, 20].
    """
    # TODO: your prediction.
    raise NotImplementedError("int_list_after_loop")


def tensor_list_after_rebinding():
    """What do the tensors in the list hold after a loop of `p = p - 4`?

        params = [torch.tensor([1.0]), torch.tensor([2.0])]
        for p in params:
            p = p - 4
        print([t.item() for t in params])

    Return the list of numbers you expect it to print, e.g. [10.0, 20.0] (a list, one number
    per tensor).
    """
    # TODO: your prediction.
    raise NotImplementedError("tensor_list_after_rebinding")


def list_after_call():
    """What does the caller's list hold after a function changed its elements?

        def f(a):
            a[0] -= 1
            a[2][0] -= 1

        a = [1, 2, [3, 4]]
        f(a)
        print(a)

    Return the list you expect it to print, e.g. [1, 2, [3, 4]]: ints, and the inner list a list.
    """
    # TODO: your prediction.
    raise NotImplementedError("list_after_call")


# --- koans_autograd: what the graph records ----------------------------------------------------


def no_grad_result():
    """What does a result computed under `torch.no_grad()` look like?

        x = torch.randn(10, 5, requires_grad=True)
        y = torch.randn(10, 5, requires_grad=True)
        z = torch.randn(10, 5, requires_grad=True)
        with torch.no_grad():
            w = x + y + z
        print(w.requires_grad, w.grad_fn)

    Return a tuple `(requires_grad, grad_fn)`: a bool, and None if you think `w` has no grad_fn
    (None itself, not the string "None"), else the name of its class as a string (e.g.
    "MulBackward0").
    """
    # TODO: your prediction.
    raise NotImplementedError("no_grad_result")


def grad_after_two_backward_calls():
    """What does a leaf's `.grad` hold after two backward calls?

        x = torch.tensor(2.0, requires_grad=True)
        y = x * x
        y.backward()
        y = x * x
        y.backward()
        print(x.grad)

    Return the number you expect `x.grad` to hold: a Python int or float (not the tensor that
    `print` shows).
    """
    # TODO: your prediction.
    raise NotImplementedError("grad_after_two_backward_calls")


def nonscalar_backward():
    """What happens when you call `backward()` on a tensor of several elements?

        x = torch.ones(2, 3, requires_grad=True)
        y = x + 2
        y.backward()

    Return the name of the exception class you expect it to raise, as a string (e.g.
    "ValueError"), or None if you expect it to run without an error.
    """
    # TODO: your prediction.
    raise NotImplementedError("nonscalar_backward")


def w_after_detached_add():
    """Does changing a detached tensor change the original?

        w = torch.ones(3, requires_grad=True)
        d = w.detach()
        d += 1
        print(w)

    Return the list of numbers you expect `w` to hold, e.g. [5.0, 5.0, 5.0] (a list, not a
    tensor).
    """
    # TODO: your prediction.
    raise NotImplementedError("w_after_detached_add")


def scaled_randn_grad_is_none():
    """Does backward fill the gradient of a tensor made by `randn(...) * 0.01`?

        w = torch.randn(3, requires_grad=True) * 0.01
        w.sum().backward()
        print(w.grad is None)

    Return True or False.
    """
    # TODO: your prediction.
    raise NotImplementedError("scaled_randn_grad_is_none")


# --- koans_loops: what a training loop really does ----------------------------------------------


def losses_after_cat_loop():
    """How many losses does `l` hold after this loop (the experiment of one update per epoch)?

        # 1000 examples, batch_size = 10: data_iter yields 100 batches
        l = None
        for X, y in data_iter(batch_size, features, labels):
            if l is None:
                l = loss(net(X, w, b), y)          # shape (10, 1)
            else:
                torch.cat((l, loss(net(X, w, b), y)), dim=0)
        print(l.numel())

    Return the number you expect it to print: an int.
    """
    # TODO: your prediction.
    raise NotImplementedError("losses_after_cat_loop")


def updates_in_the_experiment():
    """How many times does one epoch of each loop update the parameters?

        # 1000 examples, batch_size = 10
        # A: d2l's loop, 3 epochs
        for epoch in range(3):
            for X, y in data_iter(batch_size, features, labels):
                loss(net(X, w, b), y).sum().backward()
                sgd([w, b], lr, batch_size)
        # B: the experiment, 300 epochs, the losses of an epoch gathered first
        for epoch in range(300):
            ...                                    # every batch's loss, as above
            l.sum().backward()
            sgd([w, b], lr, batch_size * count)

    Count the `sgd` calls that ONE epoch of each loop makes (not the totals over all its
    epochs), and return them as a tuple of two ints `(updates_per_epoch_in_A,
    updates_per_epoch_in_B)`.
    """
    # TODO: your prediction.
    raise NotImplementedError("updates_in_the_experiment")


def running_loss_kind():
    """What is a running loss that adds up the loss tensors?

        running = 0.0
        for X, y in batches:
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss
        print(type(running), running)

    Return one of these three strings, exactly as written: "float" (a Python number),
    "tensor" (a tensor with no graph), or "tensor with a graph" (a tensor that has a grad_fn).
    """
    # TODO: your prediction.
    raise NotImplementedError("running_loss_kind")


def step_after_late_zero_grad_moves():
    """Does the parameter move when `zero_grad()` comes between `backward()` and `step()`?

        w = torch.tensor([1.0, 2.0], requires_grad=True)
        optimizer = torch.optim.SGD([w], lr=0.1)
        loss = (w ** 2).sum()
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        print(w)

    Return True if you expect `w` to change, False if it stays [1.0, 2.0].
    """
    # TODO: your prediction.
    raise NotImplementedError("step_after_late_zero_grad_moves")


def second_backward():
    """What happens when the same loss is backpropagated twice?

        w = torch.tensor([1.0, 2.0], requires_grad=True)
        loss = (w * w).sum()
        loss.backward()
        loss.backward()

    Return the name of the exception class you expect it to raise, as a string (e.g.
    "ValueError"), or None if you expect it to run without an error.
    """
    # TODO: your prediction.
    raise NotImplementedError("second_backward")
