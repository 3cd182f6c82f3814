"""dojo/spec.py: every kata test is a claim (an observer and a judge); what crosses from the
learner's process is plain data that decodes safely whatever arrives; a grading job's copy of the
tests holds the observers and never the judges."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
import types
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo import spec
from dojo.catalog import load

ROOT = Path(__file__).resolve().parents[2]
MODULES = load().modules()


def load_tests(module: str, source: str | None = None):
    path = ROOT / "tests" / f"test_{module}.py"
    name = f"_spec_check_{module}_{abs(hash(source)) if source else 'full'}"
    if source is None:
        loader = importlib.util.spec_from_file_location(name, path)
        loaded = importlib.util.module_from_spec(loader)
        sys.modules[name] = loaded
        loader.loader.exec_module(loaded)
        return loaded
    loaded = types.ModuleType(name)
    loaded.__file__ = str(path)
    sys.modules[name] = loaded
    exec(compile(source, str(path), "exec"), loaded.__dict__)  # noqa: S102 - our own tests
    return loaded


@pytest.mark.parametrize("module", MODULES)
def test_every_kata_test_is_a_claim_with_cases_the_grader_can_vary(module):
    loaded = load_tests(module)
    plain = [n for n, v in vars(loaded).items() if n.startswith("test") and callable(v)
             and getattr(v, "dojo_claim", None) is None]
    assert not plain, (f"tests/test_{module}.py: not claims (the grader cannot judge them in its "
                       f"own process): {plain}")
    claims = spec.claims_of(loaded)
    assert claims, f"tests/test_{module}.py has no claim"
    for c in claims:
        obs = c.observer
        unseeded = [e for e in obs.examples if "seed" not in e]
        assert obs.draw is not None or not unseeded, (
            f"{module}: observer {obs.name} has examples without a seed and no strategy: the "
            f"grader could only run inputs that a table of answers could meet: {unseeded[:2]}")


@pytest.mark.parametrize("module", MODULES)
def test_a_jobs_copy_of_the_tests_has_the_observers_and_no_judge(module):
    source = (ROOT / "tests" / f"test_{module}.py").read_text(encoding="utf-8")
    full = load_tests(module)
    stripped_source = spec.observers_only(source)
    stripped = load_tests(module, stripped_source)
    assert set(spec.observers_of(stripped)) == set(spec.observers_of(full))
    assert not spec.claims_of(stripped)
    for c in spec.claims_of(full):
        assert f"def {c.name}(" not in stripped_source, c.name


# --- encoding: any value of the learner's process --------------------------------------------


class Weird:
    def __repr__(self):
        raise RuntimeError("no repr")


class SubFloat(float):
    pass


def odd_values():
    t = torch.arange(6.0).reshape(2, 3)
    return [
        None, True, 3, 2**80, -0.0, math.nan, math.inf, "é" * 5000, [1, [2, [3]]], (1, 2),
        {"a": 1, 2: "b", (1, 2): None}, t, t.t(), t[:, ::2], torch.tensor(1.0, requires_grad=True) * 2,
        torch.zeros(0), torch.ones(3, dtype=torch.bfloat16), torch.tensor([True, False]),
        torch.empty(2, 2, device="meta"), torch.zeros(5000), torch.tensor([1 + 2j]),
        Weird(), SubFloat(1.5), sum, (x for x in range(3)), torch.nn.Linear(2, 2),
        __import__("numpy").float64(2.5), __import__("numpy").arange(3),
    ]


@pytest.mark.parametrize("value", odd_values(), ids=lambda v: type(v).__name__)
def test_any_value_encodes_as_json_and_decodes(value):
    data = spec.encode(value)
    text = json.dumps(data, allow_nan=True)
    back = spec.decode(json.loads(text))
    if isinstance(value, torch.Tensor):
        assert isinstance(back, spec.Seen) and back.shape == tuple(value.shape)
        assert back.dtype_name == str(value.dtype).replace("torch.", "")
        if back.complete and value.device.type != "meta" and not value.is_complex():
            assert torch.equal(back.tensor, value.detach())
        assert back.requires_grad == value.requires_grad and back.is_leaf == value.is_leaf


def test_a_deep_structure_is_cut_not_followed():
    deep: list = []
    for _ in range(100):
        deep = [deep]
    data = spec.encode(deep)
    assert spec.decode(json.loads(json.dumps(data)))  # decodes, cut at MAX_DEPTH
    cyclic: list = []
    cyclic.append(cyclic)
    json.dumps(spec.encode(cyclic))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(
        st.sampled_from(["$", "dtype", "shape", "numel", "values", "items", "type", "value",
                         "len", "text", "x"]), inner, max_size=6),
    max_leaves=40,
)
KINDS = st.sampled_from(["tensor", "tuple", "list", "dict", "number", "object", "bigint", "?"])


@settings(max_examples=300)
@given(data=JSON, kind=KINDS)
def test_decoding_untrusted_data_raises_nothing_but_malformed(data, kind):
    for value in (data, {"$": kind, **(data if isinstance(data, dict) else {"items": data})}):
        try:
            back = spec.decode(value)
        except spec.Malformed:
            continue
        if isinstance(back, spec.Seen) and back.complete and back.error is None:
            back.tensor  # a tensor that decoded can be rebuilt


def test_a_tensor_record_that_lies_about_its_size_is_malformed():
    good = spec.encode(torch.zeros(2, 3))
    for bad in ({**good, "shape": [2**40, 2**40]}, {**good, "values": [0.0] * 5},
                {**good, "dtype": "object"}, {**good, "values": ["1"] * 6},
                {**good, "numel": 7}, {**good, "shape": "(2, 3)"}):
        with pytest.raises(spec.Malformed):
            spec.decode(bad)


def test_cases_drawn_for_the_grader_repeat_with_their_seed():
    strategy = st.fixed_dictionaries({"seed": st.integers(0, 2**31 - 1),
                                      "lr": st.floats(0.01, 1.0)})
    one, again, other = (spec.draw_from(strategy, s, 5) for s in (3, 3, 4))
    assert one == again and one != other and len(one) == 5
    assert all(json.loads(json.dumps(c)) == c for c in one)
