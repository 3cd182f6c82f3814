"""Right: gradients zeroed in place (`zero_grad(set_to_none=False)` in the loop, `p.grad.zero_()`
Right: where one exists before the accumulation), the weights computed as float64 tensors on the
Right: model's device and cast to each loss's dtype, and the loop's prediction made with `torch.addcmul`.
Source: the maintainer's own right answers (issue 19)
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    epoch = 0
    while epoch < n_epochs:
        optimizer.zero_grad(set_to_none=False)
        t_p = torch.addcmul(params[1], params[0], t_u)  # b + w * t_u
        torch.nn.functional.mse_loss(t_p, t_c).backward()
        optimizer.step()
        epoch += 1
    return params


def accumulated_gradients(model, loss_fn, micro_batches):
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p.grad.zero_()
    sizes = torch.tensor([len(X) for X, _ in micro_batches], dtype=torch.float64)
    weights = sizes / sizes.sum()
    for (X, y), weight in zip(micro_batches, weights):
        loss = loss_fn(model(X), y)
        (loss * weight.to(loss.dtype)).backward()
