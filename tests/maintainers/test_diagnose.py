"""dojo.diagnose measures what it claims: factors, divisors, the order of calls, a momentum
recurrence, why a .grad is None, which restore lost a module's mode. (The gallery proves each
diagnosis end to end through the kata tests; this proves the measurements themselves, quickly.)"""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from dojo import diagnose


@given(s=st.floats(-50, 50).filter(lambda v: abs(v) > 1e-3), seed=st.integers(0, 2**10))
def test_ratio_measures_any_factor(s, seed):
    want = torch.randn(5, generator=torch.Generator().manual_seed(seed)) + 3
    assert math.isclose(diagnose.ratio(s * want, want), s, rel_tol=1e-6)


def test_ratio_is_none_when_not_proportional_or_nothing_to_compare():
    assert diagnose.ratio(torch.tensor([1.0, 2.0]), torch.tensor([2.0, 1.0])) is None
    assert diagnose.ratio(torch.tensor([1.0]), torch.tensor([0.0])) is None
    assert diagnose.ratio([torch.ones(2), 2 * torch.ones(3)], [torch.ones(2), torch.ones(3)]) is None
    assert diagnose.ratio([3 * torch.ones(2), 3 * torch.ones(3)],
                          [torch.ones(2), torch.ones(3)]) == pytest.approx(3)


def test_matching_names_one_cause_and_never_an_ambiguous_one():
    causes = [(10.0, "no division"), (0.1, "twice"), (1 / 3, "by n")]
    assert diagnose.matching(10.05, causes) == "no division"
    assert diagnose.matching(0.333, causes) == "by n"
    assert diagnose.matching(0.5, causes) is None
    assert diagnose.matching(None, causes) is None
    assert diagnose.matching(0.25, [(0.25, "twice"), (0.25, "by n")]) is None


def test_implied_divisor_and_its_causes():
    sizes = [300, 300, 300, 100]
    causes = diagnose.divisor_causes(1000, sizes)
    total = 477.0
    for count, words in ((4, "number of batches"), (1200, "counted as holding 300"),
                         (300, "by the batch size")):
        cause = diagnose.matching(diagnose.implied_divisor(total, total / count), causes,
                                  rtol=1e-6)
        assert cause is not None and words in cause[0]
    assert diagnose.matching(diagnose.implied_divisor(total, total / 1000), causes) is None


class PlainSGD:
    """An optimizer with torch's zero_grad (to None) and step, without torch.optim (whose first
    construction imports torch._dynamo: seconds)."""

    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is not None:
                p -= self.lr * p.grad


def run_loop(order, epochs=3):
    """A thermometer-like loop whose calls come in `order` (a string of Z, B, S)."""
    params = torch.tensor([1.0, 0.0], requires_grad=True)
    optimizer = PlainSGD([params], lr=0.01)
    x, y = torch.arange(4.0), 2 * torch.arange(4.0) + 1
    with diagnose.CallOrder(optimizer, params) as watch:
        for _ in range(epochs):
            loss = ((params[0] * x + params[1] - y) ** 2).mean()
            for call in order:
                {"Z": optimizer.zero_grad, "B": loss.backward, "S": optimizer.step}[call]()
    assert "step" not in optimizer.__dict__  # the optimizer is given back as it was
    return watch.mistake()


@pytest.mark.parametrize("order, mistake", [
    ("ZBS", None),
    ("BSZ", None),
    ("ZSB", "step_before_backward"),
    ("SB", "step_before_backward"),
    ("BZS", "zero_grad_after_backward"),
    ("BS", "grads_pile_up"),
    ("ZB", "never_step"),
])
def test_call_order_names_the_order_mistake(order, mistake):
    assert run_loop(order) == mistake


def test_call_order_counts_clearing_by_hand():
    params = torch.tensor([1.0, 0.0], requires_grad=True)
    optimizer = PlainSGD([params], lr=0.01)
    with diagnose.CallOrder(optimizer, params) as watch:
        for _ in range(3):
            params.grad = None
            (params ** 2).sum().backward()
            optimizer.step()
    assert watch.mistake() is None


@pytest.mark.parametrize("a, c", [(0.9, 1.0), (0.9, 0.1), (0.0, 1.0), (1.0, 1.0)])
def test_recurrence_measures_the_buffers_factors(a, c):
    gen = torch.Generator().manual_seed(1)
    previous = [torch.randn(3, 2, generator=gen), torch.randn(4, generator=gen)]
    grad = [torch.randn(3, 2, generator=gen), torch.randn(4, generator=gen)]
    current = [a * p + c * g for p, g in zip(previous, grad)]
    assert diagnose.recurrence(previous, grad, current) == pytest.approx((a, c), abs=1e-5)
    current[1] = current[1] + torch.randn(4, generator=gen)  # no common (a, c) fits
    assert diagnose.recurrence(previous, grad, current) is None


@pytest.mark.parametrize("make, words", [
    (lambda: torch.zeros(2), "does not require grad"),
    (lambda: torch.zeros(2, requires_grad=True).to(torch.float64), "dtype or device conversion"),
    (lambda: torch.zeros(2, requires_grad=True).clone(), "`.clone()` of a tensor"),
    (lambda: torch.zeros(2, requires_grad=True).reshape(2, 1), "it is a view of it"),
    (lambda: torch.zeros(2, requires_grad=True) * 2, "torch.randn(..., requires_grad=True) * std"),
    (lambda: torch.zeros(2, requires_grad=True), "no backward reached it"),
])
def test_why_no_grad_reads_what_the_tensor_is(make, words):
    en, zh = diagnose.why_no_grad("t", make())
    assert words in en and zh


def test_mode_mistake_tells_the_restores_apart():
    model = diagnose.nested_model(4, 3)
    model[2].layers[1].eval()  # a frozen batch norm deep inside a model in train
    before = diagnose.modes(model)
    assert diagnose.mode_mistake(before, dict(before)) is None

    wholesale = {name: True for name in before}
    assert "one mode, the model's own (train)" in diagnose.mode_mistake(before, wholesale)[0]

    model.eval()
    for module in (model, *model.children()):
        module.training = True
    children_only = diagnose.modes(model)
    assert "direct children" in diagnose.mode_mistake(before, children_only)[0]

    nothing = {name: False for name in before}
    assert "left in eval mode" in diagnose.mode_mistake(before, nothing)[0]


def test_nested_model_nests_and_runs():
    model = diagnose.nested_model(4, 3, seed=1)
    depths = {name.count(".") + 1 for name, _ in model.named_modules() if name}
    kinds = {type(m) for m in model.modules()}
    assert max(depths) >= 3 and {nn.ModuleList, nn.ModuleDict, nn.Sequential} <= kinds
    assert model.eval()(torch.randn(5, 4)).shape == (5, 3)


# --- "different" and "the same" where nan and inf must not decide -------------------------------


def test_differ_decides_on_finite_values_only():
    a = torch.tensor([1.0, 2.0, 3.0])
    assert diagnose.differ(a, a + 1) is True
    assert diagnose.differ(a, a.clone()) is False
    assert diagnose.differ(torch.tensor([0.0]), torch.tensor([-0.0])) is False  # -0.0 == 0.0
    with_nan = a.clone()
    with_nan[0] = float("nan")
    assert diagnose.differ(with_nan, with_nan.clone()) is None  # nan would fake "different"
    assert diagnose.differ(a, torch.tensor([1.0, float("inf"), 3.0])) is None
    assert diagnose.differ(a, torch.ones(2)) is None  # another number of values
    assert diagnose.differ(None, a) is None  # not numbers at all
    assert diagnose.nonfinite([a, with_nan]) and not diagnose.nonfinite([a, a])


def test_expect_different_fails_on_same_and_on_nonfinite_values():
    from dojo.testing import expect_different

    a = torch.tensor([1.0, 2.0])
    expect_different(a, a + 1, "same")  # passes
    with pytest.raises(pytest.fail.Exception, match="same"):
        expect_different(a, a.clone(), "same")
    with pytest.raises(pytest.fail.Exception, match="nan or inf"):
        expect_different(a, torch.tensor([1.0, float("nan")]), "same")


def test_undecided_fails_saying_why_what_and_where_to_look():
    from dojo.testing import undecided

    with pytest.raises(pytest.fail.Exception) as failed:
        undecided(("sgd raised RuntimeError: boom", "sgd 抛出了 RuntimeError:boom"),
                  ("whether it clears the gradient", "它是否清零梯度"), see="test_sgd_steps",
                  call="sgd([w], lr=0.1)", kata="batch_division")
    text = str(failed.value)
    assert "sgd raised RuntimeError: boom, so whether it clears the gradient cannot be checked" \
        in text or "无法在这次调用上检查" in text
    assert "test_sgd_steps" in text
