"""overfit_one_batch: the sanity check before training, which says what is broken.

The tests build pipelines (dojo/one_batch.py), healthy and broken, run the learner's check on
each, and compare its verdict with the bug they built in. Every figure of the report is checked
against the test's own measurement of the same model.
"""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo import one_batch
from dojo.testing import expect, fail, show

KATA = "overfit_one_batch"
REASONS = ("not_in_optimizer", "no_gradient", "grad_accumulates", "no_update", "diverged",
           "ok", "output_range", "stalled")
STEPS = 150  # a healthy pipeline here needs 30 to 100
BROKEN_STEPS = 40  # enough for every broken one to show its verdict
TOL = 1e-2


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models: one thread is several times faster than two fighting over a busy CPU."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def batch_loss(p):
    X, y = p.batch
    with torch.no_grad():
        return p.loss_fn(p.model(X), y).item()


def same(a, b):
    if isinstance(a, bool) or not isinstance(a, (int, float)):
        return False
    if math.isnan(b) or math.isinf(b):
        return a == b or (math.isnan(a) and math.isnan(b))
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-7)


def call_of(p, steps, tol=None):
    extra = f", tol={tol}" if tol is not None else ""
    return (f"overfit_one_batch(model, optimizer, loss_fn, batch, train_step=..., steps={steps}"
            f"{extra})  with {p.what[0]}")


def run_check(kata, p, *, steps=STEPS, tol=None, count=None):
    """The learner's verdict on pipeline `p`, after the checks every report must pass."""
    call = call_of(p, steps, tol)
    step = p.train_step or one_batch.step_usual
    calls = []

    def counted(*args):
        calls.append(1)
        return step(*args)

    options = {"steps": steps} if tol is None else {"steps": steps, "tol": tol}
    first = batch_loss(p)
    try:
        report = kata.overfit_one_batch(p.model, p.optimizer, p.loss_fn, p.batch,
                                        train_step=counted, **options)
    except RuntimeError as err:
        if p.reason != "no_gradient" or not calls:
            raise
        fail(
            f"the check let the step's RuntimeError escape ({str(err).splitlines()[0]}). A "
            f"step that raises while no parameter holds a gradient is the verdict, not a crash: "
            f"the loss has no graph back to the parameters. Catch RuntimeError around the step "
            f"and report 'no_gradient' (re-raise it only if gradients did arrive).",
            f"检查让训练步的 RuntimeError 直接抛了出来({str(err).splitlines()[0]})。训练步报错、"
            f"而没有任何参数持有梯度,这本身就是结论,而不是崩溃:损失没有通往参数的计算图。请在训练步"
            f"外面捕获 RuntimeError 并报告 'no_gradient'(只有梯度确实到达了参数时才重新抛出)。",
            call=call, kata=KATA)
    if count is not None:
        count.append(len(calls))
    expect_report(report, call)
    after = batch_loss(p)
    check_reason(p, report, call, first, after)
    check_figures(report, call, first, after, TOL if tol is None else tol)
    return report


def expect_report(report, call):
    fields = ("ok", "reason", "first_loss", "final_loss", "message")
    expect(
        all(hasattr(report, f) for f in fields),
        "overfit_one_batch must return an OverfitReport: ok, reason, first_loss, final_loss and "
        "message (the NamedTuple of the stub).",
        "overfit_one_batch 应当返回 OverfitReport:ok、reason、first_loss、final_loss 和 message"
        "(存根里的 NamedTuple)。",
        call=call, got=show(report), kata=KATA)
    expect(
        report.reason in REASONS,
        f"'{report.reason}' is none of the reasons the docstring lists: {', '.join(REASONS)}.",
        f"'{report.reason}' 不在文档字符串列出的原因之中:{', '.join(REASONS)}。",
        call=call, got=show(report.reason), kata=KATA)


def check_figures(report, call, first, after, tol):
    expect(
        report.ok is (report.reason == "ok"),
        "`ok` must be True exactly when the reason is 'ok'.",
        "`ok` 应当在且仅在 reason 为 'ok' 时为 True。",
        call=call, got=f"ok={report.ok!r}, reason={report.reason!r}", kata=KATA)
    expect(
        same(report.first_loss, first),
        "first_loss is not the batch's loss before any step: measure it yourself, before the "
        "first step, as a float (`loss_fn(model(X), y).item()` under `torch.no_grad()`).",
        "first_loss 不是任何一步之前这批数据的损失:请在第一步之前自己测量,得到一个 float"
        "(在 `torch.no_grad()` 下 `loss_fn(model(X), y).item()`)。",
        call=call, got=show(report.first_loss), expected=show(first), kata=KATA)
    expect(
        same(report.final_loss, after),
        "final_loss is not the batch's loss after the last step the check ran (the test "
        "measures the model as the check left it): measure it after each step, not before.",
        "final_loss 不是检查所运行的最后一步之后这批数据的损失(测试测量的是检查结束时的模型):"
        "请在每一步之后测量,而不是之前。",
        call=call, got=show(report.final_loss), expected=show(after), kata=KATA)
    if report.ok:
        expect(
            report.final_loss <= tol * report.first_loss,
            f"'ok' means the loss came down to at most {tol:g} times where it started; "
            f"this one did not.",
            f"'ok' 的意思是损失降到了起点的 {tol:g} 倍以内;这里没有。",
            call=call, got=f"{report.first_loss:.4g} -> {report.final_loss:.4g}", kata=KATA)
    expect(
        isinstance(report.message, str) and report.message.strip(),
        "the message is empty: say in words what the check found and what to fix.",
        "message 是空的:请用文字说明检查发现了什么、该怎么改。",
        call=call, got=show(report.message), kata=KATA)


# --- what a wrong verdict means, pipeline by pipeline -----------------------------------------


def check_reason(p, report, call, first, after):
    got, want = report.reason, p.reason
    if got == want:
        return
    en, zh = why(p, got, first, after)
    fail(f"reported '{got}' where the right verdict is '{want}': {en}",
         f"报告了 '{got}',正确的结论是 '{want}':{zh}",
         call=call, got=f"{got}: {report.message}", expected=want, kata=KATA)


def why(p, got, first, after):
    share = after / first if first else float("nan")
    if p.name == "zero_grad_last" and got == "no_gradient":
        return (
            "this step clears the gradients at its end (backward, step, zero_grad), so .grad is "
            "empty after every step, yet the parameters moved. Judge 'no gradient' by whether "
            "anything moved (or whether backward reached the parameters), not by .grad alone.",
            "这个训练步在最后才清零梯度(backward、step、zero_grad),所以每步之后 .grad 都是空的,"
            "但参数确实动了。判断 'no gradient' 要看有没有参数移动(或 backward 是否到达了参数),"
            "不能只看 .grad。")
    if p.name == "frozen_bias" and got == "not_in_optimizer":
        return (
            "the first layer's bias is frozen on purpose (requires_grad=False) and rightly left "
            "out of the optimizer: only the parameters that require grad must be in its "
            "param_groups.",
            "第一层的 bias 是有意冻结的(requires_grad=False),不交给优化器是对的:只有需要梯度的参数"
            "才必须出现在它的 param_groups 里。")
    if p.reason == "ok" and got == "grad_accumulates":
        return (
            "a false alarm: this step clears the gradients before backward, so after it .grad is "
            "this step's gradient alone. Compare it with the gradient at the parameters as they "
            "were *before* the step (computed aside, e.g. with torch.autograd.grad), not after.",
            "误报:这个训练步在 backward 之前清零了梯度,所以之后的 .grad 只是这一步自己的梯度。"
            "请把它与*这一步之前*的参数处的梯度(另外算出,例如用 torch.autograd.grad)比较,"
            "而不是之后的。")
    if p.reason == "ok":
        extra = (" One small batch can be memorised whatever its labels: random labels are no "
                 "reason to fail." if p.name == "random_labels" else "")
        extra_zh = ("一小批数据无论标签是什么都能被记住:随机标签不是失败的理由。"
                    if p.name == "random_labels" else "")
        return (
            f"this pipeline is healthy ({p.what[0]}) and memorises the batch: its loss comes "
            f"down to {TOL:g} times where it started well within the steps given (the test "
            f"replays it).{extra}",
            f"这条流水线是健康的({p.what[1]}),能记住这批数据:在给定的步数之内,损失远远降到了"
            f"起点的 {TOL:g} 倍以下(测试重放过)。{extra_zh}")
    if p.reason == "grad_accumulates":
        return (
            "the gradients pile up: this step never calls optimizer.zero_grad(), so from the "
            "second step on backward() adds the new gradient onto the old and .grad holds the "
            "sum of every gradient so far. The loss alone cannot name this; the gradients can: "
            "before a step compute its own gradient aside (torch.autograd.grad leaves .grad "
            "alone), and after it see whether .grad is that, or that plus the old .grad.",
            "梯度在累加:这个训练步从不调用 optimizer.zero_grad(),从第二步起 backward() 把新梯度加在"
            "旧梯度上,.grad 里是至今所有梯度之和。只看损失说不出原因,看梯度才行:在一步之前另外算出"
            "这一步自己的梯度(torch.autograd.grad 不碰 .grad),之后看 .grad 是它本身,还是它加上"
            "旧的 .grad。")
    if p.reason == "not_in_optimizer":
        lead = ("the optimizer holds the parameters of a model that was rebuilt after it, so "
                "no step ever changes this model"
                if p.name == "model_rebuilt" else
                "the optimizer was given only the last layer; the loss may even reach zero (the "
                "last layer alone can fit one batch), so the loss cannot tell")
        lead_zh = ("优化器持有的是一个在它之后被重建的模型的参数,所以任何一步都不会改变这个模型"
                   if p.name == "model_rebuilt" else
                   "优化器只拿到了最后一层;损失甚至可能降到零(单靠最后一层就能拟合一批数据),"
                   "所以看损失分辨不出来")
        return (
            f"{lead}. Look at the optimizer before the first step: every parameter that "
            f"requires grad must be in one of optimizer.param_groups; here some are in none "
            f"of optimizer.param_groups.",
            f"{lead_zh}。在第一步之前看看优化器:每个需要梯度的参数都必须出现在某个 "
            f"optimizer.param_groups 里;这里有参数不在任何一个 param_groups 中。")
    if p.reason == "no_gradient":
        return (
            f"no gradient reaches the parameters: {p.what[0]}. Nothing ever arrives in .grad "
            f"and nothing moves. (A learning rate of 0 is another matter: there the gradients "
            f"do arrive.)",
            f"没有梯度到达参数:{p.what[1]}。.grad 里什么也没有,参数也不动。(学习率为 0 是另一回事:"
            f"那时梯度是到达了的。)")
    if p.reason == "no_update":
        return (
            "the learning rate is 0: every parameter gets its gradient, but the step moves "
            "nothing, so the loss draws a flat line. A check that watches only the loss calls "
            "that 'stalled'; compare the parameters before and after a step (exactly: "
            "torch.equal).",
            "学习率为 0:每个参数都拿到了梯度,但这一步什么也没移动,所以损失是一条水平线。只看损失的"
            "检查会把它叫作 'stalled';请比较一步前后的参数(精确比较:torch.equal)。")
    if p.reason == "output_range" and got == "ok":
        return (
            f"the loss went down, but only to {share:.0%} of where it started: 'went down' is "
            f"not 'went to near zero'. 'ok' needs the loss at most tol times its start.",
            f"损失是下降了,但只降到起点的 {share:.0%}:'下降了' 不等于 '降到接近零'。'ok' 要求损失"
            f"不超过起点的 tol 倍。")
    if p.reason == "output_range":
        return (
            f"the model ends in a ReLU and about half the targets are negative: every "
            f"prediction is clipped at zero, so the loss stops at the negative targets' share "
            f"({share:.0%} of where it started). After the last step, look at the outputs: all "
            f">= 0 while some targets are < 0.",
            f"模型最后接了一个 ReLU,而大约一半的目标值是负数:每个预测都被截在零,损失停在负目标值"
            f"那一份上(起点的 {share:.0%})。最后一步之后看看输出:全都 >= 0,而有的目标值 < 0。")
    if p.reason == "diverged":
        return (
            f"with a learning rate of 100 the loss leaves every bound (it is {after:.4g} now). "
            f"A loss that becomes nan or inf, or ends above where it started, is 'diverged'.",
            f"学习率为 100 时损失一路飞出界(现在是 {after:.4g})。损失变成 nan 或 inf,或者最终高于"
            f"起点,就是 'diverged'。")
    return (
        f"with a learning rate of 1e-5 the parameters do move, a little, and the loss barely "
        f"changes ({first:.4g} -> {after:.4g}): neither 'ok' nor 'no_update' (something moved), "
        f"that is 'stalled'.",
        f"学习率为 1e-5 时参数确实在动,只是很少,损失几乎不变({first:.4g} -> {after:.4g}):"
        f"既不是 'ok',也不是 'no_update'(参数动了),而是 'stalled'。")


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("build", one_batch.HEALTHY, ids=[b.__name__ for b in one_batch.HEALTHY])
def test_a_healthy_pipeline_is_ok(kata, build):
    run_check(kata, build())


@pytest.mark.parametrize("build", one_batch.BROKEN, ids=[b.__name__ for b in one_batch.BROKEN])
def test_a_broken_pipeline_is_flagged_with_its_reason(kata, build):
    run_check(kata, build(), steps=BROKEN_STEPS)


def first_step_at_tol(build, tol, steps):
    """Replay the healthy pipeline with the usual step: the first step whose loss is at most
    tol times the first (None if none within `steps`)."""
    p = build()
    first = batch_loss(p)
    for i in range(1, steps + 1):
        (p.train_step or one_batch.step_usual)(p.model, p.optimizer, p.loss_fn, p.batch)
        if batch_loss(p) <= tol * first:
            return i
    return None


@pytest.mark.parametrize("tol", [None, 0.3], ids=["default tol", "tol=0.3"])
def test_it_stops_at_the_first_step_near_zero(kata, tol):
    """tol=None: the default, 1e-2."""
    want = first_step_at_tol(one_batch.healthy, TOL if tol is None else tol, STEPS)
    count = []
    p = one_batch.healthy()
    run_check(kata, p, tol=tol, count=count)
    expect(
        count[0] == want,
        f"the check should stop at the first step after which the loss is at most tol times "
        f"where it started (tol={TOL if tol is None else tol:g}): step {want} here (the test "
        f"replays the pipeline). Measure after every step and return as soon as it is there.",
        f"检查应当在损失第一次降到起点的 tol 倍以内的那一步之后停下(tol={TOL if tol is None else tol:g}):"
        f"这里是第 {want} 步(测试重放了这条流水线)。每一步之后都测量,一到就返回。",
        call=call_of(p, STEPS, tol), got=f"{count[0]} steps", expected=f"{want} steps", kata=KATA)


def test_it_runs_at_most_the_steps_it_is_given(kata):
    count = []
    p = one_batch.lr_too_small()
    run_check(kata, p, steps=37, count=count)
    expect(
        count[0] == 37,
        "a pipeline whose loss never gets near zero gets exactly `steps` steps, no more and no "
        "fewer, before the verdict.",
        "损失始终降不到接近零的流水线,在给出结论之前应当恰好运行 `steps` 步,不多也不少。",
        call=call_of(p, 37), got=f"{count[0]} steps", expected="37 steps", kata=KATA)


def test_the_default_step_and_steps_are_the_usual_ones(kata):
    p = one_batch.healthy()
    call = "overfit_one_batch(model, optimizer, loss_fn, batch)  (a healthy pipeline, defaults)"
    report = kata.overfit_one_batch(p.model, p.optimizer, p.loss_fn, p.batch)
    expect_report(report, call)
    expect(
        report.reason == "ok",
        "with train_step left to its default (None) the check must run the usual step itself: "
        "optimizer.zero_grad(), loss_fn(model(X), y).backward(), optimizer.step(). This "
        "healthy pipeline is then 'ok'.",
        "train_step 取默认值(None)时,检查要自己运行常规的训练步:optimizer.zero_grad()、"
        "loss_fn(model(X), y).backward()、optimizer.step()。这条健康的流水线于是应为 'ok'。",
        call=call, got=f"{report.reason}: {report.message}", expected="ok", kata=KATA)
    calls = []
    p = one_batch.lr_too_small()

    def counted(*args):
        calls.append(1)
        one_batch.step_usual(*args)

    kata.overfit_one_batch(p.model, p.optimizer, p.loss_fn, p.batch, train_step=counted)
    expect(
        len(calls) == 200,
        "without `steps` the check runs at most 200 steps (the default): a pipeline that never "
        "gets near zero gets all 200.",
        "不给 `steps` 时,检查最多运行 200 步(默认值):始终降不到接近零的流水线要跑满 200 步。",
        call="overfit_one_batch(model, optimizer, loss_fn, batch, train_step=...)  "
             "with plain SGD at lr 1e-5", got=f"{len(calls)} steps", expected="200 steps",
        kata=KATA)


SIZES = dict(seed=st.integers(0, 2**10), n=st.integers(2, 10), d=st.integers(3, 6))


@settings(max_examples=5)
@given(out=st.integers(1, 3), **SIZES)
def test_any_small_batch_healthy_or_broken(kata, seed, n, d, out):
    run_check(kata, one_batch.healthy(seed=seed, n=n, d=d, out=out))
    for build in (one_batch.no_zero_grad, one_batch.lr_zero, one_batch.model_rebuilt):
        run_check(kata, build(seed=seed, n=n, d=d, out=out), steps=BROKEN_STEPS)


@settings(max_examples=4)
@given(classes=st.integers(2, 5), **SIZES)
def test_any_batch_of_random_labels_can_be_memorised(kata, seed, n, d, classes):
    run_check(kata, one_batch.random_labels(seed=seed, n=n, d=d, classes=classes))
