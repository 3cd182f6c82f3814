"""The two PyTorch errors that view_vs_permute and logits_not_probabilities meet are explained
(dojo/explain.py), matched against the messages this PyTorch really raises."""

import pytest
import torch
import torch.nn.functional as F

from dojo.explain import explain
from dojo.i18n import set_lang


def raised(fn) -> str:
    with pytest.raises(RuntimeError) as info:
        fn()
    return f"RuntimeError: {info.value}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_view_of_a_permuted_tensor_is_explained(lang):
    text = raised(lambda: torch.zeros(2, 3, 4, 5).permute(0, 2, 3, 1).view(2, -1))
    set_lang(lang)
    try:
        meaning = explain(text)
    finally:
        set_lang(None)
    assert meaning and ".reshape(...)" in meaning and "permute" in meaning


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bce_loss_on_logits_is_explained(lang):
    text = raised(lambda: F.binary_cross_entropy(torch.tensor([2.0, -1.0]), torch.ones(2)))
    set_lang(lang)
    try:
        meaning = explain(text)
    finally:
        set_lang(None)
    assert meaning and "BCEWithLogitsLoss" in meaning
