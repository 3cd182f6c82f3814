"""Submissions that look copied: from the reference (the repository is public) or from each
other. For the instructor to look at in report.html; never a score.

Each kata file is reduced by copydetect (a winnowing fingerprint, as MOSS does) after its
filter has replaced every name by one letter and dropped comments, docstrings and layout, so
that renaming variables, rewording comments or reformatting changes nothing. The kata's stub
is the boilerplate (what every submission starts from does not count). What is listed:

- *verbatim*: the same text as the reference once blank lines and trailing spaces are dropped
  (its comments included: copied, not rewritten);
- *same code*: the same after the normalisation above;
- *near*: at least `NEAR` of the smaller file's code in passages the larger has too (the
  containment of the smaller in the larger): a copy padded with code of its own (an unused
  helper) or renamed is still listed, with how much more the larger holds;
- *not comparable*: a file that imports the project's own code or builds code at run time
  (`exec`, `eval`, `compile`, an import of a computed name: `dojo.grade.scan`) is listed with
  why, whatever it resembles: the code that runs is not the code that was handed in.

Pairs whose smaller file is shorter than `MIN_TOKENS` normalised characters beyond the stub are
left out of *same code* and *near*: a four-line kata can only be written a few ways. Pairs of
students who both match the reference are not listed again against each other. Submission
files are parsed as text, never imported or run.
"""

from __future__ import annotations

import io

K = 12  # the k-gram length, in normalised characters
WINDOW = 4
NEAR = 0.9
MIN_TOKENS = 80
MAX_ROWS = 300


def _layout(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


class _Print:
    def __init__(self, name: str, text: str, boilerplate):
        from copydetect import CodeFingerprint

        self.name = name
        self.text = text
        self.fp = CodeFingerprint(f"{name}.py", K, WINDOW, boilerplate=boilerplate,
                                  filter=True, language="python", fp=io.StringIO(text))
        self.size = int(self.fp.token_coverage)

    def against(self, other: "_Print") -> float:
        """How much of the smaller file's code is in passages of the larger (1.0: all of it;
        the same code gives 1.0 both ways)."""
        from copydetect import compare_files

        if self.fp.filtered_code == other.fp.filtered_code:
            return 1.0
        _, (a, b), _ = compare_files(self.fp, other.fp)
        return float(a if self.size <= other.size else b)

    def same(self, other: "_Print") -> bool:
        return self.fp.filtered_code == other.fp.filtered_code


def _row(one: "_Print", other: "_Print") -> tuple[str, str]:
    """(kind, how much more the larger file holds)."""
    if one.same(other):
        return "same code", ""
    extra = abs(one.size - other.size)
    return "near", (f"{extra} more normalised characters in the larger" if extra else "")


def find(subs: list, modules: list[str], refs, stubs: dict[str, str]) -> dict:
    """{"pairs": [{kind, kata, students, similarity, size, like, why}], "note": ...} over the
    class."""
    from copydetect import CodeFingerprint

    from dojo.grade import scan

    rows = []
    for module in modules:
        stub = stubs.get(module, "")
        boiler = []
        if stub:
            import numpy

            boiler = numpy.array(sorted(CodeFingerprint(
                f"{module}.py", K, WINDOW, filter=True, language="python",
                fp=io.StringIO(stub)).hashes), dtype=numpy.int64)
        reference = refs.source(module) if refs is not None else None
        ref_print = _Print("reference", reference, boiler) if reference else None
        prints = []
        for sub in subs:
            raw = sub.files.get(module) if not getattr(sub, "refused", None) else None
            if raw is None:
                continue
            found = scan.scan(raw)
            why = [f"imports the project's own code: {', '.join(found['imports'][:3])}"] \
                if found["imports"] else []
            why += [f"builds code at run time: {', '.join(found['built'][:3])}"] \
                if found["built"] else []
            text = raw.decode("utf-8", "replace")
            fp = None
            if _layout(text) != _layout(stub):  # else: not started
                try:
                    fp = _Print(sub.name, text, boiler)
                    prints.append((sub.name, fp))
                except Exception:  # noqa: BLE001 - an unreadable file is simply not compared
                    fp = None
            if why:
                rows.append(("not comparable", module, [sub.name], None,
                             fp.size if fp is not None else 0, "–", "; ".join(why)))
        like_reference = set()
        for name, fp in prints:
            if reference and _layout(fp.text) == _layout(reference):
                rows.append(("verbatim", module, [name], 1.0, fp.size, "the reference", ""))
                like_reference.add(name)
                continue
            if ref_print is None or min(fp.size, ref_print.size) < MIN_TOKENS:
                continue
            sim = fp.against(ref_print)
            if sim >= NEAR:
                kind, more = _row(fp, ref_print)
                rows.append((kind, module, [name], sim, min(fp.size, ref_print.size),
                             "the reference", more))
                like_reference.add(name)
        for i, (a, fa) in enumerate(prints):
            for b, fb in prints[i + 1:]:
                if a in like_reference and b in like_reference:
                    continue
                if min(fa.size, fb.size) < MIN_TOKENS:
                    continue
                if _layout(fa.text) == _layout(fb.text):
                    rows.append(("verbatim", module, [a, b], 1.0, fa.size, "each other", ""))
                    continue
                sim = fa.against(fb)
                if sim >= NEAR:
                    kind, more = _row(fa, fb)
                    rows.append((kind, module, [a, b], sim, min(fa.size, fb.size), "each other",
                                 more))
    order = {"verbatim": 0, "same code": 1, "near": 2, "not comparable": 3}
    rows.sort(key=lambda r: (order[r[0]], -r[4], r[1], r[2]))
    pairs = [{"kind": kind, "kata": kata, "students": names,
              "similarity": None if sim is None else round(sim, 3), "size": size, "like": like,
              "why": why} for kind, kata, names, sim, size, like, why in rows]
    return {"pairs": pairs[:MAX_ROWS], "more": max(0, len(pairs) - MAX_ROWS),
            "note": f"normalised with copydetect (k={K}, window={WINDOW}); near: at least "
                    f"{NEAR:.0%} of the smaller file's code in the larger; pairs whose smaller "
                    f"file is under {MIN_TOKENS} normalised characters compared verbatim only; "
                    f"not comparable: code imported from the project or built at run time"}
