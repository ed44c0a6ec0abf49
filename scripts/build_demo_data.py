"""Build the embedded demo tenant "PayReady" (fictional payments-software company) from a fixed seed.

Writes every generated file of ``sophia_crew/demo_data/payready/``: the tabular CSVs, the ten call
transcripts (timed from the dialogue scripts in ``sophia_crew/demo_data/_sources/calls``) with
``calls/index.csv``, and the .docx/.pdf resumes (text in ``_sources/resumes``). Hand-written files (README, job
descriptions, text resumes, the SwiftPay web pages) are not touched.

Stdlib + numpy (+ python-docx for the two .docx resumes; the .pdf is written by hand). Every random stream is
seeded per output file, so rerunning produces byte-identical files. The generators live in the ``demo_tenant``
package next to this script (story tables in ``world``; ``crm``, ``signals``, ``calls``, ``resumes``).

Usage: ``python scripts/build_demo_data.py [--out DIR]`` (default: the package's demo folder).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from demo_tenant import build_all
from demo_tenant.common import DEFAULT_OUT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the PayReady demo tenant (deterministic).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: the package's)")
    args = parser.parse_args(argv)
    files = build_all()
    for rel, data in files:
        path = args.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(files)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
