"""inplace_update: the caller's tensors change in place, outside the graph, and stay leaves.

Each test is a claim (dojo/spec.py): an observer calls the kata and returns what it did as plain
data; the test (the judge) decides from that data alone, computing what is right itself.

Irregular inputs (docs/CONTRIBUTING.md): float64, float16, bfloat16, non-contiguous and
channels-last parameters, 0-dim ones, inf and nan in a gradient, a tuple or a generator of
parameters, a call inside the caller's `torch.no_grad()`, two models stepped in turn with lrs of
their own; for decrement_all integer tensors, rows of one matrix, leaves that require grad, 0-dim
tensors and numbers beyond int and float. Left out: randomness (the kata draws nothing) and
exceptions (the contract raises none).
"""

from decimal import Decimal
from fractions import Fraction

import torch
from hypothesis import strategies as st

from dojo import diagnose
from dojo import irregular as irr
from dojo.spec import Seen, claim, observe
from dojo.testing import close, expect, fail, show, undecided

KATA = "inplace_update"


def readable(seen, name, call):
    """A tensor as observed, or a failure that says what came back instead."""
    expect(isinstance(seen, Seen) and seen.complete and seen.error is None,
           f"`{name}` could not be read back as a tensor after the call.",
           f"调用之后无法把 `{name}` 读回为张量。", call=call, got=show(seen), kata=KATA)
    return seen


def listed(seen, key, n, call):
    """`seen[key]`, a list of `n` items, or a failure (data no honest observer sends)."""
    return sized(seen.get(key) if isinstance(seen, dict) else None, n, key, call)


def sized(value, n, what, call):
    expect(isinstance(value, list) and len(value) == n,
           f"the observation of this call came back malformed (`{what}`).",
           f"这次调用的观测数据格式不对(`{what}`)。", call=call, kata=KATA)
    return value


def values(x):
    """The values of an observed tensor or of a tensor of ours, in float64 (None for others)."""
    if isinstance(x, Seen):
        return x.tensor.double() if x.complete and x.error is None else None
    return x.detach().double() if isinstance(x, torch.Tensor) else None


def same(a, b) -> bool:
    """Two tensors (observed or ours) holding the same values, nan where nan."""
    a, b = values(a), values(b)
    return (a is not None and b is not None and a.shape == b.shape
            and bool(((a == b) | (a.isnan() & b.isnan())).all()))


# --- a step, measured: right, unchanged, or wrong by what --------------------------------------


def stepped(got, start, grad, lr):
    """"ok" when `got` is `start - lr * grad` up to rounding in its dtype (two units of the
    larger of |start| and |lr * grad|), "unchanged" when it is `start` itself, else "wrong"."""
    exact = start.double() - lr * grad.double()
    scale = start.double().abs() + (lr * grad.double()).abs()
    if diagnose.within_rounding(got, exact, scale, str(start.dtype).replace("torch.", "")):
        return "ok"
    return "unchanged" if torch.equal(got, start) else "wrong"


def check_step(name, got, start, grad, lr, call, *, other_lrs=()):
    """A wrong step, said by what was measured: the precision it was computed in, the elements
    where the gradient was not finite, the factor it is off by (uphill, twice, an earlier call's
    lr), or else how far it is."""
    exact = start.double() - lr * grad.double()
    scale = start.double().abs() + (lr * grad.double()).abs()
    dtype = str(start.dtype).replace("torch.", "")
    shown = dict(call=call, got=got, expected=exact.to(start.dtype), kata=KATA)
    coarser = diagnose.coarser_precision(got, exact, scale, dtype)
    if coarser is not None:
        how = ("a `.half()` or `.bfloat16()` on the way", "中途的 `.half()` 或 `.bfloat16()`")
        if coarser == "float32":
            how = ("a buffer made by `torch.zeros(shape)`, or `torch.tensor(lr)`, has the default "
                   "dtype, float32", "`torch.zeros(shape)` 建的缓冲区或 `torch.tensor(lr)` 用的是默认 "
                   "dtype,即 float32")
        fail(f"`{name}` ({dtype}) moved by a step that is right only to {coarser}'s precision, "
             f"not to {dtype}'s: part of it was computed in a coarser dtype than the "
             f"parameter's ({how[0]}). Compute in the parameter's own dtype: "
             f"`param -= lr * param.grad`.",
             f"`{name}`({dtype})移动的步长只有 {coarser} 的精度,而不是 {dtype} 的:其中一部分是用比参数"
             f"更粗的 dtype 算的({how[1]})。请用参数自己的 dtype 计算:`param -= lr * param.grad`。",
             **shown)
    finite = grad.isfinite()
    if not finite.all() and diagnose.within_rounding(got[finite], exact[finite], scale[finite],
                                                     dtype):
        fail(f"`{name}` is right where its gradient is finite, and wrong where it held inf or "
             f"nan: there `param - lr * param.grad` is -inf, inf or nan, and the step gave "
             f"something else. The gradient was changed before the step (`nan_to_num`, a "
             f"clamp); subtract it as it is, and let the caller see the overflow.",
             f"`{name}` 在梯度有限的地方是对的,在梯度为 inf 或 nan 的地方不对:那里 "
             f"`param - lr * param.grad` 是 -inf、inf 或 nan,这一步却给出了别的值。梯度在使用前被改动了"
             f"(`nan_to_num`、截断);请按原样减去它,让调用方看到溢出。", **shown)
    both = exact.isfinite() & got.isfinite()
    s = diagnose.ratio(got.double()[both] - start.double()[both],
                       exact[both] - start.double()[both])
    cause = diagnose.matching(s, [
        (-1.0, ("the step went uphill: `param += lr * param.grad` moves along the gradient, "
                "where the loss grows. Subtract it: `param -= lr * param.grad`.",
                "这一步走向了上坡:`param += lr * param.grad` 沿着梯度方向走,损失反而增大。"
                "应当减去:`param -= lr * param.grad`。")),
        (2.0, ("the step was taken twice: the parameter moved by 2 * lr * grad (an update in "
               "place *and* an assignment, or two loops over the parameters).",
               "这一步走了两次:参数移动了 2 * lr * grad(既原地更新又赋值,或者对参数循环了两遍)。")),
        *[(o / lr, (f"the step used lr={o:.4g}, the lr of an earlier call, not this call's "
                    f"{lr:.4g}: sgd_step kept something from before. Use the `lr` each call is "
                    f"given.",
                    f"这一步用的是 lr={o:.4g},即之前某次调用的 lr,而不是这次的 {lr:.4g}:sgd_step "
                    f"保留了之前的东西。请使用每次调用传入的 `lr`。")) for o in other_lrs if o != lr],
    ], rtol=1e-3)
    if cause is not None:
        fail(*cause, **shown)
    if s is not None and abs(s - 1) < 1e-2:
        err = float(((got.double() - exact).abs() / scale)[both].max())
        fail(f"`{name}` moved by about the right step, but off by {err:.2g} of its size, more "
             f"than rounding in {dtype} gives ({2 * torch.finfo(start.dtype).eps:.2g}).",
             f"`{name}` 移动的步长大致对,但偏差为其大小的 {err:.2g},超出了 {dtype} 的舍入误差"
             f"({2 * torch.finfo(start.dtype).eps:.2g})。", **shown)
    en, zh = diagnose.unexplained((f"the change of `{name}`", f"`{name}` 的变化"), s,
                                  ("`lr * param.grad`", "`lr * param.grad`"))
    fail(f"`{name}` changed, but not by `- lr * param.grad`: {en}",
         f"`{name}` 变了,但变化量不是 `- lr * param.grad`:{zh}", **shown)


def why_unchanged(name, call, got, want, *, untouched, bumped, earlier_moved=False,
                  copied=False, first_call_kept=False, generator_used_up=False, subclass=None):
    """A parameter left as it was: the cause that the measurements show, or what was seen.
    `subclass`: the param is of a subclass of torch.Tensor (a WRAPS key), and every plain
    tensor of the call moved right."""
    shown = dict(call=call, got=got, expected=want, kata=KATA)
    if subclass in WRAPS and untouched:
        en, zh = WRAPS[subclass]
        fail(f"`{name}`, {en}, was left untouched (value and gradient), while the plain tensors "
             f"beside it got their step: it was not taken for a tensor. `type(p) is "
             f"torch.Tensor` is False for a subclass (nn.Parameter, what `model.parameters()` "
             f"gives, is one). Step every param you are given, or test with "
             f"`isinstance(p, torch.Tensor)`.",
             f"`{name}` 是{zh},它原封未动(数值和梯度都没变),而旁边的普通张量都走了这一步:它没有被当作"
             f"张量。对子类(nn.Parameter 就是一个,`model.parameters()` 给的就是它)`type(p) is "
             f"torch.Tensor` 为 False。请对传入的每个参数都走这一步,或用 `isinstance(p, "
             f"torch.Tensor)` 判断。", **shown)
    if first_call_kept:
        fail("the first call updated model 1's `w, b`, but this call, given model 2's `w2, b2`, "
             "left them untouched (values and gradients): sgd_step still works on the tensors "
             "of its first call (a list kept in a global, or in a default argument). Use the "
             "`params` each call is given.",
             "第一次调用更新了模型 1 的 `w, b`,而这次传入模型 2 的 `w2, b2`,它们却原封未动"
             "(数值和梯度都没变):sgd_step 还在处理第一次调用的张量(存在全局变量或默认参数里的"
             "列表)。请使用每次调用传入的 `params`。", **shown)
    if generator_used_up:
        fail(f"given a generator, sgd_step left `{name}` untouched (value and gradient), where "
             f"given a list it worked: the generator was used up before the loop (by `list(...)`"
             f", `len(list(params))` or an `any(...)` over it). A generator can be walked only "
             f"once: walk it once, or make one list of it and use that list.",
             f"传入生成器时,sgd_step 没有碰 `{name}`(数值和梯度都没变),而传入列表时是对的:生成器"
             f"在循环之前就被用完了(`list(...)`、`len(list(params))` 或对它的 `any(...)`)。生成器"
             f"只能遍历一次:只遍历一次,或者先把它变成一个列表再用这个列表。", **shown)
    if untouched and earlier_moved:
        fail(f"sgd_step updated the parameters before `{name}` and left `{name}` untouched "
             f"(value and gradient): the loop stopped early (a `return` or `break` inside it). "
             f"Every parameter gets its step.",
             f"sgd_step 更新了 `{name}` 之前的参数,却没有碰 `{name}`(数值和梯度都没变):循环提前结束了"
             f"(循环里有 `return` 或 `break`)。每个参数都要走这一步。", **shown)
    if copied:
        fail(f"`{name}`, a non-contiguous tensor, did not change, while the other parameters "
             f"did: the update went into a copy of it. `reshape`, `flatten` and `.contiguous()` "
             f"copy a tensor whose memory is not in order, and the copy is thrown away. Update "
             f"the parameter itself: `param -= lr * param.grad`.",
             f"非连续张量 `{name}` 没有变,而其他参数变了:更新写进了它的副本。对内存不按顺序排列的张量,"
             f"`reshape`、`flatten` 和 `.contiguous()` 会复制,副本随后被丢掉。请更新参数本身:"
             f"`param -= lr * param.grad`。", **shown)
    if bumped:
        fail(f"an update in place ran on `{name}` (its version counter moved) but changed "
             f"nothing: the step it subtracted was zero, as when `param.grad` is cleared before "
             f"it is used. Subtract `lr * param.grad` first, then clear the gradient.",
             f"`{name}` 上执行了原地更新(它的版本计数变了),却什么也没改变:减去的步长是零,就像 "
             f"`param.grad` 在使用之前就被清零了。请先减去 `lr * param.grad`,再清零梯度。", **shown)
    fail(f"the caller's tensor `{name}` did not change: the update never reached it. A new "
         f"tensor bound to a local name (`param = param - lr * param.grad`), a result thrown "
         f"away (`param.sub(...)`, no underscore) or an update of a copy leaves the caller's "
         f"tensor as it was. Update in place (`param -= lr * param.grad`) under "
         f"`torch.no_grad()`.",
         f"调用方的张量 `{name}` 没有变:更新没有到达它。绑定到局部变量的新张量"
         f"(`param = param - lr * param.grad`)、被丢掉的结果(`param.sub(...)`,没有下划线)"
         f"或对副本的更新,都让调用方的张量保持原样。请在 `torch.no_grad()` 下原地更新"
         f"(`param -= lr * param.grad`)。", **shown)


def check_cleared(name, left, before, inference, call, *, generator=False):
    """The gradient a call left: None, or exact zeros that the next backward can add into.
    `before`: the gradient the call was given."""
    expect(inference is not True,
           f"the gradient of `{name}` was cleared with an inference tensor (made under "
           f"`torch.inference_mode()`): the next backward must add into it and PyTorch refuses "
           f"(\"Inplace update to inference tensor outside InferenceMode\"). Clear it under "
           f"`torch.no_grad()`: `param.grad.zero_()`, or `param.grad = None`.",
           f"`{name}` 的梯度被清成了一个推理张量(在 `torch.inference_mode()` 下创建的):下一次 "
           f"backward 要在它上面累加,PyTorch 会拒绝(\"Inplace update to inference tensor "
           f"outside InferenceMode\")。请在 `torch.no_grad()` 下清零:`param.grad.zero_()` 或 "
           f"`param.grad = None`。", call=call, kata=KATA)
    if left is None or (isinstance(left, Seen) and left.complete and left.error is None
                        and not left.tensor.double().abs().sum().item()):
        return
    shown = dict(call=call, got=left, expected="zeros or None", kata=KATA)
    was, now = values(before), values(left)
    if was is not None and now is not None and was.shape == now.shape:
        bad = ~was.isfinite()
        if bad.any() and bool(now[bad].isnan().all()) and not now[~bad].abs().sum():
            fail(f"the gradient of `{name}` held inf or nan, and the call left nan there: "
                 f"multiplying by zero (`grad.mul_(0)`, `grad * 0`) gives nan for inf and nan "
                 f"(inf * 0 is nan), and the next backward adds onto it. `param.grad.zero_()` "
                 f"(or None) clears whatever it held.",
                 f"`{name}` 的梯度里有 inf 或 nan,调用之后那里变成了 nan:乘以零"
                 f"(`grad.mul_(0)`、`grad * 0`)对 inf 和 nan 得到的是 nan(inf * 0 是 nan),下一次 "
                 f"backward 会在它上面累加。`param.grad.zero_()`(或设为 None)无论原来是什么都能清零。",
                 **shown)
    how = (" The parameters came as a generator, which can be walked only once: a second loop "
           "over `params` (to clear the gradients) finds nothing. Clear each gradient in the "
           "same loop as its update." if generator else "")
    zh_how = ("参数是以生成器传入的,只能遍历一次:第二个清零梯度的循环什么也遍历不到。请在更新"
              "每个参数的同一个循环里清零它的梯度。" if generator else "")
    kept, zh_kept = ("", "")
    if same(left, before):
        kept = (" It still holds the very gradient the backward gave: nothing was written into "
                "`param.grad` (zeros bound to a local name, as in `grad = torch.zeros_like(grad)`, "
                "never reach it).")
        zh_kept = ("它仍然是 backward 给出的那个梯度:没有任何东西写进 `param.grad`(绑定到局部变量的"
                   "零张量,例如 `grad = torch.zeros_like(grad)`,到不了它)。")
    fail(f"the gradient of `{name}` was left uncleared: the next `backward()` adds onto it, so "
         f"the next step would use the sum of both gradients. Clear it after the update "
         f"(`param.grad.zero_()`, or set it to None).{kept}{how}",
         f"`{name}` 的梯度没有清零:下一次 `backward()` 会在它上面累加,下一步就会用两次梯度之和。"
         f"更新之后请清零(`param.grad.zero_()` 或设为 None)。{zh_kept}{zh_how}", **shown)


# --- two models trained in turn ----------------------------------------------------------------

NAMES = (("w", "b"), ("w2", "b2"))


def regression(seed):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(20, 2, generator=gen)
    y = X @ torch.tensor([[2.0], [-3.4]]) + 4.2
    return X, y


def mse(X, y, w, b):
    return ((X @ w + b - y) ** 2 / 2).mean()


def handed_as(k, rnd):
    """Model 1's parameters go as a list; model 2's as a list in the first round, then as a
    generator (what `model.parameters()` is)."""
    return "generator" if k == 1 and rnd > 0 else "list"


@observe(examples=[{"seed": 1, "lrs": [0.1, 0.03], "rounds": 3}])
def two_models(kata, case):
    """Two linear regressions trained in turn, each with its own lr: after each call, every
    tensor of both models, the gradients the backward gave and the ones the call left."""
    data = [regression(case.seed + k) for k in (0, 1)]
    models = [[torch.zeros(2, 1, requires_grad=True), torch.zeros(1, requires_grad=True)]
              for _ in (0, 1)]
    calls = []
    for rnd in range(case.rounds):
        for k, params in enumerate(models):
            with torch.set_grad_enabled(True):  # a mode left off: the grad-mode claim says so
                try:
                    mse(*data[k], *params).backward()
                except RuntimeError as err:  # our own backward, on what the last call left
                    calls.append({"model": k, "backward_raised": f"{type(err).__name__}: {err}"})
                    return calls
                grads = [None if p.grad is None else p.grad.detach().clone() for p in params]
                versions = [p._version for p in params]
                given = params if handed_as(k, rnd) == "list" else (p for p in params)
                kata.sgd_step(given, case.lrs[k])
            calls.append({
                "model": k, "grads": grads,
                "after": [[p.detach().clone() for p in m] for m in models],
                "left": [None if p.grad is None else p.grad.detach().clone() for p in params],
                "inference": [p.grad is not None and p.grad.is_inference() for p in params],
                "bumped": [p._version > v for p, v in zip(params, versions)],
            })
    return calls


def records(case, seen):
    """The calls observed, in order: (record, model, round, the call in words)."""
    expect(isinstance(seen, list) and all(isinstance(r, dict) and r.get("model") in (0, 1)
                                          for r in seen),
           "the observation of training came back malformed.", "训练的观测数据格式不对。",
           call="two models trained in turn", kata=KATA)
    rounds = [0, 0]
    for r in seen:
        k = r["model"]
        params = f"[{', '.join(NAMES[k])}]"
        if handed_as(k, rounds[k]) == "generator":
            params = f"(p for p in {params})"
        yield r, k, rounds[k], f"sgd_step({params}, lr={case.lrs[k]}), model {k + 1}, round " \
                               f"{rounds[k] + 1}"
        rounds[k] += 1


def models_after(record, call):
    """Both models' tensors after a call."""
    models = listed(record, "after", 2, call)
    return [[readable(t, name, call).tensor for t, name in zip(sized(m, 2, "after", call), names)]
            for m, names in zip(models, NAMES)]


@claim(two_models)
def test_each_call_steps_the_model_it_is_given_and_no_other(case, seen):
    state = [[torch.zeros(2, 1), torch.zeros(1)] for _ in (0, 1)]  # as the calls left them
    for record, k, rnd, call in records(case, seen):
        if "backward_raised" in record:
            said = record["backward_raised"] if isinstance(record["backward_raised"], str) else "?"
            undecided((f"the backward before this call raised {said[:300]}",
                       f"这次调用之前的 backward 抛出了 {said[:300]}"),
                      ("whether each call steps the model it is given and no other",
                       "每次调用是否只更新传给它的模型"),
                      see="test_each_backward_starts_from_a_cleared_gradient", call=call,
                      kata=KATA)
        after = models_after(record, call)
        grads, left = listed(record, "grads", 2, call), listed(record, "left", 2, call)
        bumped = listed(record, "bumped", 2, call)
        for m in (0, 1):
            for i, (name, got, start) in enumerate(zip(NAMES[m], after[m], state[m])):
                expect(got.dtype == start.dtype and got.shape == start.shape,
                       f"`{name}` changed its dtype or shape: an update in place keeps both.",
                       f"`{name}` 的 dtype 或形状变了:原地更新会保持两者不变。",
                       call=call, got=f"{got.dtype}, {tuple(got.shape)}",
                       expected=f"{start.dtype}, {tuple(start.shape)}", kata=KATA)
                if m != k:
                    expect(torch.equal(got, start),
                           f"a call given model {k + 1}'s tensors changed `{name}` of model "
                           f"{m + 1}: sgd_step updates tensors kept from an earlier call. Use "
                           f"the `params` each call is given.",
                           f"传入模型 {k + 1} 的张量的调用却改变了模型 {m + 1} 的 `{name}`:"
                           f"sgd_step 更新的是之前调用留下的张量。请使用每次调用传入的 `params`。",
                           call=call, got=got, expected=start, kata=KATA)
                    continue
                g = readable(grads[i], f"{name}.grad", call).tensor
                expect(g.shape == start.shape, f"the observation of `{name}.grad` came back "
                       f"malformed.", f"`{name}.grad` 的观测数据格式不对。", call=call, kata=KATA)
                verdict = stepped(got, start, g, case.lrs[k])
                if verdict == "wrong":
                    check_step(name, got, start, g, case.lrs[k], call, other_lrs=[case.lrs[1 - k]])
                if verdict == "unchanged":
                    untouched = same(left[i], grads[i])
                    why_unchanged(name, call, got, start - case.lrs[k] * g, untouched=untouched,
                                  bumped=bumped[i] is True, earlier_moved=i > 0,
                                  first_call_kept=untouched and k == 1 and rnd == 0,
                                  generator_used_up=untouched and i == 0 and k == 1 and rnd > 0)
        state = after


@claim(two_models)
def test_each_backward_starts_from_a_cleared_gradient(case, seen):
    data = [regression(case.seed + k) for k in (0, 1)]
    state = [[torch.zeros(2, 1), torch.zeros(1)] for _ in (0, 1)]
    last = None
    for record, k, rnd, call in records(case, seen):
        if "backward_raised" in record:
            said = record["backward_raised"] if isinstance(record["backward_raised"], str) else "?"
            fail(f"the backward after the previous sgd_step raised {said[:300]}. A gradient "
                 f"cleared by `param.grad.zero_()` or `param.grad = None` is one the next "
                 f"backward can write.",
                 f"上一次 sgd_step 之后的 backward 抛出了 {said[:300]}。用 `param.grad.zero_()` "
                 f"或 `param.grad = None` 清零的梯度,下一次 backward 才能写入。",
                 call=last or call, kata=KATA)
        last = call
        w, b = (p.clone().requires_grad_() for p in state[k])
        mse(*data[k], w, b).backward()  # this step's gradient, from the state the calls left
        grads = listed(record, "grads", 2, call)
        for name, got, fresh in zip(NAMES[k], grads, (w.grad, b.grad)):
            expect(isinstance(got, Seen) and got.complete and close(got, fresh, rtol=1e-4,
                                                                    atol=1e-6),
                   *diagnose.uncleared(f"`{name}.grad`", rnd + 1, "the previous sgd_step"),
                   call=call, got=got, expected=fresh, kata=KATA)
        for name, left, before, inference in zip(NAMES[k], listed(record, "left", 2, call), grads,
                                                 listed(record, "inference", 2, call)):
            check_cleared(name, left, before, inference, call,
                          generator=handed_as(k, rnd) == "generator")
        state = models_after(record, call)


# --- one step, on irregular parameters ---------------------------------------------------------


def param(shape, dtype, layout, seed):
    return {"shape": shape, "dtype": dtype, "layout": layout, "seed": seed}


STEP_EXAMPLES = [
    # the articles' case: w of shape (3, 1) and b of shape (1,), float32, in a list
    {"seed": 0, "lr": 0.1, "container": "list", "names": ["w", "b"],
     "params": [param([3, 1], "float32", "contiguous", 1), param([1], "float32", "contiguous", 2)]},
    # float64 and non-contiguous parameters, handed over as a generator (model.parameters())
    {"seed": 3, "lr": 0.3, "container": "generator",
     "params": [param([2, 3], "float64", "transposed", 4), param([4], "float64", "sliced", 5)]},
    # half precision, a tuple, a 0-dim parameter
    {"seed": 6, "lr": 0.25, "container": "tuple",
     "params": [param([5], "float16", "contiguous", 7), param([], "bfloat16", "contiguous", 8)]},
    # a channels-last conv weight, and gradients holding inf and nan (an overflow)
    {"seed": 9, "lr": 0.1, "container": "list", "nonfinite": True,
     "params": [param([2, 3, 2, 2], "float32", "channels_last", 10),
                param([3], "float32", "contiguous", 11)]},
    # called inside the caller's own `torch.no_grad()` block
    {"seed": 12, "lr": 0.3, "container": "list", "grad_mode": False,
     "params": [param([2, 2], "float32", "contiguous", 13)]},
    # subclasses of torch.Tensor: nn.Parameters (what `model.parameters()` gives) and a user's
    # own subclass, beside a plain tensor
    {"seed": 14, "lr": 0.2, "container": "generator", "wraps": ["plain", "parameter", "subclass"],
     "params": [param([3], "float32", "contiguous", 15), param([2, 3], "float64", "transposed", 16),
                param([2], "float32", "contiguous", 17)]},
]

STEP_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "lr": st.floats(0.05, 1.0),
    "container": st.sampled_from(["list", "tuple", "generator"]),
    "params": st.lists(irr.tensors(shape=irr.shapes(min_dims=0, max_dims=3)), min_size=1,
                       max_size=3),
    "nonfinite": st.booleans(),
    "grad_mode": st.booleans(),
    "wraps": st.lists(st.sampled_from(["plain", "parameter", "subclass"]), min_size=3,
                      max_size=3),
})
WRAPS = {"parameter": ("nn.Parameter", "nn.Parameter"),
         "subclass": ("a tensor of a subclass of torch.Tensor", "torch.Tensor 子类的张量")}


def wrap(t, how):
    """A leaf that requires grad: plain, an nn.Parameter, or of a user's subclass (Tagged)."""
    if how == "parameter":
        return torch.nn.Parameter(t.detach())
    if how == "subclass":
        return t.detach().as_subclass(Tagged).requires_grad_()
    return t.detach().requires_grad_()


def wraps(case) -> list:
    got = case.get("wraps") or []
    return [got[i] if i < len(got) else "plain" for i in range(len(case.params))]


def leaves_with_grads(case):
    """The case's parameters: leaf tensors that require grad, with `.grad` filled by a real
    backward pass (the same tensors in the learner's run, in the grader's job and its judge);
    with "nonfinite", the first gradient elements are inf, nan and -inf."""
    params = [wrap(irr.tensor(d), how) for d, how in zip(case.params, wraps(case))]
    gen = torch.Generator().manual_seed(case.seed)
    loss = sum((p.double() * torch.randn(p.shape, generator=gen, dtype=torch.float64)).pow(2).sum()
               for p in params)
    loss.backward()
    if case.get("nonfinite"):
        with torch.no_grad():
            for p in params:
                at = torch.arange(p.numel()).reshape(p.shape)  # each element's place, any layout
                for i, v in enumerate([float("inf"), float("nan"), float("-inf")]):
                    p.grad.masked_fill_(at == i, v)
    return params


def handed(params, container):
    if container == "generator":
        return (p for p in params)
    return tuple(params) if container == "tuple" else list(params)


def names(case) -> list[str]:
    return case.get("names") or [f"params[{i}]" for i in range(len(case.params))]


def called(case) -> str:
    if case.get("names"):
        text = f"sgd_step([{', '.join(case.names)}], lr={case.lr:.4g})"
    else:
        shown = ", ".join(irr.describe(d)[0].replace("tensor", {
            "parameter": "nn.Parameter", "subclass": "Tagged (a torch.Tensor subclass)"}.get(
                how, "param"), 1) for d, how in zip(case.params, wraps(case)))
        how = {"list": "a list", "tuple": "a tuple", "generator": "a generator"}[case.container]
        text = f"sgd_step({how} of [{shown}], lr={case.lr:.4g})"
    if case.get("nonfinite"):
        text += ", with inf and nan in the gradients"
    if case.get("grad_mode") is False:
        text += ", called inside `with torch.no_grad():`"
    return text


@observe(examples=STEP_EXAMPLES, draw=STEP_CASES)
def one_sgd_step(kata, case):
    params = leaves_with_grads(case)
    keep = [p.detach() for p in params]  # holds the old memory: no new tensor can take its address
    storages = [p.data_ptr() for p in params]
    versions = [p._version for p in params]
    handed_over = handed(params, case.container)
    with torch.set_grad_enabled(case.get("grad_mode", True)):  # the caller's mode, then ours back
        kata.sgd_step(handed_over, case.lr)
        grad_mode = torch.is_grad_enabled()
    in_list = list(handed_over) if case.container == "list" else params
    del keep
    return {
        "params": params,  # the caller's own tensor objects, after the call
        "grads": [p.grad for p in params],
        "inference": [p.grad is not None and p.grad.is_inference() for p in params],
        "bumped": [p._version > v for p, v in zip(params, versions)],
        "same_objects": [a is b for a, b in zip(in_list, params)],
        "same_storage": [p.data_ptr() == s for p, s in zip(params, storages)],
        "grad_mode": grad_mode,
    }


@claim(one_sgd_step)
def test_sgd_step_changes_the_callers_tensors_in_place(case, seen):
    call, n = called(case), len(case.params)
    params = leaves_with_grads(case)
    got = [readable(t, name, call).tensor
           for t, name in zip(listed(seen, "params", n, call), names(case))]
    for p, g, name in zip(params, got, names(case)):
        expect(g.dtype == p.dtype and g.shape == p.shape,
               f"`{name}` changed its dtype or shape: an update in place keeps both; a new tensor "
               f"made in another dtype and assigned to `param.data` does not.",
               f"`{name}` 的 dtype 或形状变了:原地更新会保持两者不变;用别的 dtype 新建张量再赋给 "
               f"`param.data` 就不会。", call=call, got=f"{g.dtype}, shape {tuple(g.shape)}",
               expected=f"{p.dtype}, shape {tuple(p.shape)}", kata=KATA)
    verdicts = [stepped(g, p.detach(), p.grad, case.lr) for p, g in zip(params, got)]
    moved = [v == "ok" and not same(g, p) for v, g, p in zip(verdicts, got, params)]
    left, bumped = listed(seen, "grads", n, call), listed(seen, "bumped", n, call)
    for i, (p, g, name, verdict) in enumerate(zip(params, got, names(case), verdicts)):
        if verdict == "wrong":
            check_step(name, g, p.detach(), p.grad, case.lr, call)
        if verdict == "unchanged":
            untouched = same(left[i], p.grad)
            kinds = wraps(case)
            plain = [j for j in range(n) if kinds[j] == "plain"]
            why_unchanged(name, call, g, (p - case.lr * p.grad).detach(), untouched=untouched,
                          bumped=bumped[i] is True, earlier_moved=any(moved[:i]),
                          copied=not untouched and any(moved) and not p.is_contiguous(),
                          subclass=kinds[i] if plain and all(moved[j] for j in plain)
                          else None)
    expect(
        all(x is True for x in listed(seen, "same_objects", n, call)),
        "sgd_step replaced the tensors in the list with new ones: the caller's other references "
        "(the model, the optimizer) still point at the old tensors. Change each tensor in place.",
        "sgd_step 把列表里的张量换成了新张量:调用方的其他引用(模型、优化器)仍指向旧张量。"
        "请原地修改每个张量。",
        call=call, kata=KATA,
    )
    expect(
        all(x is True for x in listed(seen, "same_storage", n, call)),
        "the tensors got new storage: the same tensor objects with the right values in new "
        "memory is what `param.data = param.data - ...` (or `param.set_(...)`) does, swapping "
        "the storage under the tensor. Anything that held a view of the old memory (an "
        "optimizer's state, a tensor sharing it) no longer sees the parameter. Update in place "
        "under `torch.no_grad()`: `param -= lr * param.grad`.",
        "张量换了新的存储:张量对象没变、数值也对,但内存是新的,这正是 `param.data = param.data - ...`"
        "(或 `param.set_(...)`)做的事:把张量底下的存储换掉了。之前持有旧内存视图的东西(优化器的状态、"
        "共享内存的张量)就再也看不到这个参数。请在 `torch.no_grad()` 下原地更新:"
        "`param -= lr * param.grad`。",
        call=call,
        got="the same objects with the right values, in new memory (`data_ptr()` changed)",
        expected="the same memory (`data_ptr()` unchanged)",
        kata=KATA,
    )


def took_a_step(case, seen, call, what) -> None:
    """What sgd_step leaves alone (leaves, grad mode) is decided only on a call that stepped:
    at least one parameter holds other values than before (finite ones, unless the case gave
    inf and nan in the gradients). An sgd_step that does nothing leaves everything alone
    trivially: then the claim fails undecided."""
    tensors = listed(seen, "params", len(case.params), call)
    params = leaves_with_grads(case)
    if all(p.grad is None or diagnose.identical((p.detach() - case.lr * p.grad).to(p.dtype),
                                                p.detach()) for p in params):
        return  # a right step moves nothing here either (empty, or lost to rounding)
    for t, p in zip(tensors, params):
        try:
            now = t.tensor if isinstance(t, Seen) and t.error is None and t.complete else None
        except (ValueError, TypeError, RuntimeError, OverflowError):
            now = None
        if now is None:
            continue
        if case.get("nonfinite"):
            if now.shape == p.shape and not diagnose.identical(now, p.detach()):
                return
        elif diagnose.differ(now, p.detach()):
            return
    undecided(("sgd_step changed no parameter (none holds new finite values)",
               "sgd_step 没有改变任何参数(没有一个得到新的有限值)"), what,
              see="test_sgd_step_changes_the_callers_tensors_in_place", call=call, kata=KATA)


@claim(one_sgd_step)
def test_sgd_step_leaves_each_param_a_leaf_that_requires_grad(case, seen):
    call = called(case)
    took_a_step(case, seen, call, ("whether each param stays a leaf that requires grad",
                                   "每个参数是否仍是需要梯度的叶子张量"))
    for t, name in zip(listed(seen, "params", len(case.params), call), names(case)):
        p = readable(t, name, call)
        expect(
            p.requires_grad,
            f"`{name}` no longer requires grad: the next forward pass will build no graph and "
            f"training stops. Keep the same tensor and change its values under `torch.no_grad()`.",
            f"`{name}` 不再需要梯度:下一次前向传播不会建图,训练就停了。保持同一个张量,在 "
            f"`torch.no_grad()` 下修改它的值。",
            call=call, kata=KATA,
        )
        expect(
            p.is_leaf and p.grad_fn is None,
            f"`{name}` is no longer a leaf (grad_fn={p.grad_fn}): the update was recorded in the "
            f"graph. Do it under `torch.no_grad()` so autograd does not track it.",
            f"`{name}` 不再是叶子张量(grad_fn={p.grad_fn}):更新被记录进了计算图。请在 "
            f"`torch.no_grad()` 下更新。",
            call=call, kata=KATA,
        )


@claim(one_sgd_step)
def test_sgd_step_clears_the_gradient(case, seen):
    call, n = called(case), len(case.params)
    for p, name, left, inference in zip(leaves_with_grads(case), names(case),
                                        listed(seen, "grads", n, call),
                                        listed(seen, "inference", n, call)):
        check_cleared(name, left, p.grad, inference, call, generator=case.container == "generator")


@claim(one_sgd_step)
def test_sgd_step_leaves_grad_mode_as_it_was(case, seen):
    call, before = called(case), case.get("grad_mode", True)
    took_a_step(case, seen, call, ("whether a step leaves grad mode as it was",
                                   "一步更新是否保持 grad 模式不变"))
    after = seen.get("grad_mode") if isinstance(seen, dict) else None
    expect(after is before or not before,
           "sgd_step left autograd switched off (`torch.is_grad_enabled()` is False after the "
           "call): `torch.set_grad_enabled(False)` is never undone, so the next forward builds "
           "no graph and the next backward raises. `with torch.no_grad():` switches it back on "
           "when the block ends.",
           "sgd_step 把 autograd 关掉后没有恢复(调用之后 `torch.is_grad_enabled()` 为 False):"
           "`torch.set_grad_enabled(False)` 没有撤销,下一次前向传播不会建图,下一次 backward 会报错。"
           "`with torch.no_grad():` 在代码块结束时会把它恢复。",
           call=call, got=f"torch.is_grad_enabled() = {after}", expected="True", kata=KATA)
    expect(after is before,
           "sgd_step switched autograd on inside the caller's `torch.no_grad()` block: it set "
           "the mode back to True instead of to what it was. `with torch.no_grad():` restores "
           "the mode it found.",
           "sgd_step 在调用方的 `torch.no_grad()` 代码块里把 autograd 打开了:它把模式恢复成了 True,"
           "而不是原来的样子。`with torch.no_grad():` 会恢复进入时的模式。",
           call=call, got=f"torch.is_grad_enabled() = {after}", expected=f"{before}", kata=KATA)


# --- decrement_all -----------------------------------------------------------------------------

NUMBERS = {"Fraction": Fraction, "Decimal": Decimal, "complex": complex}


def tensor_item(desc, requires_grad=False):
    return {"kind": "tensor", "desc": desc, "requires_grad": requires_grad}


DECREMENT_EXAMPLES = [
    # the articles' case: ints (and a float) in a list
    {"seed": 0, "amount": 4, "items": [{"kind": "int", "value": 1}, {"kind": "int", "value": 2},
                                       {"kind": "float", "value": 3.5}]},
    # numbers of other types; a value that another element becomes (2 - 1 is 1)
    {"seed": 1, "amount": 1, "items": [
        {"kind": "int", "value": 2}, {"kind": "int", "value": 1}, {"kind": "float", "value": 0.5},
        {"kind": "Fraction", "text": "1/3"}, {"kind": "complex", "text": "(1+2j)"},
        {"kind": "Decimal", "text": "1.5"}]},
    {"seed": 2, "amount": 4, "items": [tensor_item(param([1], "float32", "contiguous", 11)),
                                       tensor_item(param([2], "float32", "contiguous", 12))]},
    # float64, non-contiguous and 0-dim tensors beside numbers, and a float amount
    {"seed": 3, "amount": 2.5, "items": [
        tensor_item(param([3, 2], "float64", "transposed", 13)), {"kind": "int", "value": 7},
        tensor_item(param([], "float32", "contiguous", 14)),
        tensor_item(param([4], "float32", "sliced", 15))]},
    # an integer tensor, a leaf that requires grad, and the rows of one matrix
    {"seed": 4, "amount": 3, "base": param([2, 3], "float32", "contiguous", 16), "items": [
        tensor_item(param([3], "int64", "contiguous", 17)),
        tensor_item(param([2], "float32", "contiguous", 18), requires_grad=True),
        {"kind": "row", "index": 0}, {"kind": "row", "index": 1}]},
    # a float amount that float32 cannot hold (0.1): float64, float16 and bfloat16 tensors
    # subtract it at their own precision, not at float32's
    {"seed": 5, "amount": 0.1, "items": [
        tensor_item(param([2], "float16", "contiguous", 21)),
        tensor_item(param([3], "float64", "contiguous", 19)),
        tensor_item(param([2], "float32", "contiguous", 20)),
        tensor_item(param([], "bfloat16", "contiguous", 22)),
        {"kind": "float", "value": 0.7}, {"kind": "int", "value": 3}]},
    # subclasses of torch.Tensor beside a plain tensor: an nn.Parameter (a model's weight), a
    # user's own subclass; an int amount on int32 and float16 tensors
    {"seed": 6, "amount": 2, "items": [
        tensor_item(param([3], "float32", "contiguous", 23)),
        {"kind": "parameter", "desc": param([2, 2], "float64", "transposed", 24)},
        {"kind": "subclass", "desc": param([3], "float32", "contiguous", 25),
         "requires_grad": False},
        tensor_item(param([4], "int32", "contiguous", 26)),
        tensor_item(param([2], "float16", "contiguous", 27))]},
    {"seed": 7, "amount": 0.3, "items": [
        {"kind": "subclass", "desc": param([2], "float64", "contiguous", 28),
         "requires_grad": True},
        {"kind": "parameter", "desc": param([], "float32", "contiguous", 29)},
        {"kind": "float", "value": -1.5},
        tensor_item(param([2], "float64", "sliced", 30))]},
]

TENSOR_KINDS = ("tensor", "row", "parameter", "subclass")
SUBCLASSES = ("parameter", "subclass")


class Tagged(torch.Tensor):
    """A user's own subclass of torch.Tensor (as libraries tag tensors): still a tensor."""


def items(amount_is_int: bool):
    """A list's elements: numbers of every kind, tensors of the dtypes `amount` allows (an
    integer dtype only for an int amount), nn.Parameters and tensors of a user's subclass."""
    kinds = ["float32", "float64", "float16", "bfloat16"]
    tensor_dtypes = st.sampled_from(kinds + (["int64", "int32"] if amount_is_int else []))
    floats = st.sampled_from(kinds)
    shape = irr.shapes(min_dims=0, max_dims=2)
    decimals = st.fixed_dictionaries({"kind": st.just("Decimal"),  # Decimal - float raises
                                      "text": st.decimals(-100, 100, places=2).map(str)})
    return st.lists(
        st.one_of(
            st.fixed_dictionaries({"kind": st.just("int"), "value": st.integers(-100, 100)}),
            st.fixed_dictionaries({"kind": st.just("float"), "value": st.floats(-100, 100)}),
            st.fixed_dictionaries({"kind": st.just("Fraction"),
                                   "text": st.fractions(-10, 10, max_denominator=9).map(str)}),
            *([decimals] if amount_is_int else []),
            st.fixed_dictionaries({"kind": st.just("tensor"),
                                   "desc": irr.tensors(shape=shape, dtype=tensor_dtypes),
                                   "requires_grad": st.booleans()}),
            st.fixed_dictionaries({"kind": st.just("parameter"),
                                   "desc": irr.tensors(shape=shape, dtype=floats)}),
            st.fixed_dictionaries({"kind": st.just("subclass"),
                                   "desc": irr.tensors(shape=shape, dtype=tensor_dtypes),
                                   "requires_grad": st.booleans()}),
        ),
        max_size=6,
    )


DECREMENT_CASES = st.one_of(
    st.fixed_dictionaries({"seed": irr.seeds(), "amount": st.integers(-5, 5),
                           "items": items(True)}),
    st.fixed_dictionaries({"seed": irr.seeds(),
                           "amount": st.floats(-10, 10, allow_nan=False, allow_infinity=False),
                           "items": items(False)}),
)



def elements(case):
    """The case's list, and the matrix M whose rows some of its elements are (or None)."""
    base = irr.tensor(case.base) if case.get("base") else None
    out = []
    for item in case["items"]:
        if item["kind"] == "tensor":
            t = irr.tensor(item["desc"])
            grad = item.get("requires_grad") and t.dtype.is_floating_point
            out.append(t.detach().requires_grad_() if grad else t)
        elif item["kind"] == "parameter":
            out.append(torch.nn.Parameter(irr.tensor(item["desc"])))
        elif item["kind"] == "subclass":
            t = irr.tensor(item["desc"]).as_subclass(Tagged)
            grad = item.get("requires_grad") and t.dtype.is_floating_point
            out.append(t.requires_grad_() if grad else t)
        elif item["kind"] == "row":
            out.append(base[item["index"]])
        elif item["kind"] in NUMBERS:
            out.append(NUMBERS[item["kind"]](item["text"]))
        else:
            out.append(item["value"])
    return base, out


def as_seen(v):
    """A list element as it crosses: a tensor as itself, a number by its type and repr."""
    if isinstance(v, torch.Tensor):
        return v
    return {"type": f"{type(v).__module__}.{type(v).__qualname__}", "repr": repr(v)}


@observe(examples=DECREMENT_EXAMPLES, draw=DECREMENT_CASES)
def decremented(kata, case):
    base, values = elements(case)
    originals = list(values)  # other references to the same objects, as a model would hold
    storages = [v.data_ptr() if isinstance(v, torch.Tensor) else None for v in values]
    kata.decrement_all(values, case.amount)
    return {
        "list": [as_seen(v) for v in values],
        "originals": [v if isinstance(v, torch.Tensor) else None for v in originals],
        "same_objects": [a is b for a, b in zip(values, originals)],
        "same_storage": [isinstance(v, torch.Tensor) and v.data_ptr() == s
                         for v, s in zip(originals, storages)],
        "base": base,
        "length": len(values),
    }


def decrement_call(case) -> str:
    shown = [f"M[{item['index']}]" if item["kind"] == "row"
             else f"nn.Parameter({show(v)})" if item["kind"] == "parameter"
             else f"Tagged({show(v)}) (a subclass of torch.Tensor)" if item["kind"] == "subclass"
             else show(v) for item, v in zip(case["items"], elements(case)[1])]
    where = f", M = {show(irr.tensor(case.base))}" if case.get("base") else ""
    return f"decrement_all([{', '.join(shown)}], {case.amount}){where}"


def is_number(item):
    return item["kind"] not in TENSOR_KINDS


@claim(decremented)
def test_decrement_all_replaces_numbers_in_the_callers_list(case, seen):
    call, n = decrement_call(case), len(case["items"])
    expect(isinstance(seen, dict) and seen.get("length") == n,
           "the list changed its length: subtract from every element, in place of each.",
           "列表的长度变了:应当从每个元素中减去 amount,替换原位置的元素。",
           call=call, got=f"{seen.get('length') if isinstance(seen, dict) else '?'} elements",
           expected=f"{n}", kata=KATA)
    values = elements(case)[1]
    got = listed(seen, "list", n, call)
    wants = [as_seen(v - case.amount) if is_number(item) else None
             for item, v in zip(case["items"], values)]
    plain = [i for i, item in enumerate(case["items"]) if item["kind"] in ("int", "float")]
    for i, item in enumerate(case["items"]):
        if not is_number(item) or got[i] == wants[i]:
            continue
        shown = dict(call=call, expected=wants[i]["repr"], kata=KATA,
                     got=got[i].get("repr") if isinstance(got[i], dict) else show(got[i]))
        numbers = [v for v, item in zip(values, case["items"]) if is_number(item)]
        if len(numbers) == n and [as_seen(v) for v in diagnose.written_by_value(
                numbers, case.amount)] == got:
            fail(f"element {i} ({values[i]!r}) is wrong, and the whole list is what writing each "
                 f"result back at `values.index(v)` gives: the position of the first element "
                 f"*equal* to v, which is not v's own once an earlier element has become equal "
                 f"to it. Use the loop's own index: `for i, v in enumerate(values)`.",
                 f"第 {i} 个元素({values[i]!r})不对,而整个列表正是把每个结果写回 `values.index(v)` "
                 f"的结果:那是第一个*等于* v 的元素的位置,一旦前面的元素变得和它相等,就不是 v 自己的"
                 f"位置了。请用循环自己的下标:`for i, v in enumerate(values)`。", **shown)
        if isinstance(got[i], Seen):
            fail(f"element {i}, the number {values[i]!r}, was replaced by a tensor: `v - amount` "
                 f"of two numbers is a number. Keep numbers as numbers (no `torch.tensor(...)` "
                 f"around the element or the amount).",
                 f"第 {i} 个元素是数字 {values[i]!r},却被换成了张量:两个数字相减 `v - amount` 得到的"
                 f"是数字。请让数字保持为数字(不要对元素或 amount 套 `torch.tensor(...)`)。", **shown)
        if isinstance(got[i], dict) and got[i].get("type") != wants[i]["type"]:
            now = str(got[i].get("type")).split(".")[-1][:60]
            right = wants[i]["type"].split(".")[-1]
            fail(f"element {i} ({values[i]!r}) is now of type {now}, where `{values[i]!r} - "
                 f"{case.amount!r}` is of type {right}: the element or the amount was converted "
                 f"(`float(...)`) before the subtraction. Subtract the amount as it is given.",
                 f"第 {i} 个元素({values[i]!r})变成了 {now} 类型,而 `{values[i]!r} - {case.amount!r}` "
                 f"应是 {right} 类型:元素或 amount 在相减之前被转换了(`float(...)`)。请按原样减去 amount。",
                 **shown)
        if got[i] != as_seen(values[i]):
            fail(f"element {i} ({values[i]!r}) is wrong: a number is replaced in the list by "
                 f"itself minus the amount.",
                 f"第 {i} 个元素({values[i]!r})不对:数字要在列表中替换为它减去 amount 的结果。",
                 **shown)
        if item["kind"] not in ("int", "float") and plain and all(got[j] == wants[j]
                                                                  for j in plain):
            kind = type(values[i]).__name__
            fail(f"the ints and floats were replaced, but the {kind} at element {i} was left as "
                 f"it was: only int and float were taken for numbers, and `v -= amount` on "
                 f"anything else rebinds the loop variable. Every element that is not a tensor "
                 f"is a number: test for tensors (`isinstance(v, torch.Tensor)`).",
                 f"int 和 float 都被替换了,但第 {i} 个元素({kind})保持原样:只把 int 和 float "
                 f"当成了数字,对其他类型 `v -= amount` 只是重新绑定循环变量。不是张量的元素都是数字:"
                 f"请判断是否为张量(`isinstance(v, torch.Tensor)`)。", **shown)
        if tensors_changed(case, seen):
            fail("the list did not change where it holds numbers, while its tensors did: in "
                 "`for v in values: v -= amount` the loop variable is a new name for each "
                 "element; on a tensor `-=` changes it in place, but a number is immutable, so "
                 "`-=` makes a new number bound to `v` and the list keeps the old one. Assign "
                 "back by index: `values[i] = values[i] - amount`.",
                 "列表里的数字没有变,而其中的张量变了:`for v in values: v -= amount` 里的循环变量只是"
                 "元素的新名字;对张量 `-=` 会原地修改,但数字不可变,`-=` 生成一个新的数字绑定到 `v`,"
                 "列表里还是旧值。请按下标写回:`values[i] = values[i] - amount`。", **shown)
        fail("the list did not change: nothing was written into the caller's list. `v -= amount` "
             "on a loop variable makes a new number bound to `v` (numbers are immutable), and "
             "`values = [...]` binds a new list to the local name; only an assignment into the "
             "list itself (`values[i] = ...`, `values[:] = ...`) reaches the caller.",
             "列表没有变:没有任何东西写进调用方的列表。对循环变量 `v -= amount` 会生成新的数字绑定到 "
             "`v`(数字不可变),`values = [...]` 则是把新列表绑定到局部变量;只有对列表本身赋值"
             "(`values[i] = ...`、`values[:] = ...`)调用方才能看到。", **shown)


def tensors_changed(case, seen) -> bool:
    """Whether the case has tensors and every one of them changed right, in place."""
    base, values = elements(case)
    held = seen.get("originals") if isinstance(seen, dict) else None
    tensors = [i for i, item in enumerate(case["items"]) if not is_number(item)]
    return bool(tensors) and isinstance(held, list) and len(held) == len(values) and all(
        isinstance(held[i], Seen) and held[i].complete
        and decremented_right(values[i], held[i], case.amount) for i in tensors)


def decremented_right(before, got, amount) -> bool:
    """`got` is `before - amount`: exactly for an integer tensor, up to rounding for a float."""
    if got.dtype != before.dtype or got.shape != tuple(before.shape):
        return False
    if not before.dtype.is_floating_point:
        return torch.equal(got.tensor, before - amount)
    return diagnose.within_rounding(got.tensor, before.detach().double() - amount,
                                    before.detach().double().abs() + abs(amount), got.dtype_name)


@claim(decremented)
def test_decrement_all_changes_tensors_in_place_for_every_reference(case, seen):
    call, n = decrement_call(case), len(case["items"])
    base, values = elements(case)
    now, held = listed(seen, "list", n, call), listed(seen, "originals", n, call)
    same_objects = listed(seen, "same_objects", n, call)
    same_storage = listed(seen, "same_storage", n, call)
    tensors = [i for i, item in enumerate(case["items"]) if not is_number(item)]
    right = {i: isinstance(held[i], Seen) and held[i].complete
             and decremented_right(values[i], held[i], case.amount) for i in tensors}
    for i in tensors:
        before, want = values[i], (values[i] - case.amount).detach()
        expect(isinstance(now[i], Seen),
               f"element {i}, a tensor{' of 0 dimensions' if not before.dim() else ''}, was "
               f"replaced in the list by a Python number: other references still hold the "
               f"tensor, with its old value. A 0-dim tensor is still a tensor (`.item()` takes "
               f"its number out and loses the tensor): change it in place, `v -= amount`.",
               f"第 {i} 个元素是{'0 维' if not before.dim() else ''}张量,却在列表里被换成了 Python "
               f"数字:其他引用仍然持有那个张量和它的旧值。0 维张量也是张量(`.item()` 取出数字,张量就"
               f"丢了):请原地修改,`v -= amount`。",
               call=call, got=now[i].get("repr") if isinstance(now[i], dict) else show(now[i]),
               expected=show(want), kata=KATA)
        kind = case["items"][i]["kind"]
        plain = [j for j in tensors if case["items"][j]["kind"] in ("tensor", "row")]
        if same_objects[i] is not True and kind in SUBCLASSES and plain and all(
                same_objects[j] is True and right[j] for j in plain):
            what = ("an nn.Parameter", "nn.Parameter") if kind == "parameter" else \
                ("a tensor of a subclass of torch.Tensor", "torch.Tensor 子类的张量")
            fail(f"element {i}, {what[0]}, was replaced in the list by a new object, while the "
                 f"plain tensors were changed in place: it was not taken for a tensor. "
                 f"`type(v) is torch.Tensor` is False for a subclass (nn.Parameter is one); the "
                 f"model still holds the old {'parameter' if kind == 'parameter' else 'tensor'}, "
                 f"unchanged. Test with `isinstance(v, torch.Tensor)`.",
                 f"第 {i} 个元素是{what[1]},它在列表里被换成了新对象,而普通张量都被原地修改了:它没有被"
                 f"当作张量。对子类(nn.Parameter 就是一个)`type(v) is torch.Tensor` 为 False;模型持有的"
                 f"还是原来那个没有变的{'参数' if kind == 'parameter' else '张量'}。请用 "
                 f"`isinstance(v, torch.Tensor)` 判断。",
                 call=call, got=now[i].get("repr") if isinstance(now[i], dict) else show(now[i]),
                 expected=show(want), kata=KATA)
        expect(
            same_objects[i] is True,
            "the list now holds new tensors: any other reference to the old ones (a model, an "
            "optimizer) still sees the old values. Tensors are mutable: `v -= amount` changes "
            "them in place.",
            "列表里换成了新张量:其他引用(模型、优化器)看到的还是旧值。张量是可变的:"
            "`v -= amount` 会原地修改。",
            call=call, kata=KATA,
        )
        got = readable(held[i], f"element {i}", call)
        copied = (not before.is_contiguous() and any(right.values())
                  and not torch.equal(want, before.detach())  # an amount of 0 changes nothing
                  and torch.equal(got.tensor, before.detach())) \
            if got.shape == tuple(before.shape) else False
        expect(not copied,
               f"element {i}, a non-contiguous tensor, did not change, while the other tensors "
               f"did: the update went into a copy of it (`reshape`, `flatten` and "
               f"`.contiguous()` copy a tensor whose memory is not in order). Change the "
               f"element itself: `v -= amount`.",
               f"第 {i} 个元素是非连续张量,它没有变,而其他张量变了:更新写进了它的副本(对内存不按顺序"
               f"排列的张量,`reshape`、`flatten` 和 `.contiguous()` 会复制)。请修改元素本身:"
               f"`v -= amount`。", call=call, got=got, expected=want, kata=KATA)
        if not right[i] and before.dtype.is_floating_point and isinstance(case.amount, float) \
                and got.dtype == before.dtype and got.shape == tuple(before.shape):
            exact = before.detach().double()
            scale = exact.abs() + abs(case.amount)
            for coarse in ("float32", "float16", "bfloat16"):
                rounded = float(torch.tensor(case.amount, dtype=irr.dtype(coarse)))
                if rounded != case.amount and diagnose.within_rounding(
                        got.tensor, exact - rounded, scale, got.dtype_name):
                    fail(f"element {i}, a {got.dtype_name} tensor, was lowered by {rounded!r}, "
                         f"the amount {case.amount!r} rounded to {coarse}, not by "
                         f"{case.amount!r}: the amount was made a {coarse} tensor "
                         f"(`torch.tensor(amount)` has the default dtype, float32) before the "
                         f"subtraction. Subtract the number as it is given (`v -= amount`): "
                         f"PyTorch applies it at the tensor's own precision.",
                         f"第 {i} 个元素是 {got.dtype_name} 张量,它被减去的是 {rounded!r},即 amount "
                         f"{case.amount!r} 舍入到 {coarse} 的值,而不是 {case.amount!r}:amount 在相减之前"
                         f"被做成了 {coarse} 张量(`torch.tensor(amount)` 用默认 dtype,即 float32)。"
                         f"请按原样减去这个数(`v -= amount`):PyTorch 会按张量自己的精度使用它。",
                         call=call, got=got, expected=want, kata=KATA)
        expect(right[i],
               f"element {i}, a tensor, did not change in place by the amount: other references "
               f"to it must see the new values.",
               f"第 {i} 个元素(张量)没有被原地减去 amount:其他引用必须看到新值。",
               call=call, got=got, expected=want, kata=KATA)
        expect(
            same_storage[i] is True,
            "the tensors got new storage: an in-place update writes into the memory they have "
            "(`v -= amount`), where `v.data = v.data - amount` swaps it, and a tensor that "
            "shares that memory (the matrix a row belongs to) never sees the change.",
            "张量换了新的存储:原地更新写进原有的内存(`v -= amount`),而 `v.data = v.data - amount` "
            "会换掉存储,共享这块内存的张量(这一行所属的矩阵)就看不到变化。",
            call=call, kata=KATA,
        )
        if before.requires_grad:
            expect(got.requires_grad and got.is_leaf,
                   f"element {i} was a leaf that requires grad and is no longer one: the update "
                   f"was recorded in the graph. Do it under `torch.no_grad()`.",
                   f"第 {i} 个元素原本是需要梯度的叶子张量,现在不是了:更新被记录进了计算图。请在 "
                   f"`torch.no_grad()` 下更新。", call=call, kata=KATA)
    if base is not None:
        rows = [item["index"] for item in case["items"] if item["kind"] == "row"]
        want = base.clone()
        want[rows] -= case.amount
        got = seen.get("base")
        expect(isinstance(got, Seen) and got.complete and close(got, want),
               "the rows changed, but the matrix M they are views of did not: the update did "
               "not go into the memory they share with it. `v -= amount` does.",
               "这些行变了,但它们作为视图所属的矩阵 M 没有变:更新没有写进它们与 M 共享的内存。"
               "`v -= amount` 会写进去。", call=call, got=got, expected=want, kata=KATA)
