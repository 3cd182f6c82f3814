"""Kata: view_vs_permute — moving axes is not reshaping.

A tensor is a flat block of numbers plus a shape and strides that say how to walk it.
`view` and `reshape` give the *same numbers in the same order* a new shape: they cut the flat
sequence differently. `permute` (and `transpose`, `movedim`) moves axes: the element at
`[n, c, h, w]` goes to `[n, h, w, c]`. Both can produce a tensor of shape (N, H, W, C), but only
permute puts each number where it belongs; a reshape to that shape scrambles the image while the
shape looks right, and nothing complains.

After a permute the numbers are no longer laid out in order in memory (the tensor is not
*contiguous*), so `.view()` on it refuses: "view size is not compatible with input tensor's size
and stride". `.reshape()` copies when it must, as does `.contiguous()` before `.view()`.

Flattening has an order too. `torch.flatten(x, 1)` on (N, C, H, W) lays each image out channel by
channel; a Linear layer learns one weight per position of that row. A layer trained on rows in
another order (say, pixel by pixel with the channels innermost, as a model trained on
channels-last images sees them) gets the right number of inputs in the wrong places: no error,
wrong outputs.

What any correct answer does, for both functions:
- Inputs: any 4-d tensor (N, C, H, W) whose sizes are all at least 1 (H and W need not be
  equal); any dtype: float32, float64, float16, bfloat16, integers (uint8 images straight from
  PIL, int64), bool masks; any memory layout: contiguous, channels-last, transposed, sliced or
  cropped (with a storage offset), expanded (stride 0). It may require grad (a feature map).
- The result is a tensor of the input's dtype, on its device, holding every element of the
  input exactly where the docstrings say: a move, no arithmetic, so every value comes out as
  it went in (nan, inf and -0.0 included).
- When the input requires grad, the result is part of its graph: `backward()` through the
  result brings each element's gradient back to that element's own place in the input.
- The input is left unchanged: its values, shape, strides and storage (no in-place operation on
  it, no `images.data = ...`).
- A call depends only on its own input: a second call (other sizes, other values) leaves
  earlier results as they were.
Whether the result is a view or a copy, contiguous or not, is yours to choose.

Why it matters: "thinking view() and permute() are the same thing (& incorrectly using view)"
is on Karpathy's list of the most common neural-net mistakes.

Check your work:  dojo check view_vs_permute      (or: pytest --kata view_vs_permute)
A hint at a time:  dojo hint view_vs_permute
"""

import torch


def to_channels_last(images):
    """A batch of images from (N, C, H, W) to (N, H, W, C), each element moved, not reshaped.

    `out[n, h, w, c]` is `images[n, c, h, w]` for every index: the layout that matplotlib's
    `imshow`, NumPy and PIL expect for a colour image. `images` may be any (N, C, H, W) tensor,
    contiguous or not; it is left unchanged.
    """
    # TODO: move the channel axis to the end.
    raise NotImplementedError("to_channels_last")


def flatten_channels_last(images):
    """A batch of images (N, C, H, W) to rows (N, H * W * C) in channels-last order.

    Each row walks the pixels row by row, and for each pixel its C channels:
    `out[n, (h * W + w) * C + c]` is `images[n, c, h, w]`. This is the order of the inputs of a
    Linear layer trained on channels-last images (a model ported from Keras or TensorFlow, whose
    Flatten runs over (H, W, C)). Not the order that `torch.flatten(images, 1)` gives.
    `images` may be any (N, C, H, W) tensor, contiguous or not; it is left unchanged.
    """
    # TODO: channels last first, then one row per image.
    raise NotImplementedError("flatten_channels_last")
