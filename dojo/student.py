"""The README of the student edition (`dojo export-student DIR`): what a student does with the
course, in English and 简体中文. The edition is the project without the reference answers, the
pitfall gallery and the maintainers' suite, so it names only what works there
(tests/maintainers/test_editions.py checks its commands)."""

from __future__ import annotations

README = """# PyTorch Pitfall Katas: the course

Small exercises ("katas") for the traps of learning PyTorch: a parameter rebound instead of
updated in place, the gradient divided by the batch size or not, `zero_grad` forgotten, and
more. Each kata is a file in `katas/` that you complete until its tests pass; when a test fails
it says what went wrong and why, in English or 简体中文.

## Set up (once)

Python 3.10 or newer:

```bash
python3 -m venv .venv && . .venv/bin/activate && pip install -c constraints.txt -e . && dojo
```

On Linux without a GPU, install the lighter CPU-only torch first:
`pip install torch torchvision --index-url https://download.pytorch.org/whl/cpu`, then
`pip install -e .`.

## Work on the katas

```bash
dojo                      # every kata, its state, and the next one to do
dojo watch                # re-checks the kata you edit on every save
dojo check KATA           # one kata's verdict
dojo hint KATA            # the next hint (a nudge, then a pointer, then almost the answer)
dojo explain KATA         # the idea behind it and the article it comes from
dojo reset KATA           # the kata's file as it was handed out (yours is kept as a backup)
dojo restore KATA         # your latest backup back
pytest --kata KATA        # the same tests, with pytest
```

Open `katas/<kata>.py`: its docstring says what to build; replace each `# TODO` and its
`raise NotImplementedError` with your code. Leave `tests/` as it is: your work is graded with
the course's own copy of the tests. Every command takes `--lang zh` (or set `DOJO_LANG=zh`).
Hand in your `katas/` folder as your instructor says.

This edition carries no reference answers: the commands that show them (`solution`, and
`show`, which draws the reference against the wrong answers) say so.

## 中文

一组 PyTorch「易错点」练习(kata):参数被重新绑定而不是原地更新、梯度是否除以批量大小、忘记
`zero_grad` 等。每个 kata 是 `katas/` 中的一个文件,补全到测试通过为止;测试失败时会用中文或英文说明
哪里错了、为什么错。

**安装(一次):** 需要 Python 3.10 或更新版本。

```bash
python3 -m venv .venv && . .venv/bin/activate && pip install -c constraints.txt -e . && dojo
```

没有 GPU 的 Linux 上,可以先用
`pip install torch torchvision --index-url https://download.pytorch.org/whl/cpu` 安装只含 CPU 的
torch,再 `pip install -e .`。

**练习:**

```bash
dojo                      # 所有 kata、状态以及下一个
dojo watch                # 每次保存都重新检查正在编辑的 kata
dojo check KATA           # 一个 kata 的结果
dojo hint KATA            # 下一条提示(先点拨,再指方向,最后几乎是答案)
dojo explain KATA         # 背后的概念及其出处
dojo reset KATA           # 恢复发下来时的文件(你的文件会备份)
dojo restore KATA         # 取回最近的备份
pytest --kata KATA        # 用 pytest 运行同样的测试
```

打开 `katas/<kata>.py`:文档字符串说明要实现什么;用你的代码替换每个 `# TODO` 和它下面的
`raise NotImplementedError`。请不要修改 `tests/`:评分用的是课程自己的那份测试。所有命令都支持
`--lang zh`(或设置 `DOJO_LANG=zh`)。按讲师的要求提交你的 `katas/` 文件夹。

这个版本不含参考答案:需要参考答案的命令(`solution`,以及把参考答案与错误答案画在一起的 `show`)
会说明这一点。
"""
