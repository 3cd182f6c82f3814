"""zero_grad: gradients add up until you clear them (reference solution)."""


def model(t_u, w, b):
    return w * t_u + b


def loss_fn(t_p, t_c):
    return ((t_p - t_c) ** 2).mean()


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    """The thermometer loop: one optimizer step per epoch, each from a clean gradient."""
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)

        optimizer.zero_grad()  # backward() adds to .grad: clear it first
        loss.backward()
        optimizer.step()
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    """Sum the micro-batches' gradients into `.grad`, as one backward on the whole batch would."""
    total = sum(X.shape[0] for X, _ in micro_batches)
    model.zero_grad()  # whatever .grad held before must not count
    for X, y in micro_batches:
        # loss_fn gives this batch's mean; weigh it by the batch's share of all the examples,
        # so that the sum over the batches is the mean over every example.
        loss = loss_fn(model(X), y) * (X.shape[0] / total)
        loss.backward()  # adds onto the gradients of the earlier micro-batches
