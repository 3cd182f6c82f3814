"""koans: each claim compares a prediction with what the snippet really does.

Each test is a claim (dojo/spec.py). The observer calls the learner's koan function (twice: a
prediction is one answer, the same at every call) and returns what it gave as plain data: the
value, its type and repr, or what the call raised. The judge runs the koan's snippet itself, in
its own process (with the case's seed), finds out what really happens, and compares: the
answers are written nowhere in this file, and the grader's verdict never depends on the job.

The answer forms are the contract (the stub's module docstring, "How to answer"): True or False
is a bool; a count an int; a number an int or a float (within 1e-6); a list a list (a list of
Python ints holds ints); a pair a tuple of two (a namedtuple is one); an exception its class's
name as a string, or None; a choice one of the strings offered, exactly. A prediction of another
form fails with the form that was expected and, where the learner's own answer can be put in
that form, how it reads there ("the int 0: write False") - never with the true answer.

The irregular-inputs checklist (docs/CONTRIBUTING.md), for predictions: the irregular inputs
are the answers' forms (0 and 1 for bools, "True", None, a list of bools, a numpy bool or a
tensor; 10.0 for a count, "10", a numpy int; a tensor, a numpy float or a one-element list for
a number; a tuple for a list, floats for ints, nested tuples, nested one-element lists, a
tensor for a list; a list or a dict for a pair; the string "None"; the exception class, an
exception object, the error line, a module-qualified name, a base class, another spelling;
a paraphrase of an offered string), state (a function called twice that answers otherwise the
second time) and exceptions (a koan function that raises instead of returning: the observer
keeps what it raised as data, with the learner's line). Left out on purpose: dtypes, layouts,
autograd flags and iteration of inputs (a koan function takes no input) and the generator a
snippet draws from (the judge seeds its own; no answer depends on the values drawn).
"""

import builtins
import contextlib
import copy
import math
import random
import traceback
import warnings
from pathlib import Path

import pytest
import torch
import torch._dynamo  # noqa: F401 - what the first optimizer step imports (and the grader's
# server preloads): imported with this module, before any observation, it wraps
# torch.manual_seed now, not in the middle of a job's run (where the change is flagged)

from dojo.datasets import synthetic_data
from dojo.i18n import t
from dojo import spec
from dojo.spec import Named, Other, Seen, claim, observe
from dojo.testing import fail, show

KATA = "koans"

MAX_ANSWER = 20_000  # bytes of one answer, encoded: a prediction is a few values

REFERENCES = "koans_references"
AUTOGRAD = "koans_autograd"
LOOPS = "koans_loops"


# --- the observer: what the learner's koan function returns --------------------------------------


def learner_line(kata, err) -> str | None:
    """The line of the learner's file an exception came from ('line 12: return ...')."""
    path = getattr(kata, "path", None)
    if path is None:
        return None
    found = None
    for frame in traceback.extract_tb(err.__traceback__):
        try:
            if Path(frame.filename).resolve() == Path(path).resolve():
                found = f"line {frame.lineno}: {(frame.line or '').strip()}"[:300]
        except (OSError, ValueError):
            continue
    return found


def one_call(kata, fn) -> dict:
    """One call of a koan function: its answer (a copy taken at once, so that a list the
    function changes later is seen as it was returned), the answer's type, repr, and, for a
    class or an exception object, its name; or what the call raised."""
    try:
        value = fn()
    except NotImplementedError:
        raise  # the stub's: "not started"
    except Exception as err:  # noqa: BLE001 - a prediction that raises: kept as data
        return {"raised": type(err).__name__[:100], "text": str(err)[:300],
                "at": learner_line(kata, err)}
    try:
        kept = copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - a value that does not copy: as it is
        kept = value
    kind = type(value)
    out = {"value": kept, "type": f"{kind.__module__}.{kind.__qualname__}"[:200]}
    size = len(spec.dumps(spec.encode(kept)))
    if size > MAX_ANSWER:  # no prediction is this large: its size crosses, not the answer
        out = {"too_large": size, "type": out["type"]}
    try:
        out["repr"] = repr(value)[:300]
    except Exception:  # noqa: BLE001
        out["repr"] = None
    if isinstance(value, type):
        out["class"] = str(getattr(value, "__name__", "?"))[:100]
    if isinstance(value, BaseException):
        out["exception"] = kind.__name__[:100]
    return out


def answers(kata, name) -> dict:
    """The koan function called twice."""
    fn = getattr(kata, name)  # a missing function: the plugin (or the job) says so
    return {"first": one_call(kata, fn), "second": one_call(kata, fn)}


@observe(examples=[{"seed": 0}])
def int_minus_equals_keeps_id(kata, case):
    return answers(kata, "int_minus_equals_keeps_id")


@observe(examples=[{"seed": 1}])
def tensor_minus_equals_keeps_id(kata, case):
    return answers(kata, "tensor_minus_equals_keeps_id")


@observe(examples=[{"seed": 2}])
def int_list_after_loop(kata, case):
    return answers(kata, "int_list_after_loop")


@observe(examples=[{"seed": 3}])
def tensor_list_after_rebinding(kata, case):
    return answers(kata, "tensor_list_after_rebinding")


@observe(examples=[{"seed": 4}])
def list_after_call(kata, case):
    return answers(kata, "list_after_call")


@observe(examples=[{"seed": 5}])
def no_grad_result(kata, case):
    return answers(kata, "no_grad_result")


@observe(examples=[{"seed": 6}])
def grad_after_two_backward_calls(kata, case):
    return answers(kata, "grad_after_two_backward_calls")


@observe(examples=[{"seed": 7}])
def nonscalar_backward(kata, case):
    return answers(kata, "nonscalar_backward")


@observe(examples=[{"seed": 8}])
def w_after_detached_add(kata, case):
    return answers(kata, "w_after_detached_add")


@observe(examples=[{"seed": 9}])
def scaled_randn_grad_is_none(kata, case):
    return answers(kata, "scaled_randn_grad_is_none")


@observe(examples=[{"seed": 10}])
def losses_after_cat_loop(kata, case):
    return answers(kata, "losses_after_cat_loop")


@observe(examples=[{"seed": 11}])
def updates_in_the_experiment(kata, case):
    return answers(kata, "updates_in_the_experiment")


@observe(examples=[{"seed": 12}])
def running_loss_kind(kata, case):
    return answers(kata, "running_loss_kind")


@observe(examples=[{"seed": 13}])
def step_after_late_zero_grad_moves(kata, case):
    return answers(kata, "step_after_late_zero_grad_moves")


@observe(examples=[{"seed": 14}])
def second_backward(kata, case):
    return answers(kata, "second_backward")


# --- reading an observation (any data that decodes: never a crash) -------------------------------


def short(text, n: int = 80) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 3] + "..."


def plain(value, depth: int = 0):
    """The decoded answer, with an int too large to cross as one (Other('int', digits)) back
    as the int it was."""
    if depth > 12:
        return value
    if isinstance(value, Other) and value.type == "int" and isinstance(value.value, str):
        try:
            return int(value.value)
        except ValueError:
            return value
    if isinstance(value, Named):
        return Named([plain(v, depth + 1) for v in value], value.type, value.fields)
    if isinstance(value, tuple):
        return tuple(plain(v, depth + 1) for v in value)
    if isinstance(value, list):
        return [plain(v, depth + 1) for v in value]
    return value


class Koan:
    """One koan's judging: its name, its catalog step, and the learner's answer as observed."""

    def __init__(self, name: str, step: str, seen):
        self.name, self.step, self.call = name, step, f"{name}()"
        self.seen = seen if isinstance(seen, dict) else {}
        first = self.seen.get("first")
        if not isinstance(first, dict) or not any(k in first for k in ANSWERED):
            fail("the observation of this call came back malformed: no answer in it.",
                 "这次调用的观测数据格式不对:里面没有答案。", call=self.call, kata=step)
        self.note = first
        self.raised(first)
        self.too_large(first)
        self.value = plain(first.get("value"))

    def raised(self, note) -> None:
        """A koan function that raised instead of answering."""
        if "raised" not in note:
            return
        kind = short(note.get("raised"), 60)
        text = short(note.get("text") or "", 200)
        at = note.get("at")
        where = f" (at {short(at, 200)})" if isinstance(at, str) else ""
        zh_where = f"(位置:{short(at, 200)})" if isinstance(at, str) else ""
        exc_koan = self.name in EXCEPTION_KOANS
        en = (f"`{self.call}` raised {kind}{where} instead of returning a prediction"
              f"{': ' + text if text else ''}. A koan function returns its answer (computing it "
              f"is allowed, but the call must not raise).")
        zh = (f"`{self.call}` 抛出了 {kind}{zh_where},而没有返回预测"
              f"{':' + text if text else ''}。koan 函数要返回答案(可以计算出来,但调用本身不能抛出异常)。")
        if exc_koan:
            en += (f" This koan asks you to *name* the exception the snippet raises: return its "
                   f"name as a string ({kind!r}), or None for no error.")
            zh += f"这道题要你*说出*代码片段抛出的异常:以字符串返回它的名字({kind!r}),不报错则返回 None。"
        fail(en, zh, call=self.call, got=t(f"raised {kind}", f"抛出了 {kind}"),
             expected=t(FORMS[self.name][0], FORMS[self.name][1]), kata=self.step)

    def too_large(self, note) -> None:
        """An answer far larger than any prediction (its size crossed, not its value)."""
        if "too_large" not in note:
            return
        size = note.get("too_large")
        size = size if type(size) is int else "?"
        kind = short(note.get("type"), 60)
        fail(f"the prediction has the wrong form: `{self.call}` returned a {kind} of {size} bytes "
             f"(encoded), far more than any prediction; it asks for {FORMS[self.name][0]}.",
             f"预测的形式不对:`{self.call}` 返回了一个编码后 {size} 字节的 {kind},远超任何预测的大小;"
             f"这道题要的是{FORMS[self.name][1]}。", call=self.call,
             got=t(f"a {kind} of {size} bytes", f"{size} 字节的 {kind}"),
             expected=t(*FORMS[self.name]), kata=self.step)

    def first_answer(self) -> str:
        text = self.text()
        return t(f"{text} (what the first call gave)", f"{text}(第一次调用给出的)")

    # --- how an answer is shown -----------------------------------------------------------------

    def text(self, value=None, note=None) -> str:
        """The answer as the learner wrote it (the observer's repr for a value that does not
        cross as itself: a class, a numpy value, an exception object)."""
        value = self.value if value is None and note is None else value
        note = self.note if note is None else note
        if isinstance(value, Other):
            r = note.get("repr") if isinstance(note, dict) else None
            return short(r, 200) if isinstance(r, str) else short(repr(value), 200)
        try:
            return short(show(value), 200)
        except Exception:  # noqa: BLE001 - an odd value: its repr
            try:
                return short(repr(value), 200)
            except Exception:  # noqa: BLE001
                return "?"

    def kind(self, value, note=None) -> tuple[str, str]:
        """What an answer is, in words: 'the int 0', "the string 'True'", 'a tensor' ..."""
        note = note if isinstance(note, dict) else {}
        if value is None:
            return "None", "None"
        if isinstance(value, bool):
            return f"the bool {value}", f"布尔值 {value}"
        if isinstance(value, int):
            return f"the int {short(value, 40)}", f"整数 {short(value, 40)}"
        if isinstance(value, float):
            return f"the float {show(value)}", f"浮点数 {show(value)}"
        if isinstance(value, str):
            return f"the string {short(repr(value), 80)}", f"字符串 {short(repr(value), 80)}"
        if isinstance(value, Named):
            kind = short(value.type.rsplit(".", 1)[-1], 40)
            return f"a namedtuple ({kind})", f"命名元组({kind})"
        if isinstance(value, tuple):
            return "a tuple", "元组"
        if isinstance(value, list):
            return "a list", "列表"
        if isinstance(value, dict):
            return "a dict", "字典"
        if isinstance(value, Seen):
            return (f"a tensor ({value.dtype_name}, shape {tuple(value.shape)})",
                    f"张量({value.dtype_name},形状 {tuple(value.shape)})")
        if isinstance(value, Other):
            cls, exc = note.get("class"), note.get("exception")
            if isinstance(cls, str):
                return f"the class {short(cls, 40)} itself", f"类 {short(cls, 40)} 本身"
            if isinstance(exc, str):
                return (f"an exception object ({short(exc, 40)})",
                        f"一个异常对象({short(exc, 40)})")
            kind = short(note.get("type") if isinstance(note.get("type"), str) else value.type, 60)
            return f"a value of type {kind}", f"{kind} 类型的值"
        return "an answer of another kind", "另一种类型的答案"

    # --- failures ---------------------------------------------------------------------------------

    def wrong_form(self, subject, hint=("", ""), *, value=None, note=None, form=None):
        """The answer (or one item of it) is not of the form the koan asks for: say which form
        was expected, what came instead, and, where it can be, the learner's own answer in that
        form."""
        value = self.value if value is None and note is None else value
        en_kind, zh_kind = self.kind(value, self.note if note is None else note)
        en_form, zh_form = form or FORMS[self.name]
        en_subject, zh_subject = subject
        fail(f"the prediction has the wrong form: {en_subject} asks for {en_form}; got "
             f"{en_kind}.{hint[0]}",
             "预测的形式不对:" + spaced(zh_subject, "要的是", zh_form) + ";"
             + spaced("得到的却是", zh_kind) + "。" + hint[1],
             call=self.call, got=self.text(), expected=t(en_form, zh_form), kata=self.step)

    def not_what_happens(self, got, actual, en, zh, *, lead=("", "")):
        fail(f"your prediction is not what happens. {lead[0]}{en}",
             f"你的预测与实际不符。{lead[1]}{zh}",
             call=self.call, got=self.text(got, {}), expected=self.text(actual, {}),
             kata=self.step)

    def same_every_time(self) -> None:
        """A second call gives the same answer as the first."""
        second = self.seen.get("second")
        if not isinstance(second, dict) or not any(k in second for k in ANSWERED):
            fail("the observation of this call came back malformed: no second answer in it.",
                 "这次调用的观测数据格式不对:里面没有第二次的答案。", call=self.call, kata=self.step)
        if "raised" in second:
            kind = short(second.get("raised"), 60)
            at = second.get("at")
            where = f" (at {short(at, 200)})" if isinstance(at, str) else ""
            fail(f"the first call of `{self.call}` answered, and the second raised {kind}{where}: "
                 f"a prediction is one answer, the same at every call.",
                 f"`{self.call}` 第一次调用返回了答案,第二次却抛出了 {kind}{where}:预测是一个答案,"
                 f"每次调用都应相同。",
                 call=self.call, got=t(f"raised {kind}", f"抛出了 {kind}"),
                 expected=self.first_answer(), kata=self.step)
        again = plain(second.get("value"))
        if "too_large" in second or not equal(self.value, again):
            fail(f"`{self.call}` gave one answer at its first call and another at its second: a "
                 f"prediction is one answer, the same at every call, so what the function "
                 f"returns must not depend on anything that changes from one call to the next.",
                 f"`{self.call}` 第一次调用和第二次调用给出的答案不同:预测是一个答案,每次调用都应相同,"
                 f"所以函数的返回值不能依赖于每次调用之间会变化的东西。",
                 call=self.call, expected=self.first_answer(), kata=self.step,
                 got=(t("an answer too large to show", "大到无法显示的答案") if "too_large" in second
                      else self.text(again, second)))


def spaced(*parts: str) -> str:
    """Chinese text joined as the house style writes it: a space between a Chinese character
    and a Latin word or code beside it."""
    out = ""
    for part in parts:
        if out and part and (is_cjk(out[-1]) != is_cjk(part[0])) and not (
                out[-1] in "(:,;。" or part[0] in "(:,;。)"):
            out += " "
        out += part
    return out


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


ANSWERED = ("value", "raised", "too_large")  # what an observation of one call holds


def equal(a, b, depth: int = 0) -> bool:
    """Two decoded answers the same: the same types all the way down (1 is not True, a tuple is
    not a list), the same values (nan where nan)."""
    if depth > 12 or type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, Named) and (a.type != b.type or a.fields != b.fields):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(equal(x, y, depth + 1) for x, y in zip(a, b))
    if isinstance(a, dict):
        return (len(a) == len(b) and all(k in b for k in a)
                and all(equal(a[k], b[k], depth + 1) for k in a))
    if isinstance(a, Seen):
        return (a.dtype_name, a.shape, a.values, a.requires_grad, a.grad_fn) == (
            b.dtype_name, b.shape, b.values, b.requires_grad, b.grad_fn)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001
        return False


def close(a, b) -> bool:
    """Two numbers equal within 1e-6 (the stub's tolerance); never raises."""
    try:
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    except (OverflowError, TypeError, ValueError):
        return False


def is_number(v) -> bool:
    return type(v) in (int, float)


# --- the forms answers take (the stub's "How to answer") ----------------------------------------

BOOL = ("True or False (a bool)", "True 或 False(布尔值)")
NAME_OR_NONE = ("None, or a class name as a string such as 'MulBackward0'",
                "None,或字符串形式的类名(如 'MulBackward0')")
COUNT = ("an int (a count)", "一个整数 int(计数)")
NUMBER = ("a number: an int or a float", "一个数:int 或 float")
EXCEPTION_NAME = ("the name of an exception class as a string, such as 'ValueError', or None for "
                  "no error", "一个异常类的名字(字符串,如 'ValueError'),不报错则为 None")
FORMS = {
    "int_minus_equals_keeps_id": BOOL,
    "tensor_minus_equals_keeps_id": BOOL,
    "int_list_after_loop": ("a list of ints, such as [10, 20]", "一个整数列表,例如 [10, 20]"),
    "tensor_list_after_rebinding": ("a list of numbers, such as [10.0, 20.0]",
                                    "一个数字列表,例如 [10.0, 20.0]"),
    "list_after_call": ("a list as print shows it, such as [1, 2, [3, 4]]: ints, the inner list a "
                        "list", "print 显示的那种列表,例如 [1, 2, [3, 4]]:元素是整数,内层也是列表"),
    "no_grad_result": ("a tuple (requires_grad, grad_fn): a bool, and None or a class name "
                       "such as 'MulBackward0'", "一个元组 (requires_grad, grad_fn):一个布尔值,"
                       "以及 None 或类名(如 'MulBackward0')"),
    "grad_after_two_backward_calls": NUMBER,
    "nonscalar_backward": EXCEPTION_NAME,
    "w_after_detached_add": ("a list of numbers, such as [5.0, 5.0, 5.0]",
                             "一个数字列表,例如 [5.0, 5.0, 5.0]"),
    "scaled_randn_grad_is_none": BOOL,
    "losses_after_cat_loop": COUNT,
    "updates_in_the_experiment": ("a tuple of two ints (updates_per_epoch_in_A, "
                                  "updates_per_epoch_in_B)", "两个整数组成的元组 "
                                  "(updates_per_epoch_in_A, updates_per_epoch_in_B)"),
    "running_loss_kind": ("exactly one of 'float', 'tensor', 'tensor with a graph'",
                          "'float'、'tensor'、'tensor with a graph' 三者之一,一字不差"),
    "step_after_late_zero_grad_moves": BOOL,
    "second_backward": EXCEPTION_NAME,
}
EXCEPTION_KOANS = ("nonscalar_backward", "second_backward")
CHOICES = ("float", "tensor", "tensor with a graph")


def whole(k: Koan):
    """The subject of a form message about the whole answer."""
    return (f"`{k.call}`", f"`{k.call}`")


def as_bool(k: Koan, value, subject, note=None, form=BOOL) -> bool:
    """A Python bool, or a failure that says so."""
    if type(value) is bool:
        return value
    hint = ("", "")
    if type(value) is int and value in (0, 1):
        b = bool(value)
        hint = (f" `{value} == {b}` in Python, but the koan asks for the bool: write {b}.",
                f"在 Python 中 `{value} == {b}`,但这道题要的是布尔值:请写 {b}。")
    elif isinstance(value, str) and value.strip().lower() in ("true", "false"):
        b = value.strip().lower() == "true"
        hint = (f" That is the word print shows; write the bool itself, without quotes: {b}.",
                f"这是 print 显示的文字;请写布尔值本身,不加引号:{b}。")
    elif value is None:
        hint = (" None is not False (it only counts as false in an `if`): write True or False.",
                "None 不是 False(只是在 `if` 里被当作假):请写 True 或 False。")
    elif isinstance(value, (list, tuple)) and value and all(type(v) is bool for v in value):
        if len(set(value)) == 1:
            hint = (f" The snippet prints the same for each element: the koan asks for that one "
                    f"bool, {value[0]}, not one per element.",
                    f"代码片段对每个元素打印的都一样:这道题要的就是那一个布尔值 {value[0]},"
                    f"而不是每个元素一个。")
        else:
            hint = (" The koan asks for one bool, not one per element.",
                    "这道题要的是一个布尔值,而不是每个元素一个。")
    elif isinstance(value, Seen) and value.numel == 1 and value.complete:
        b = bool(value.values[0])
        hint = (f" Write the Python bool, {b} (`.item()` gives it).",
                f"请写 Python 的布尔值 {b}(`.item()` 可以取出)。")
    elif isinstance(value, Other):
        hint = (" Write a Python bool (`bool(...)` gives one).",
                "请写 Python 的布尔值(`bool(...)` 可以得到)。")
    k.wrong_form(subject, hint, value=value, note=note, form=form)


def as_count(k: Koan, value, subject, note=None, form=COUNT) -> int:
    """A Python int, or a failure that says so."""
    if type(value) is int:
        return value
    hint = ("", "")
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        n = int(value)
        hint = (f" A count is an int: write {n}, not {value!r} (`/` always gives a float; `//` "
                f"gives an int).",
                f"计数是整数:请写 {n},而不是 {value!r}(`/` 总是得到浮点数;`//` 得到整数)。")
    elif isinstance(value, bool):
        hint = (" A bool is not a count: write the number.", "布尔值不是计数:请写出那个数。")
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        hint = (f" Write the number itself, without quotes: {int(value.strip())}.",
                f"请写数字本身,不加引号:{int(value.strip())}。")
    elif isinstance(value, (Seen, Other)):
        hint = (" Write a Python int (`int(...)` or `.item()` gives one).",
                "请写 Python 的整数(`int(...)` 或 `.item()` 可以得到)。")
    k.wrong_form(subject, hint, value=value, note=note, form=form)


def as_number(k: Koan, value, subject, note=None, form=NUMBER):
    """A Python int or float, or a failure that says so."""
    if is_number(value):
        return value
    hint = ("", "")
    if isinstance(value, bool):
        hint = (" True and False are not numbers here: write the number.",
                "这里 True 和 False 不算数:请写出那个数。")
    elif isinstance(value, Seen) and value.numel == 1 and value.complete:
        n = value.values[0]
        hint = (f" That is what print shows; write the number it holds, {show(n)} "
                f"(`.item()` gives it).",
                f"这是 print 显示的样子;请写它里面的数 {show(n)}(`.item()` 可以取出)。")
    elif isinstance(value, Other) and is_number(value.value):
        hint = (f" Write a plain Python number, {show(value.value)} (`float(...)` gives one).",
                f"请写普通的 Python 数 {show(value.value)}(`float(...)` 可以得到)。")
    elif isinstance(value, str):
        try:
            n = float(value)
            hint = (f" Write the number itself, without quotes: {show(n)}.",
                    f"请写数字本身,不加引号:{show(n)}。")
        except ValueError:
            pass
    elif isinstance(value, (list, tuple)) and len(value) == 1 and is_number(value[0]):
        hint = (f" Write the number itself, not a list of it: {show(value[0])}.",
                f"请写数字本身,而不是装着它的列表:{show(value[0])}。")
    k.wrong_form(subject, hint, value=value, note=note, form=form)


def ints_form(value, depth: int = 0):
    """(the answer in the form of a printed list of ints, whether it already was; what was
    changed): tuples become lists, floats that are whole become ints. None where it cannot be
    put in that form."""
    if depth > 8:
        return None, False, set()
    if type(value) is int:
        return value, True, set()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value), False, {"float"}
    if isinstance(value, (list, tuple)):
        items = [ints_form(v, depth + 1) for v in value]
        if any(v is None for v, _, _ in items):
            return None, False, set()
        changed = set().union(*(c for _, _, c in items)) if items else set()
        exact = type(value) is list and all(e for _, e, _ in items)
        if type(value) is not list:
            changed.add("tuple")
        return [v for v, _, _ in items], exact, changed
    return None, False, set()


def as_int_list(k: Koan, value):
    """A list of Python ints (inner lists as lists), as print shows it; or a failure."""
    if not isinstance(value, (list, tuple)):
        hint = ("", "")
        if isinstance(value, str):
            hint = (" That is the text print shows; write the list itself, without quotes.",
                    "这是 print 显示的文字;请写列表本身,不加引号。")
        k.wrong_form(whole(k), hint)
    converted, exact, changed = ints_form(value)
    if exact:
        return value
    hint = ("", "")
    if converted is not None:
        whys_en, whys_zh = [], []
        if "tuple" in changed:
            whys_en.append("a tuple where the snippet has a list (print shows [...], not (...))")
            whys_zh.append("代码片段里是列表的地方写成了元组(print 显示的是 [...],不是 (...))")
        if "float" in changed:
            whys_en.append("floats where the list holds ints (print shows 1, not 1.0)")
            whys_zh.append("列表里是整数的地方写成了浮点数(print 显示的是 1,不是 1.0)")
        hint = (f" It has {' and '.join(whys_en)}: your answer, in that form, is "
                f"{show(converted)}.",
                f"其中{',并且'.join(whys_zh)}:你的答案写成这种形式就是 {show(converted)}。")
    k.wrong_form(whole(k), hint)


def as_number_list(k: Koan, value):
    """A list of Python numbers; or a failure."""
    if type(value) is list and all(is_number(v) for v in value):
        return value
    hint = ("", "")
    if isinstance(value, tuple) and all(is_number(v) for v in value):
        hint = (f" The koan asks for a list: write {show(list(value))}.",
                f"这道题要的是列表:请写 {show(list(value))}。")
    elif isinstance(value, Seen) and value.complete and len(value.shape) == 1:
        numbers = [float(v) for v in value.values]
        hint = (f" That is the tensor print shows; write the list of its numbers "
                f"(`.tolist()` gives it): {show(numbers)}.",
                f"这是 print 显示的张量;请写它的数字组成的列表(`.tolist()` 可以得到):"
                f"{show(numbers)}。")
    elif isinstance(value, (list, tuple)) and value and all(
            isinstance(v, (list, tuple)) and len(v) == 1 and is_number(v[0]) for v in value):
        numbers = [v[0] for v in value]
        hint = (f" Each number sits in a list of its own: `t.item()` of a one-element tensor is a "
                f"number, not a list. Your answer, as a list of numbers: {show(numbers)}.",
                f"每个数都单独装在一个列表里:一元素张量的 `t.item()` 是一个数,不是列表。你的答案写成"
                f"数字列表就是 {show(numbers)}。")
    elif isinstance(value, (list, tuple)) and value and all(
            isinstance(v, Seen) and v.numel == 1 and v.complete for v in value):
        numbers = [float(v.values[0]) for v in value]
        hint = (f" It holds tensors: write their numbers (`t.item()`): {show(numbers)}.",
                f"里面是张量:请写它们的数(`t.item()`):{show(numbers)}。")
    elif isinstance(value, list) and any(isinstance(v, bool) for v in value):
        hint = (" True and False are not numbers here.", "这里 True 和 False 不算数。")
    k.wrong_form(whole(k), hint)


def as_pair(k: Koan, value, names) -> tuple:
    """A tuple of two (a namedtuple too); or a failure."""
    if isinstance(value, tuple) and len(value) == 2:
        return value
    hint = ("", "")
    if isinstance(value, list) and len(value) == 2:
        a, b = (k.text(v, {}) for v in value)
        hint = (f" This is a list; the koan asks for a tuple: write ({a}, {b}).",
                f"这是列表;这道题要的是元组:请写 ({a}, {b})。")
    elif isinstance(value, dict):
        hint = (f" Write a tuple of the two values, in this order: ({names[0]}, {names[1]}).",
                f"请把两个值按这个顺序写成元组:({names[0]}, {names[1]})。")
    elif isinstance(value, (list, tuple)):
        hint = (f" A pair has exactly two items; this has {len(value)}.",
                f"一对恰好有两项;这里有 {len(value)} 项。")
    k.wrong_form(whole(k), hint)


def as_name_or_none(k: Koan, value, subject, form):
    """None, or a class name as a string; or a failure."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip() in ("None", "none", ""):
        hint = (" When there is none, write None itself, without quotes.",
                "没有的时候,请写 None 本身,不加引号。")
        k.wrong_form(subject, hint, value=value, note={}, form=form)
    if isinstance(value, str):
        return value
    k.wrong_form(subject, value=value, note={}, form=form)


def as_exception_name(k: Koan, value):
    """None, or the name of an exception class as a string, exactly as Python spells it; or a
    failure that says what the answer is instead (the class, an exception object, the error
    line, a qualified name, another spelling)."""
    if value is None:
        return None
    hint = ("", "")
    if isinstance(value, str):
        text = value.strip()
        head = text.split(":", 1)[0].strip()
        last = head.rsplit(".", 1)[-1]
        proper = [n for n in dir(builtins) if n.lower() == text.lower()
                  and isinstance(getattr(builtins, n), type)
                  and issubclass(getattr(builtins, n), BaseException)]
        if text in ("None", "none"):
            hint = (" For no error write None itself, without quotes.",
                    "不报错时请写 None 本身,不加引号。")
        elif ":" in text and head.isidentifier():
            hint = (f" That is the whole error line; write only the class's name: {head!r}.",
                    f"这是整行错误信息;请只写类名:{head!r}。")
        elif "." in head and last.isidentifier() and text == head:
            hint = (f" Write only the class's name, without its module: {last!r}.",
                    f"请只写类名,不带模块名:{last!r}。")
        elif proper and proper[0] != text:
            hint = (f" Python spells it {proper[0]!r}: names are case-sensitive.",
                    f"Python 里写作 {proper[0]!r}:名字区分大小写。")
        elif text.isidentifier() and text == value:
            return value
        elif text.isidentifier():
            hint = (f" Write the name alone, without spaces around it: {text!r}.",
                    f"请只写名字,前后不加空格:{text!r}。")
    elif isinstance(value, Other) and isinstance(k.note.get("class"), str):
        name = short(k.note["class"], 60)
        hint = (f" Write its name as a string: {name!r}.", f"请以字符串写出它的名字:{name!r}。")
    elif isinstance(value, Other) and isinstance(k.note.get("exception"), str):
        name = short(k.note["exception"], 60)
        hint = (f" Write the name of its class as a string: {name!r}.",
                f"请以字符串写出它的类名:{name!r}。")
    elif value is False:
        hint = (" For no error write None (False is not None).",
                "不报错时请写 None(False 不是 None)。")
    k.wrong_form(whole(k), hint)


def as_choice(k: Koan, value):
    if isinstance(value, str) and value in CHOICES:
        return value
    listed = ", ".join(repr(c) for c in CHOICES)
    hint = (f" Write exactly one of {listed}, as offered.", f"请一字不差地写 {listed} 之一。")
    if isinstance(value, str):
        near = [c for c in CHOICES if " ".join(value.lower().split()) == c]
        if near:
            hint = (f" Write it exactly as offered: {near[0]!r}.",
                    f"请按给出的写法一字不差地写:{near[0]!r}。")
        else:
            hint = (f" {short(repr(value), 60)} is not one of the answers offered; write exactly one "
                    f"of {listed}.",
                    f"{short(repr(value), 60)} 不是给出的答案之一;请一字不差地写 {listed} 之一。")
    k.wrong_form(whole(k), hint)


# --- the snippets, run here (the judge's own process) --------------------------------------------


@contextlib.contextmanager
def seeded(seed: int):
    """torch's global generator seeded from the case (and put back afterwards), grad mode on,
    warnings of reading a non-leaf's .grad kept quiet."""
    with torch.random.fork_rng(devices=[]), torch.enable_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(int(seed) % 2**63)
        yield


def raised(snippet):
    """(the name of the exception the snippet raises, its first line), or (None, None)."""
    try:
        snippet()
    except Exception as err:  # noqa: BLE001 - finding out what it raises is the point
        return type(err).__name__, str(err).splitlines()[0][:200] if str(err) else ""
    return None, None


TRUTHS: dict = {}


def truth(name: str, case) -> dict:
    """What the koan's snippet really does, run here with the case's seed (kept per seed)."""
    seed = case.get("seed", 0) if isinstance(case, dict) else 0
    seed = seed if type(seed) is int else 0
    key = (name, seed)
    if key not in TRUTHS:
        with seeded(seed):
            TRUTHS[key] = SNIPPETS[name](seed)
    return TRUTHS[key]


def run_ids(make):
    params = make()
    same = []
    for p in params:
        before = id(p)
        p -= 4  # noqa: PLW2901 - the koan
        same.append(id(p) == before)
    return {"answer": same[0] if len(set(same)) == 1 else None, "each": same, "after": params}


def run_int_list(seed):
    params = [1, 2]
    for p in params:
        p -= 4  # noqa: PLW2901 - the koan
    return {"answer": params}


def run_tensor_list(seed):
    params = [torch.tensor([1.0]), torch.tensor([2.0])]
    for p in params:
        p = p - 4  # noqa: PLW2901 - the rebinding is the koan
    return {"answer": [t.item() for t in params], "rebound": [1.0 - 4, 2.0 - 4]}


def run_list_after_call(seed):
    def f(a):
        a[0] -= 1
        a[2][0] -= 1

    a = [1, 2, [3, 4]]
    first, inner = id(a[0]), id(a[2])
    f(a)
    return {"answer": a, "new_int": id(a[0]) != first, "same_inner": id(a[2]) == inner}


def run_no_grad(seed):
    x = torch.randn(10, 5, requires_grad=True)
    y = torch.randn(10, 5, requires_grad=True)
    z = torch.randn(10, 5, requires_grad=True)
    with torch.no_grad():
        w = x + y + z
    outside = x + y + z
    return {"answer": (w.requires_grad, None if w.grad_fn is None else type(w.grad_fn).__name__),
            "outside": type(outside.grad_fn).__name__}


def run_two_backward(seed):
    x = torch.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    once = x.grad.item()
    y = x * x
    y.backward()
    return {"answer": x.grad.item(), "once": once}


def run_nonscalar(seed):
    def snippet():
        x = torch.ones(2, 3, requires_grad=True)
        y = x + 2
        y.backward()

    name, line = raised(snippet)
    return {"answer": name, "line": line}


def run_detached(seed):
    w = torch.ones(3, requires_grad=True)
    d = w.detach()
    d += 1
    return {"answer": w.tolist(), "before": [1.0, 1.0, 1.0]}


def run_scaled_randn(seed):
    w = torch.randn(3, requires_grad=True) * 0.01
    w.sum().backward()
    return {"answer": w.grad is None, "is_leaf": w.is_leaf}


def data_iter(batch_size, features, labels, rng):
    """d2l's data_iter: shuffled batches, the last one shorter when the size does not divide."""
    indices = list(range(len(features)))
    rng.shuffle(indices)
    for i in range(0, len(indices), batch_size):
        batch = torch.tensor(indices[i: i + batch_size])
        yield features[batch], labels[batch]


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def fresh_params():
    return torch.zeros(2, 1, requires_grad=True), torch.zeros(1, requires_grad=True)


class CountingSgd:
    """d2l's sgd, counting its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, params, lr, batch_size):
        self.calls += 1
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()


def run_cat_loop(seed):
    features, labels = synthetic_data(1000, seed=seed % 2**31)
    w, b = fresh_params()
    batch_size, rng = 10, random.Random(seed)
    l = None  # noqa: E741 - the articles' name
    for X, y in data_iter(batch_size, features, labels, rng):
        if l is None:
            l = squared_loss(linreg(X, w, b), y)  # noqa: E741
        else:
            torch.cat((l, squared_loss(linreg(X, w, b), y)), dim=0)
    return {"answer": l.numel(), "if_kept": len(features)}


def run_updates(seed):
    features, labels = synthetic_data(1000, seed=seed % 2**31)
    batch_size, lr, rng = 10, 0.03, random.Random(seed)

    # A, as written: 3 epochs of d2l's loop, one step per batch; the steps of each epoch counted
    w, b = fresh_params()
    sgd_a, per_epoch_a = CountingSgd(), []
    for _epoch in range(3):
        before = sgd_a.calls
        for X, y in data_iter(batch_size, features, labels, rng):
            squared_loss(linreg(X, w, b), y).sum().backward()
            sgd_a([w, b], lr, batch_size)
        per_epoch_a.append(sgd_a.calls - before)

    # B, as written, run for 3 of its 300 epochs (each epoch runs the same code, so it makes the
    # same number of steps): one step after gathering an epoch's losses
    w, b = fresh_params()
    sgd_b, per_epoch_b = CountingSgd(), []
    for _epoch in range(3):
        before = sgd_b.calls
        count, l = 1, None  # noqa: E741
        for X, y in data_iter(batch_size, features, labels, rng):
            count += 1
            if l is None:
                l = squared_loss(linreg(X, w, b), y)  # noqa: E741
            else:
                torch.cat((l, squared_loss(linreg(X, w, b), y)), dim=0)
        l.sum().backward()
        sgd_b([w, b], lr, batch_size * count)
        per_epoch_b.append(sgd_b.calls - before)
    a, b_ = per_epoch_a[0], per_epoch_b[0]
    steady = per_epoch_a == [a] * 3 and per_epoch_b == [b_] * 3
    return {"answer": (a, b_) if steady else None, "totals": (3 * a, 300 * b_),
            "batches": len(range(0, len(features), batch_size)), "count": count}


def run_running_loss(seed):
    gen = torch.Generator().manual_seed(seed % 2**63)
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.MSELoss()
    batches = [(torch.randn(4, 2, generator=gen), torch.randn(4, 1, generator=gen))
               for _ in range(3)]
    running = 0.0
    for X, y in batches:
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss
    if not isinstance(running, torch.Tensor):
        return {"answer": "float", "grad_fn": None}
    grad_fn = None if running.grad_fn is None else type(running.grad_fn).__name__
    return {"answer": "tensor" if grad_fn is None else "tensor with a graph", "grad_fn": grad_fn}


def run_late_zero_grad(seed):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    before = w.detach().clone()
    optimizer = torch.optim.SGD([w], lr=0.1)
    loss = (w**2).sum()
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return {"answer": not torch.equal(w.detach(), before), "grad": w.grad}


def run_second_backward(seed):
    def snippet():
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        loss = (w * w).sum()
        loss.backward()
        loss.backward()

    name, line = raised(snippet)
    return {"answer": name, "line": line}


SNIPPETS = {
    "int_minus_equals_keeps_id": lambda seed: run_ids(lambda: [1, 2]),
    "tensor_minus_equals_keeps_id": lambda seed: run_ids(
        lambda: [torch.tensor([1.0]), torch.tensor([2.0])]),
    "int_list_after_loop": run_int_list,
    "tensor_list_after_rebinding": run_tensor_list,
    "list_after_call": run_list_after_call,
    "no_grad_result": run_no_grad,
    "grad_after_two_backward_calls": run_two_backward,
    "nonscalar_backward": run_nonscalar,
    "w_after_detached_add": run_detached,
    "scaled_randn_grad_is_none": run_scaled_randn,
    "losses_after_cat_loop": run_cat_loop,
    "updates_in_the_experiment": run_updates,
    "running_loss_kind": run_running_loss,
    "step_after_late_zero_grad_moves": run_late_zero_grad,
    "second_backward": run_second_backward,
}


def known(k: Koan, found: dict):
    """The snippet's answer (a snippet that gave none it could be judged by: said, not guessed)."""
    if found.get("answer") is None and k.name not in EXCEPTION_KOANS:
        fail("the snippet of this koan did not give one answer when the test ran it here (its "
             "elements or epochs disagreed): the koan cannot be judged on this PyTorch.",
             "测试在这里运行这道题的代码片段时,没有得到唯一的答案(各元素或各轮结果不一致):"
             "在这个版本的 PyTorch 上无法判定这道题。", call=k.call, kata=k.step)
    return found["answer"]


# --- koans_references ----------------------------------------------------------------------------


@pytest.mark.step(REFERENCES)
@claim(int_minus_equals_keeps_id)
def test_int_minus_equals_keeps_id(case, seen):
    k = Koan("int_minus_equals_keeps_id", REFERENCES, seen)
    prediction = as_bool(k, k.value, whole(k))
    actual = known(k, truth(k.name, case))
    if prediction != actual:
        k.not_what_happens(
            prediction, actual,
            "An int is immutable: `p -= 4` cannot change the int, so Python computes a new int "
            "and binds the name `p` to it. `id(p)` changes, for each element; the list still "
            "holds its old ints.",
            "int 是不可变对象:`p -= 4` 无法修改这个 int,Python 会算出一个新的 int 并把名字 `p` "
            "绑定过去。每个元素的 `id(p)` 都变了;列表里仍是原来的 int。")
    k.same_every_time()


@pytest.mark.step(REFERENCES)
@claim(tensor_minus_equals_keeps_id)
def test_tensor_minus_equals_keeps_id(case, seen):
    k = Koan("tensor_minus_equals_keeps_id", REFERENCES, seen)
    prediction = as_bool(k, k.value, whole(k))
    actual = known(k, truth(k.name, case))
    if prediction != actual:
        k.not_what_happens(
            prediction, actual,
            "A tensor is mutable: on a tensor `p -= 4` calls `p.sub_(4)`, which writes into the "
            "same tensor. `id(p)` stays the same, and the list, which holds that very tensor, "
            "sees the new values. This is why d2l's `param -= lr * param.grad` reaches the "
            "caller.",
            "张量是可变对象:对张量 `p -= 4` 会调用 `p.sub_(4)`,写入同一个张量。`id(p)` 不变,"
            "而列表里存的正是这个张量,所以能看到新值。这就是 d2l 的 `param -= lr * param.grad` "
            "能影响调用方的原因。")
    k.same_every_time()


@pytest.mark.step(REFERENCES)
@claim(int_list_after_loop)
def test_int_list_after_loop(case, seen):
    k = Koan("int_list_after_loop", REFERENCES, seen)
    prediction = as_int_list(k, k.value)
    actual = known(k, truth(k.name, case))
    if not equal(prediction, actual):
        lead = ("", "")
        if equal(prediction, [v - 4 for v in [1, 2]]):
            lead = ("Your list is what the loop would give if `p -= 4` wrote into the list. ",
                    "你的列表是假如 `p -= 4` 写回了列表才会得到的结果。")
        k.not_what_happens(
            prediction, actual,
            "The list did not change. The loop variable `p` is one more name for each element; "
            "`p -= 4` makes a new int and binds `p` to it, and the list keeps its own elements. "
            "Only an assignment into the list (`params[i] = ...`) would change it.",
            "列表没有变。循环变量 `p` 只是每个元素的另一个名字;`p -= 4` 生成新的 int 并绑定到 `p`,"
            "列表里的元素不变。只有写回列表(`params[i] = ...`)才会改变它。", lead=lead)
    k.same_every_time()


@pytest.mark.step(REFERENCES)
@claim(tensor_list_after_rebinding)
def test_tensor_list_after_rebinding(case, seen):
    k = Koan("tensor_list_after_rebinding", REFERENCES, seen)
    prediction = as_number_list(k, k.value)
    found = truth(k.name, case)
    actual = known(k, found)
    if len(prediction) != len(actual) or not all(map(close, prediction, actual)):
        lead = ("", "")
        if len(prediction) == 2 and all(map(close, prediction, found["rebound"])):
            lead = ("Your numbers are `p - 4` of each tensor: as if the rebinding reached the "
                    "list. ", "你的数字是每个张量的 `p - 4`:就好像重新绑定影响到了列表。")
        k.not_what_happens(
            prediction, actual,
            "The tensors did not change. `p - 4` builds a new tensor and `p = ...` binds the loop "
            "variable to it; the tensors in the list are never touched. A rebound update like "
            "`param = param - lr * param.grad` trains nothing, and raises no error.",
            "张量没有变。`p - 4` 生成新张量,`p = ...` 只是把循环变量绑定过去;列表里的张量从未被碰过。"
            "像 `param = param - lr * param.grad` 这样被重新绑定的更新什么也没训练,而且不报错。",
            lead=lead)
    k.same_every_time()


@pytest.mark.step(REFERENCES)
@claim(list_after_call)
def test_list_after_call(case, seen):
    k = Koan("list_after_call", REFERENCES, seen)
    prediction = as_int_list(k, k.value)
    actual = known(k, truth(k.name, case))
    if not equal(prediction, actual):
        lead = ("", "")
        shaped = len(prediction) == 3 and isinstance(prediction[2], list) and prediction[2]
        if shaped and prediction[0] == 1 and prediction[2][0] != 3:
            lead = ("In your prediction `a[0]` is still 1, while the inner list changed. ",
                    "在你的预测里 `a[0]` 仍是 1,而内层列表变了。")
        elif shaped and prediction[0] == 1 and prediction[2][0] == 3:
            lead = ("In your prediction the caller's list is as it was: as if `f` had worked on a "
                    "copy. ", "在你的预测里调用方的列表原样未动:就好像 `f` 处理的是一个副本。")
        k.not_what_happens(
            prediction, actual,
            "The function received the caller's own list, not a copy. `a[0] -= 1` is "
            "`a[0] = a[0] - 1`: a new int (its id differs) stored back into that list, so the "
            "caller sees it although an int is immutable. `a[2][0] -= 1` changes the inner list "
            "itself (its id stays the same).",
            "函数拿到的是调用方的同一个列表,不是副本。`a[0] -= 1` 就是 `a[0] = a[0] - 1`:一个新的 "
            "int(id 不同)被写回这个列表,所以尽管 int 不可变,调用方仍能看到变化。`a[2][0] -= 1` "
            "则直接修改内层列表本身(id 不变)。", lead=lead)
    k.same_every_time()


# --- koans_autograd ------------------------------------------------------------------------------


@pytest.mark.step(AUTOGRAD)
@claim(no_grad_result)
def test_no_grad_result(case, seen):
    k = Koan("no_grad_result", AUTOGRAD, seen)
    pair = as_pair(k, k.value, ("requires_grad", "grad_fn"))
    requires = as_bool(k, pair[0], ("the first item of the pair, requires_grad,",
                                    "这一对的第一项 requires_grad"), note={})
    grad_fn = as_name_or_none(k, pair[1], ("the second item of the pair, grad_fn,",
                                           "这一对的第二项 grad_fn"), NAME_OR_NONE)
    found = truth(k.name, case)
    actual = known(k, found)
    if (requires, grad_fn) != tuple(actual):
        lead = ("", "")
        if requires == actual[0] and grad_fn is not None:
            lead = ("requires_grad is right, grad_fn is not: with nothing recorded there is no "
                    "grad_fn either. ", "requires_grad 对了,grad_fn 不对:什么都没记录,也就没有 grad_fn。")
        k.not_what_happens(
            (requires, grad_fn), actual,
            f"Under `torch.no_grad()` nothing is recorded: `w` does not require grad and has no "
            f"grad_fn, although every input requires grad. (Outside it, one input that requires "
            f"grad is enough: `x + y + z` would require grad, with grad_fn {found['outside']}.)",
            f"在 `torch.no_grad()` 下什么都不记录:尽管每个输入都需要梯度,`w` 也不需要梯度,"
            f"且没有 grad_fn。(在它之外,只要有一个输入需要梯度,`x + y + z` 就需要梯度,"
            f"grad_fn 为 {found['outside']}。)", lead=lead)
    k.same_every_time()


@pytest.mark.step(AUTOGRAD)
@claim(grad_after_two_backward_calls)
def test_grad_after_two_backward_calls(case, seen):
    k = Koan("grad_after_two_backward_calls", AUTOGRAD, seen)
    prediction = as_number(k, k.value, whole(k))
    found = truth(k.name, case)
    actual = known(k, found)
    if not close(prediction, actual):
        lead = ("", "")
        if close(prediction, found["once"]):
            lead = (f"{show(prediction)} is the gradient of one backward: as if the second "
                    f"replaced the first. ",
                    f"{show(prediction)} 是一次 backward 的梯度:就好像第二次替换了第一次。")
        k.not_what_happens(
            prediction, actual,
            "`backward()` adds into `.grad`; it never replaces it. d(x*x)/dx = 2x = 4 at x = 2, "
            "added twice: 8. That is why a training loop clears the gradients every step, and "
            "why deliberate accumulation over micro-batches works.",
            "`backward()` 会累加到 `.grad` 上,而不是替换它。d(x*x)/dx = 2x 在 x = 2 时为 4,"
            "加了两次:8。这就是训练循环每一步都要清零梯度的原因,也是有意的梯度累积能成立的原因。",
            lead=lead)
    k.same_every_time()


def check_exception(k: Koan, found: dict, en: str, zh: str) -> None:
    prediction = as_exception_name(k, k.value)
    actual = found["answer"]
    if prediction == actual:
        return
    lead = ("", "")
    base = getattr(builtins, prediction, None) if isinstance(prediction, str) else None
    real = getattr(builtins, actual, None) if isinstance(actual, str) else None
    if prediction is None and actual is not None:
        lead = (f"It does raise: {actual}: {found['line']}. ",
                f"它确实会报错:{actual}: {found['line']}。")
    elif (isinstance(base, type) and isinstance(real, type) and issubclass(real, base)
          and base is not real):
        lead = (f"{prediction} is a base class of the exception raised ({actual} is a subclass "
                f"of {prediction}): the koan asks for the exact class. ",
                f"{prediction} 是所抛出异常的基类({actual} 是 {prediction} 的子类):这道题要的是确切的类。")
    k.not_what_happens(prediction, actual, en, zh, lead=lead)


@pytest.mark.step(AUTOGRAD)
@claim(nonscalar_backward)
def test_nonscalar_backward(case, seen):
    k = Koan("nonscalar_backward", AUTOGRAD, seen)
    check_exception(
        k, truth(k.name, case),
        "`backward()` with no argument starts from a single number: on a tensor of six elements "
        "it raises RuntimeError ('grad can be implicitly created only for scalar outputs'). "
        "Reduce first (`y.sum().backward()`), or pass the weights of each element "
        "(`y.backward(torch.ones_like(y))`).",
        "不带参数的 `backward()` 只能从一个数出发:对六个元素的张量会抛出 RuntimeError"
        "('grad can be implicitly created only for scalar outputs')。先归约"
        "(`y.sum().backward()`),或传入每个元素的权重(`y.backward(torch.ones_like(y))`)。")
    k.same_every_time()


@pytest.mark.step(AUTOGRAD)
@claim(w_after_detached_add)
def test_w_after_detached_add(case, seen):
    k = Koan("w_after_detached_add", AUTOGRAD, seen)
    prediction = as_number_list(k, k.value)
    found = truth(k.name, case)
    actual = known(k, found)
    if len(prediction) != len(actual) or not all(map(close, prediction, actual)):
        lead = ("", "")
        if len(prediction) == 3 and all(map(close, prediction, found["before"])):
            lead = ("In your prediction `w` kept its ones: as if `detach()` had copied it. ",
                    "在你的预测里 `w` 仍是全 1:就好像 `detach()` 复制了它。")
        k.not_what_happens(
            prediction, actual,
            "`detach()` returns a tensor that shares w's memory, only without the graph: "
            "changing it in place changes w as well (and autograd does not see it). For an "
            "independent copy use `w.detach().clone()`.",
            "`detach()` 返回的张量与 w 共享内存,只是脱离了计算图:原地修改它也会改变 w"
            "(而 autograd 看不到)。要独立的副本请用 `w.detach().clone()`。", lead=lead)
    k.same_every_time()


@pytest.mark.step(AUTOGRAD)
@claim(scaled_randn_grad_is_none)
def test_scaled_randn_grad_is_none(case, seen):
    k = Koan("scaled_randn_grad_is_none", AUTOGRAD, seen)
    prediction = as_bool(k, k.value, whole(k))
    actual = known(k, truth(k.name, case))
    if prediction != actual:
        k.not_what_happens(
            prediction, actual,
            "`torch.randn(3, requires_grad=True) * 0.01` is the result of a multiplication, not "
            "a leaf (`w.is_leaf` is False): backward fills `.grad` on leaves only, so `w.grad` "
            "stays None. The leaf is the randn tensor, which nobody kept. Scale first, then "
            "`requires_grad_()`.",
            "`torch.randn(3, requires_grad=True) * 0.01` 是乘法的结果,不是叶子张量(`w.is_leaf` 为 "
            "False):backward 只填充叶子的 `.grad`,所以 `w.grad` 仍是 None。叶子是那个 randn 张量,"
            "却没人留着它。先缩放,再 `requires_grad_()`。")
    k.same_every_time()


# --- koans_loops ---------------------------------------------------------------------------------


@pytest.mark.step(LOOPS)
@claim(losses_after_cat_loop)
def test_losses_after_cat_loop(case, seen):
    k = Koan("losses_after_cat_loop", LOOPS, seen)
    prediction = as_count(k, k.value, whole(k))
    found = truth(k.name, case)
    actual = known(k, found)
    if prediction != actual:
        lead = ("", "")
        if prediction == found["if_kept"]:
            lead = (f"{prediction} is what `l` would hold if the loop kept the result, "
                    f"`l = torch.cat(...)`. ",
                    f"{prediction} 是循环保留了结果(`l = torch.cat(...)`)时 `l` 才会有的数目。")
        k.not_what_happens(
            prediction, actual,
            "`torch.cat` returns a new tensor and never changes its inputs; the line throws its "
            "result away, so `l` still holds the first batch's 10 losses. In the experiment, "
            "`l.sum().backward()` saw 10 examples of the 1000. Keep the result: "
            "`l = torch.cat((l, ...))`.",
            "`torch.cat` 返回新张量,从不修改它的输入;这一行把结果丢掉了,所以 `l` 里仍只有第一个批量的 "
            "10 个损失。在那个实验里,`l.sum().backward()` 只看到了 1000 个样本中的 10 个。请保留结果:"
            "`l = torch.cat((l, ...))`。", lead=lead)
    k.same_every_time()


@pytest.mark.step(LOOPS)
@claim(running_loss_kind)
def test_running_loss_kind(case, seen):
    k = Koan("running_loss_kind", LOOPS, seen)
    prediction = as_choice(k, k.value)
    found = truth(k.name, case)
    actual = known(k, found)
    if prediction != actual:
        lead = ("", "")
        if prediction == "float":
            lead = ("`running` starts as a float, but `0.0 + loss` is a tensor. ",
                    "`running` 起初是 float,但 `0.0 + loss` 是张量。")
        elif prediction == "tensor":
            lead = ("It is a tensor, and it has a graph: `backward()`, `zero_grad()` and "
                    "`step()` change the parameters and their `.grad`, not the graph the loss "
                    "holds. ",
                    "它是张量,而且带着计算图:`backward()`、`zero_grad()` 和 `step()` 改变的是参数和"
                    "它们的 `.grad`,而不是损失所持有的计算图。")
        grad_fn = found.get("grad_fn") or "AddBackward0"
        k.not_what_happens(
            prediction, actual,
            f"A Python float plus a tensor is a tensor, and since `loss` has a graph, so does "
            f"`running` (grad_fn {grad_fn}): it keeps every batch's graph alive until the epoch "
            f"ends (memory grows with it), and a backward through it would reach freed graphs. "
            f"`running += loss.item()` adds a plain float, with no graph.",
            f"Python 的 float 加上张量得到张量;因为 `loss` 带着计算图,`running` 也带着(grad_fn 为 "
            f"{grad_fn}):它让每个批量的计算图一直存活到这一轮结束(内存随之增长),对它 backward "
            f"还会碰到已释放的图。`running += loss.item()` 加的是普通 float,没有计算图。", lead=lead)
    k.same_every_time()


@pytest.mark.step(LOOPS)
@claim(step_after_late_zero_grad_moves)
def test_step_after_late_zero_grad_moves(case, seen):
    k = Koan("step_after_late_zero_grad_moves", LOOPS, seen)
    prediction = as_bool(k, k.value, whole(k))
    found = truth(k.name, case)
    actual = known(k, found)
    if prediction != actual:
        cleared = ("to None" if found["grad"] is None else "to zeros")
        zh_cleared = ("设为 None" if found["grad"] is None else "设为零")
        k.not_what_happens(
            prediction, actual,
            f"`backward()` filled `w.grad`, then `zero_grad()` cleared it ({cleared}, in this "
            f"PyTorch), so `step()` had nothing to apply: w never moves, and no error says so. "
            f"The order is zero_grad, backward, step.",
            f"`backward()` 填好了 `w.grad`,随后 `zero_grad()` 把它清掉了(在这个版本的 PyTorch 中"
            f"{zh_cleared}),于是 `step()` 无事可做:w 一动不动,也不会报错。顺序应为 zero_grad、"
            f"backward、step。")
    k.same_every_time()


@pytest.mark.step(LOOPS)
@claim(second_backward)
def test_second_backward(case, seen):
    k = Koan("second_backward", LOOPS, seen)
    check_exception(
        k, truth(k.name, case),
        "The first `backward()` frees the tensors the graph saved for it; a second backward "
        "through the same graph raises RuntimeError ('Trying to backward through the graph a "
        "second time'). Run a new forward pass for each backward, or pass `retain_graph=True` "
        "to the first call when two backwards are really meant.",
        "第一次 `backward()` 会释放计算图为它保存的张量;对同一个图再次 backward 会抛出 "
        "RuntimeError('Trying to backward through the graph a second time')。每次 backward "
        "前重新做一次前向传播;确实需要两次时,第一次传 `retain_graph=True`。")
    k.same_every_time()


@pytest.mark.step(LOOPS)
@claim(updates_in_the_experiment)
def test_updates_in_the_experiment(case, seen):
    k = Koan("updates_in_the_experiment", LOOPS, seen)
    pair = as_pair(k, k.value, ("updates_per_epoch_in_A", "updates_per_epoch_in_B"))
    a = as_count(k, pair[0], ("the first item of the pair, updates_per_epoch_in_A,",
                              "这一对的第一项 updates_per_epoch_in_A"), note={})
    b = as_count(k, pair[1], ("the second item of the pair, updates_per_epoch_in_B,",
                              "这一对的第二项 updates_per_epoch_in_B"), note={})
    found = truth(k.name, case)
    actual = known(k, found)
    per_a, per_b = actual
    total_a, total_b = found["totals"]
    if (a, b) != tuple(actual):
        lead = ("", "")
        if (a, b) == (per_b, per_a):
            lead = ("Your numbers are the right ones, swapped: the first is A's (d2l's loop, a "
                    "step per batch), the second B's (the experiment). ",
                    "数字对了,但顺序反了:第一个是 A 的(d2l 的循环,每个批量一步),第二个是 B 的(那个实验)。")
        elif (a, b) == (total_a, total_b):
            lead = (f"{a} and {b} are the totals over all the epochs of each loop; the koan asks "
                    f"per epoch. ",
                    f"{a} 和 {b} 是每个循环所有轮次的总数;这道题问的是每一轮。")
        elif a == per_b and b == per_b:
            lead = ("A makes as many steps an epoch as there are batches, not one: its `sgd` is "
                    "inside the loop over the batches. ",
                    "A 每轮的步数等于批量数,而不是一步:它的 `sgd` 在遍历批量的循环里面。")
        elif b == per_a:
            lead = ("B steps once an epoch, after its loop over the batches, not once per batch. ",
                    "B 每轮只更新一次,在遍历批量的循环之后,而不是每个批量一次。")
        batches = found["batches"]
        k.not_what_happens(
            (a, b), actual,
            f"A steps after every batch: 1000 / 10 = {per_a} steps an epoch, {total_a} in its 3 "
            f"epochs. B steps once an epoch, after its loop: {per_b} step an epoch, {total_b} in "
            f"its 300 epochs. The same number of updates in all, yet the article's B ended with "
            f"a loss near 13 where A reaches about 0.0001: B's step used the first batch's "
            f"gradient only (the torch.cat result was thrown away), divided by "
            f"batch_size * count = {10 * (batches + 1)}, about a hundredth of a mean-gradient "
            f"step.",
            f"A 每个批量之后更新一次:每轮 1000 / 10 = {per_a} 次,3 轮共 {total_a} 次。B 每轮在循环"
            f"结束后更新一次:每轮 {per_b} 次,300 轮共 {total_b} 次。更新总次数相同,但文章里 B 的损失"
            f"停在 13 左右,而 A 能到 0.0001 左右:B 的每一步只用了第一个批量的梯度(torch.cat 的结果"
            f"被丢掉了),还除以 batch_size * count = {10 * (batches + 1)},大约只有按平均梯度走一步的"
            f"百分之一。", lead=lead)
    k.same_every_time()
