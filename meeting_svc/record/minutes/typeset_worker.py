"""Typst in a process of its own: `python -I typeset_worker.py TIMESTAMP` reads Typst source on stdin and
writes the PDF on stdout (exit 0), or the compiler's message on stderr (exit 1). Imports only the standard
library and `typst`, so it runs isolated (`-I`) wherever the package is.

The compiler's root is an empty temporary folder made for the one compile (and the working directory too):
`#read(...)`, `#image(...)` or `#include` of any path find nothing to read, and `..` cannot leave the root."""

from __future__ import annotations

import os
import sys
import tempfile

import typst


def compile_isolated(src: bytes, timestamp: int) -> bytes:
    """The PDF of `src`, compiled with an empty folder as its root and no system fonts (the wheel's own)."""
    with tempfile.TemporaryDirectory(prefix="typst-root-") as root:
        pdf = typst.compile(  # type: ignore[type-var]  # the stub ties root's type to the input's (bytes)
            src,
            root=root,
            ignore_system_fonts=True,
            timestamp=timestamp,
            package_path=os.path.join(root, "packages"),
            package_cache_path=os.path.join(root, "cache"),
        )
    assert isinstance(pdf, bytes)
    return pdf


def main() -> int:
    timestamp = int(sys.argv[1])
    src = sys.stdin.buffer.read()
    os.chdir(tempfile.gettempdir())
    try:
        pdf = compile_isolated(src, timestamp)
    except Exception as error:  # the compiler's message, for the service's log
        sys.stderr.write(f"{type(error).__name__}: {error}"[:4000])
        return 1
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
