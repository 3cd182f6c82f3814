"""What `dojo grade` writes: grades.csv, OUT/<student>/{results.json, feedback.md}, report.html,
grading.json. Everything a student controls (names, messages) is escaped for where it goes:
CSV cells that Excel would run as formulas, Markdown fences, HTML."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from collections import Counter
from pathlib import Path

from dojo.i18n import t

MESSAGE_CAP = 1500


def atomic_write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding=encoding, newline="") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _clean(text: str | None) -> str:
    text = text or ""
    return text[len("Failed: "):] if text.startswith("Failed: ") else text


def _cap(text: str | None, cap: int = MESSAGE_CAP) -> str:
    text = (text or "").replace("\r\n", "\n")
    return text if len(text) <= cap else text[:cap] + "\n[...]"


# --- grades.csv -------------------------------------------------------------------------------


def _cell(value) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r", "|", "%"):
        text = "'" + text  # Excel and LibreOffice would run it as a formula
    return text


def write_csv(path: Path, records: list[dict], steps: list) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["student", *[s.id for s in steps], "total", "max_total", "status"])
    for rec in records:
        row = [_cell(rec["student"])]
        row += [_cell(round(rec["steps"][s.id]["points"], 2)) if s.id in rec["steps"] else ""
                for s in steps]
        row += [_cell(rec["total"]), _cell(rec["max_total"]), _cell(rec["status"])]
        writer.writerow(row)
    atomic_write(path, "\ufeff" + buffer.getvalue())  # UTF-8 with a BOM: Excel reads Chinese


# --- OUT/<student>/results.json (Gradescope) --------------------------------------------------


def gradescope_results(rec: dict, steps: list, execution_time: float) -> dict:
    tests = []
    for number, step in enumerate(steps, 1):
        data = rec["steps"].get(step.id)
        if data is None:
            continue
        items = data["tests"]
        if not items:
            tests.append({
                "name": f"{step.id}: {data['title']}",
                "number": f"{number}",
                "score": 0.0,
                "max_score": step.points,
                "status": "failed",
                "output": _cap(data["reason"] or data["state"]),
                "visibility": "visible",
                "tags": [step.id],
            })
            continue
        share = step.points / len(items)
        working = [x for x in items if not x.get("guard")]
        passed_working = sum(1 for x in working if x["state"] == "passed")
        # a guard (a claim an answer computing nothing also passes) counts in proportion to
        # the working claims passed: the scores add up to the step's points (Grader.score)
        scale = passed_working / len(working) if working else 1.0
        for k, test in enumerate(items, 1):
            passed = test["state"] == "passed"
            score = share * (scale if test.get("guard") else 1.0) if passed else 0.0
            output = "" if passed else _cap(_clean(test["message"]) or test["state"])
            if passed and test.get("guard") and scale < 1.0:
                output = t(f"A guard: what an answer computing nothing also has. It counts in "
                           f"proportion to the kata's other checks passed "
                           f"({passed_working} of {len(working)}).",
                           f"这是一项守卫检查:什么都不算的答案也能通过。它按本题其他检查的通过比例计分"
                           f"({len(working)} 项中通过 {passed_working} 项)。")
            tests.append({
                "name": f"{step.id}: {test['name']}",
                "number": f"{number}.{k}",
                "score": round(score, 4),
                "max_score": round(share, 4),
                "status": "passed" if passed else "failed",
                "output": output,
                "visibility": "visible",
                "tags": [step.id],
            })
    return {
        "score": rec["total"],
        "execution_time": round(execution_time, 2),
        "output": summary_text(rec),
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def summary_text(rec: dict) -> str:
    lines = [t(f"Total: {rec['total']:g} / {rec['max_total']:g}",
               f"总分:{rec['total']:g} / {rec['max_total']:g}")]
    if rec.get("refused"):
        lines.append(t(f"The submission was refused: {rec['refused']}",
                       f"提交被拒绝:{rec['refused']}"))
    for step_id, data in rec["steps"].items():
        lines.append(f"{step_id}: {data['points']:g}/{data['max_points']:g} ({data['state']})")
    return "\n".join(lines)


# --- OUT/<student>/feedback.md ----------------------------------------------------------------


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _md_inline(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>()#+!|])", r"\\\1", text)


STATE_TEXT = {
    "solved": ("solved", "已完成"),
    "failing": ("some tests fail", "部分测试未通过"),
    "not started": ("not started", "尚未开始"),
    "broken": ("the file does not load", "文件无法加载"),
    "missing": ("no file for this kata in the submission", "提交中没有这个 kata 的文件"),
    "timeout": ("stopped: too slow", "已终止:运行超时"),
    "memory": ("stopped: too much memory", "已终止:内存超限"),
    "disk": ("stopped: too much written to disk", "已终止:写入过多文件"),
    "crashed": ("crashed", "崩溃"),
    "flagged": ("flagged by the grader's integrity checks", "被评分器的完整性检查标记"),
    "refused": ("submission refused", "提交被拒绝"),
}


def state_text(state: str) -> str:
    en, zh = STATE_TEXT.get(state, (state, state))
    return t(en, zh)


def feedback_md(rec: dict) -> str:
    out = [
        f"# {t('Feedback', '反馈')}: {_md_inline(rec['student'])}",
        "",
        t(f"**Total: {rec['total']:g} / {rec['max_total']:g}**",
          f"**总分:{rec['total']:g} / {rec['max_total']:g}**"),
        "",
    ]
    if rec.get("refused"):
        out += [t("The grader did not read this submission:", "评分器没有读取这份提交:"),
                "", _fence(rec["refused"]), ""]
    for step_id, data in rec["steps"].items():
        out.append(f"## {_md_inline(data['title'])} (`{step_id}`): "
                   f"{data['points']:g} / {data['max_points']:g}")
        out.append("")
        out.append(f"*{state_text(data['state'])}* — "
                   + t(f"{data['passed']} of {data['tests_total']} tests pass",
                       f"{data['tests_total']} 个测试中通过 {data['passed']} 个"))
        out.append("")
        if data["status"] == "flagged" and data.get("flag") == "recheck":
            out += [t(
                "The grader ran your functions again on inputs of its own and compared what "
                "they returned with the reference. Some tests reported passing although the "
                "function they use does not give the reference's values: those tests count as "
                "failed, and this kata is marked for your instructor to look at.",
                "评分器用它自己的输入重新运行了你的函数,并与参考答案比较。有些测试报告通过,"
                "但它们用到的函数给出的值与参考答案不同:这些测试记为未通过,这个 kata "
                "已标记给老师查看。"), ""]
            out += [_fence(_cap(data["reason"])), ""]
            continue
        if data["status"] == "flagged" and data.get("flag") == "imports":
            out += [t(
                "Your file imports the course's own code (the dojo package, its tests or its "
                "answers), so its answers would not be your own: this kata scores 0. Solve it "
                "with torch and Python alone; if you think this is a mistake, talk to your "
                "instructor.",
                "你的文件导入了课程自己的代码(dojo 包、它的测试或答案),这样得到的答案不是你自己的:"
                "这个 kata 记 0 分。请只用 torch 和 Python 完成它;如果你认为这是误判,请联系老师。"),
                ""]
            out += [_fence(_cap(data["reason"])), ""]
            continue
        if data["status"] == "flagged":
            out += [t(
                "While your code ran, the grader's checks found the testing machinery changed "
                "(comparisons, pytest's reports or the report file), so this kata scores 0. "
                "Solve the kata without touching torch, pytest or the test files; if you think "
                "this is a mistake, talk to your instructor.",
                "在你的代码运行期间,评分器发现测试机制被改动(比较函数、pytest 的报告或报告文件),"
                "因此这个 kata 记 0 分。请在不改动 torch、pytest 或测试文件的前提下完成 kata;"
                "如果你认为这是误判,请联系老师。"), ""]
            out += [_fence(_cap(data["reason"])), ""]
            continue
        if data["status"] not in ("ok", "refused"):
            out += [t("The grader stopped your code, so this kata scores 0:",
                      "评分器终止了你的代码,因此这个 kata 记 0 分:"), "",
                    _fence(_cap(data["reason"])), ""]
            continue
        if data["state"] == "not started":
            out += [t(f"Not started yet. A nudge: `dojo hint {step_id}`.",
                      f"尚未开始。提示:`dojo hint {step_id}`。"), ""]
            continue
        if data["state"] == "missing":
            out += [t(f"Hand in `katas/{data['module']}.py` to get points for this kata.",
                      f"请提交 `katas/{data['module']}.py` 才能获得这个 kata 的分数。"), ""]
            continue
        groups: dict[str, list[str]] = {}
        for test in data["tests"]:
            if test["state"] == "passed":
                continue
            message = _cap(_clean(test["message"]) or test["state"])
            groups.setdefault(message, []).append(test["name"])
        for message, names in groups.items():
            out += [", ".join(f"`{n}`" for n in names), "", _fence(message), ""]
    return "\n".join(out).rstrip() + "\n"


def write_student(folder: Path, rec: dict, steps: list, execution_time: float,
                  logs: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / "results.json",
                 json.dumps(gradescope_results(rec, steps, execution_time), ensure_ascii=False,
                            indent=1))
    atomic_write(folder / "feedback.md", feedback_md(rec))
    if logs:
        (folder / "logs").mkdir(exist_ok=True)
        for module, text in logs.items():
            atomic_write(folder / "logs" / f"{module}.log", text)
    atomic_write(folder / "grade.json", json.dumps(rec, ensure_ascii=False, indent=1))


# --- report.html ------------------------------------------------------------------------------

CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:24px;
color:#1d1d1f;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555;font-size:12px}
table{border-collapse:collapse;margin:4px 0}
th,td{border:1px solid #ddd;padding:4px 7px;text-align:left;vertical-align:top}
th{background:#f4f4f6;font-weight:600;font-size:12px}
td.c{text-align:center;min-width:40px;white-space:nowrap;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap;font-weight:600}
.bad{background:#fde2e1}
.tag{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;background:#eee}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border-radius:4px}
"""


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _color(fraction: float) -> str:
    hue = int(120 * max(0.0, min(1.0, fraction)))
    return f"hsl({hue},70%,82%)"


SPECIAL = {"timeout", "memory", "disk", "crashed", "flagged", "refused"}


def copies_html(copies: dict | None) -> str:
    """The section of submissions that look copied (from the reference or from each other)."""
    e = html.escape
    if not copies:
        return "<p class='meta'>not computed</p>"
    if copies.get("error"):
        return f"<p class='meta'>could not be computed: {e(copies['error'])}</p>"
    what = {"verbatim": "verbatim: the same text", "same code": "the same code once names, "
            "comments and layout are set aside", "near": "nearly the same code, or all of the "
            "smaller in the larger (padded, renamed)",
            "not comparable": "its code cannot be compared"}

    def described(p: dict) -> str:
        return "; ".join(x for x in (what.get(p["kind"], ""), p.get("why") or "") if x)

    rows = "".join(
        f"<tr><td><span class='tag'>{e(p['kind'])}</span></td><td>{e(p['kata'])}</td>"
        f"<td>{' · '.join(e(n) for n in p['students'])}</td><td>{e(p['like'])}</td>"
        f"<td class='c'>{'–' if p['similarity'] is None else format(p['similarity'], '.0%')}"
        f"</td><td class='c'>{p['size']}</td><td>{e(described(p))}</td></tr>"
        for p in copies.get("pairs", []))
    more = (f"<p class='meta'>and {copies['more']} more (see grading.json)</p>"
            if copies.get("more") else "")
    return (
        "<p class='meta'>For you to look at, not a score: the repository is public, and a "
        "short kata can only be written a few ways (size: normalised characters beyond the "
        f"stub). {e(copies.get('note', ''))}</p>"
        "<table><thead><tr><th>what</th><th>kata</th><th>submission(s)</th><th>like</th>"
        "<th>similar</th><th>size</th><th></th></tr></thead>"
        f"<tbody>{rows or '<tr><td colspan=7>none</td></tr>'}</tbody></table>{more}")


def report_html(records: list[dict], steps: list, meta: dict, copies: dict | None = None) -> str:
    e = html.escape
    rows = []
    for rec in records:
        cells = [f'<td class="n">{e(rec["student"])}</td>']
        for step in steps:
            data = rec["steps"].get(step.id)
            if data is None:
                cells.append('<td class="c">–</td>')
                continue
            frac = data["points"] / data["max_points"] if data["max_points"] else 0
            mark = ""
            if data["status"] in SPECIAL:
                mark = {"timeout": "T", "memory": "M", "disk": "D", "crashed": "✗",
                        "flagged": "⚑", "refused": "R"}[data["status"]]
            color = "#d9d9de" if data["status"] in SPECIAL else _color(frac)
            tip = f"{step.id}: {data['state']} ({data['passed']}/{data['tests_total']})"
            cells.append(
                f'<td class="c" style="background:{color}" title="{e(tip)}">'
                f'{_num(data["points"])}{(" " + mark) if mark else ""}</td>'
            )
        cells.append(f'<td class="c"><b>{_num(rec["total"])}</b> / {rec["max_total"]:g}</td>')
        cls = ' class="bad"' if rec["status"] != "ok" else ""
        cells.append(f"<td{cls}>{e(rec['status'])}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f'<th title="{e(s.text("title"))}">{e(s.id)}</th>' for s in steps)

    hits: Counter = Counter()
    sample: dict = {}
    per_kata: Counter = Counter()
    for rec in records:
        for step_id, data in rec["steps"].items():
            if data["status"] != "ok":
                continue
            for test in data["tests"]:
                if test["state"] == "failing":
                    key = (step_id, test["name"].split("[")[0])
                    hits[key] += 1
                    sample.setdefault(key, (test["message"] or "").strip())
            if data["state"] == "failing":
                per_kata[step_id] += 1
    pit_rows = []
    for (step_id, name), count in hits.most_common(15):
        lines = [ln.strip() for ln in sample[(step_id, name)].splitlines() if ln.strip()]
        first = lines[1] if len(lines) > 1 else (lines[0] if lines else "")
        pit_rows.append(
            f"<tr><td>{e(step_id)}</td><td><code>{e(name)}</code></td><td class='c'>{count}</td>"
            f"<td>{e(_cap(first or '', 220))}</td></tr>"
        )
    trouble = []
    for rec in records:
        if rec.get("refused"):
            trouble.append(("refused", rec["student"], "–", rec["refused"]))
            continue
        for step_id, data in rec["steps"].items():
            if data["status"] in SPECIAL:
                trouble.append((data["status"], rec["student"], step_id, data["reason"]))
    trouble.sort(key=lambda x: (x[0], x[1], x[2]))
    trouble_rows = "".join(
        f"<tr><td><span class='tag'>{e(kind)}</span></td><td>{e(student)}</td>"
        f"<td>{e(step)}</td><td>{e(_cap(reason, 300))}</td></tr>"
        for kind, student, step, reason in trouble
    )
    counts = Counter(kind for kind, *_ in trouble)
    figures = meta.get("figures", {})
    versions = meta.get("versions", {})
    limits = meta.get("limits", {})
    n = len(records)
    mean = sum(r["total"] for r in records) / n if n else 0
    max_total = records[0]["max_total"] if records else 0
    solved = Counter()
    for rec in records:
        for step_id, data in rec["steps"].items():
            if data["state"] == "solved":
                solved[step_id] += 1
    solved_row = "".join(f'<td class="c">{solved[s.id]}/{n}</td>' for s in steps)
    summary = (
        f"{n} submissions · mean {mean:.1f} / {max_total:g} · "
        f"timed out {counts['timeout']} · crashed {counts['crashed'] + counts['memory'] + counts['disk']}"
        f" · flagged {counts['flagged']} · refused {counts['refused']}"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report · PyTorch Pitfall Katas</title>
<style>{CSS}</style></head><body>
<h1>Class report · PyTorch Pitfall Katas</h1>
<p class="meta" id="summary">{e(summary)}</p>
<p class="meta">graded {e(str(meta.get('finished', '')))} in {figures.get('duration_s', 0):g} s ·
jobs {meta.get('jobs', '')} · timeout {limits.get('timeout', '')} s per kata ·
memory {limits.get('memory_mb', '')} MB · dojo {e(str(versions.get('dojo', '')))} ·
torch {e(str(versions.get('torch', '')))} · Python {e(str(versions.get('python', '')))} ·
seed {meta.get('seed', '')}</p>
<h2 id="grid">Students by katas</h2>
<p class="legend meta"><span style="background:{_color(1)}">all tests pass</span>
<span style="background:{_color(0.5)}">some</span><span style="background:{_color(0)}">none</span>
<span style="background:#d9d9de">T timeout · ✗ crashed · M memory · D disk · ⚑ flagged · R refused</span></p>
<table><thead><tr><th>student</th>{head}<th>total</th><th>status</th></tr></thead>
<tbody>{''.join(rows)}</tbody>
<tfoot><tr><th>solved</th>{solved_row}<th></th><th></th></tr></tfoot></table>
<h2 id="pitfalls">Pitfalls the class hit most</h2>
<table><thead><tr><th>kata</th><th>test</th><th>students</th><th>what the test says</th></tr></thead>
<tbody>{''.join(pit_rows) or '<tr><td colspan="4">none: every started kata passes</td></tr>'}</tbody></table>
<h2 id="trouble">Timed out, crashed, flagged or refused</h2>
<table><thead><tr><th>what</th><th>student</th><th>kata</th><th>why</th></tr></thead>
<tbody>{trouble_rows or '<tr><td colspan="4">none</td></tr>'}</tbody></table>
<h2 id="copies">Submissions that look copied</h2>
{copies_html(copies)}
</body></html>
"""
