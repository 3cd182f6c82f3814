"""Right: the thermometer loop as the article writes it (helper functions `model` and `loss_fn`,
Right: epochs counted from 1, the loss printed every 500 epochs), and the accumulation its
Right: companion article mentions (梯度累积), weighted by each micro-batch's share.
Source: 001, (3)学习机制---Optimizers a la carte, done right; 000, 最简单的深度学习训练代码, done right
"""


def model(t_u, w, b):
    return w * t_u + b


def loss_fn(t_p, t_c):
    squared_diffs = (t_p - t_c) ** 2
    return squared_diffs.mean()


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)

        optimizer.zero_grad()  # clear the gradient of the previous epoch
        loss.backward()
        optimizer.step()

        if epoch % 500 == 0:
            print(f"Epoch {epoch}, Loss {loss.item():f}")  # a number, not the tensor

    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    n_examples = sum(len(X) for X, _ in micro_batches)
    model.zero_grad()  # once, before the first micro-batch
    for X, y in micro_batches:
        batch_loss = loss_fn(model(X), y)
        (batch_loss * len(X) / n_examples).backward()  # this batch's share of the mean
