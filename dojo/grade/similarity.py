"""Submissions that look copied: from the reference (the repository is public) or from each
other. For the instructor to look at in report.html; never a score.

Each kata file is reduced by copydetect (a winnowing fingerprint, as MOSS does) after its
filter has replaced every name by one letter and dropped comments, docstrings and layout, so
that renaming variables, rewording comments or reformatting changes nothing. The kata's stub
is the boilerplate (what every submission starts from does not count). Three levels:

- *verbatim*: the same text as the reference once blank lines and trailing spaces are dropped
  (its comments included: copied, not rewritten);
- *same code*: the same after the normalisation above;
- *near*: at least `NEAR` of each file's code in passages the other has too.

Files shorter than `MIN_TOKENS` normalised characters beyond the stub are left out of *same
code* and *near*: a four-line kata can only be written a few ways. Pairs of students who both
match the reference are not listed again against each other. Submission files are parsed as
text, never imported or run.
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
        from copydetect import compare_files

        if self.fp.filtered_code == other.fp.filtered_code:
            return 1.0
        _, (a, b), _ = compare_files(self.fp, other.fp)
        return float(min(a, b))


def find(subs: list, modules: list[str], refs, stubs: dict[str, str]) -> dict:
    """{"pairs": [{kind, kata, students, similarity, size}], "note": ...} over the class."""
    from copydetect import CodeFingerprint

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
            text = raw.decode("utf-8", "replace")
            if _layout(text) == _layout(stub):
                continue  # not started
            try:
                prints.append((sub.name, _Print(sub.name, text, boiler)))
            except Exception:  # noqa: BLE001 - an unreadable file is simply not compared
                continue
        like_reference = set()
        for name, fp in prints:
            if reference and _layout(fp.text) == _layout(reference):
                rows.append(("verbatim", module, [name], 1.0, fp.size, "the reference"))
                like_reference.add(name)
                continue
            if ref_print is None or fp.size < MIN_TOKENS:
                continue
            sim = fp.against(ref_print)
            if sim >= NEAR:
                rows.append(("same code" if sim == 1.0 else "near", module, [name], sim,
                             fp.size, "the reference"))
                like_reference.add(name)
        for i, (a, fa) in enumerate(prints):
            for b, fb in prints[i + 1:]:
                if a in like_reference and b in like_reference:
                    continue
                if min(fa.size, fb.size) < MIN_TOKENS:
                    continue
                if _layout(fa.text) == _layout(fb.text):
                    rows.append(("verbatim", module, [a, b], 1.0, fa.size, "each other"))
                    continue
                sim = fa.against(fb)
                if sim >= NEAR:
                    rows.append(("same code" if sim == 1.0 else "near", module, [a, b], sim,
                                 min(fa.size, fb.size), "each other"))
    order = {"verbatim": 0, "same code": 1, "near": 2}
    rows.sort(key=lambda r: (order[r[0]], -r[4], r[1], r[2]))
    pairs = [{"kind": kind, "kata": kata, "students": names, "similarity": round(sim, 3),
              "size": size, "like": like} for kind, kata, names, sim, size, like in rows]
    return {"pairs": pairs[:MAX_ROWS], "more": max(0, len(pairs) - MAX_ROWS),
            "note": f"normalised with copydetect (k={K}, window={WINDOW}); near: {NEAR:.0%}; "
                    f"files under {MIN_TOKENS} normalised characters compared verbatim only"}
