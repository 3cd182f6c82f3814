"""Kata: logits_not_probabilities — a classifier's loss is computed from raw scores.

A classifier's last Linear layer gives one raw score per class: the *logits*. Softmax turns them
into probabilities, but the loss functions of PyTorch do that step themselves, in a numerically
safe way, and each expects a particular kind of input:

- `nn.CrossEntropyLoss` / `F.cross_entropy` take logits: they apply `log_softmax` and then the
  negative log-likelihood. (It is `F.nll_loss(F.log_softmax(z, dim=1), y)` in one call.)
- `nn.NLLLoss` / `F.nll_loss` take *log-probabilities*, as the PyTorch MNIST example's network
  gives (its `forward` ends with `log_softmax`). On raw logits it only picks minus the target's
  score: a "loss" with no floor that goes negative as the scores grow.
- `nn.BCEWithLogitsLoss` / `F.binary_cross_entropy_with_logits` take one logit per example for a
  yes/no question; `nn.BCELoss` takes a probability in [0, 1]. A sigmoid followed by `BCELoss`
  rounds to exactly 0 or 1 once a logit passes about ±17 (float32): the loss is clipped and the
  gradient vanishes, so a confidently wrong prediction stops learning.

Softmax applied before `CrossEntropyLoss` raises no error: the loss is just computed on squashed
numbers, its gradients shrink, and training slows to a crawl. (A `log_softmax` before it is
harmless, on the other hand: log_softmax of log-probabilities changes nothing.)

What any correct answer does: the loss of each function below, exactly and without inf or nan
for scores of any size; its gradient reaches the scores. How you compute it is yours to choose.

Why it matters: Karpathy's list of the most common neural-net mistakes includes "you passed
softmaxed outputs to a loss that expects raw logits". Nothing fails; the model learns slowly or
not at all.

Check your work:  dojo check logits_not_probabilities   (or: pytest --kata logits_not_probabilities)
A hint at a time:  dojo hint logits_not_probabilities
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    """The mean cross-entropy of a batch of N examples over C classes, as a 0-dim tensor.

    `scores` has shape (N, C). With `log_probs=False` (the default) they are raw scores (logits)
    straight from the last Linear layer; with `log_probs=True` they are already
    log-probabilities (a network whose `forward` ends with `log_softmax`, as in the MNIST
    example). `targets` has shape (N,) and holds class indices (int64) in [0, C).

    The result is the mean over the batch of `-log p[target]`, where p is the softmax of the
    logits (or `exp` of the log-probabilities). It is never negative, it is exact and finite for
    scores of any size (a confidently wrong logit of 1000 costs about 1000, not inf), and
    `backward()` reaches `scores`: for logits, d loss / d scores = (softmax - one_hot) / N.

    The inputs you may meet (N >= 1, C >= 2):
    - scores of dtype float32, float64, float16 or bfloat16, of any layout (a transposed or
      sliced view, one row broadcast over the batch with `expand`), requiring grad or not (a
      loss computed in evaluation); the targets may be a non-contiguous view too.
    - finite scores of any size, and -inf for a masked class (probability 0), which is never
      the target: the loss stays finite.
    - log-probabilities are real ones: each row is a `log_softmax`. Their gradient is checked
      where it reaches the logits before that `log_softmax`, so `F.nll_loss` and
      `F.cross_entropy` (log_softmax changes nothing there) both do.
    The result has the scores' dtype (compute in another if you like, and cast back), agrees
    with the exact loss to what a correct computation in that dtype gives (about 1e-5 relative
    in float32, 1e-9 in float64, 2e-3 in float16, plus a few units in the last place of the
    largest score), and leaves `scores` and `targets` as they were. Nothing is kept from one
    call to the next. That holds for a batch of any size, in float16 and bfloat16 too: where
    the mean is a float16 number (40000) but the examples' losses add up past 65504, the largest
    float16, the loss is still that mean, and a batch of thousands is as exact as a batch of
    one. (The 'mean' of `F.cross_entropy` and `F.nll_loss` adds the losses in the scores'
    dtype: compute half types in float32.)
    """
    # TODO: the loss of raw scores, or of log-probabilities when `log_probs` is True.
    raise NotImplementedError("classification_loss")


def binary_loss(logits, targets):
    """The mean binary cross-entropy of yes/no predictions, as a 0-dim tensor.

    `logits` holds one raw score per prediction (any shape); `targets` has the same shape and
    holds floats in [0, 1] (usually 0. or 1.). The probability of "yes" is `sigmoid(logit)`, and
    the loss of one prediction is `-(t * log(p) + (1 - t) * log(1 - p))`; return the mean over
    every element.

    Exact and finite for logits of any size: a logit of 40 with target 0 costs about 40, and its
    gradient is still (sigmoid(logit) - target) / numel, about 1 / numel, not zero.

    The inputs you may meet: logits of any shape (0-dim, (N,), (N, K) for several labels at
    once), of dtype float32, float64, float16 or bfloat16, of any layout (transposed, sliced,
    expanded), requiring grad or not, finite and of any size (1e30 in float32); targets of the
    logits' dtype and shape, soft ones (0.3) too, of any layout. The result has the logits'
    dtype, agrees with the exact loss as `classification_loss`'s does (for any number of
    elements, in float16 and bfloat16 too: add them in a wider dtype), and leaves `logits` and
    `targets` as they were.
    """
    # TODO: the mean binary cross-entropy, computed from the logits themselves.
    raise NotImplementedError("binary_loss")
