"""Writes an enormous file, at import. Expect: stopped by the file-size limit; the kata scores 0
and nothing is written outside the grader's folders."""

import os

chunk = b"\0" * (16 * 1024 * 1024)
for where in ("big.bin", "/tmp/dojo-hostile-big.bin", os.path.expanduser("~/big.bin")):
    try:
        with open(where, "wb") as handle:
            for _ in range(64):
                handle.write(chunk)
    except OSError:
        pass
raise SystemExit("wrote what it could")


def sgd_step(params, lr):
    pass


def decrement_all(values, amount):
    pass
