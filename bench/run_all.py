"""Run every benchmark in bench/ (what `make bench` calls) and summarise which met targets.

    .venv/bin/python bench/run_all.py                   # every benchmark
    .venv/bin/python bench/run_all.py provisioning migrate

Runs each bench/*.py except this file and files starting with an underscore, one at a time,
as `python bench/<name>.py`. A script counts as a benchmark when its module docstring starts
with "Benchmark"; others (bench/reference_app.py is a server the API benchmarks start) are
skipped, since running them bare would not end. Exits 1 if any benchmark exits non-zero.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def is_benchmark(script: Path) -> bool:
    """Whether a script in bench/ is a benchmark (its docstring starts with "Benchmark")."""
    if script.name.startswith("_") or script.name == Path(__file__).name:
        return False
    docstring = ast.get_docstring(ast.parse(script.read_text())) or ""
    return docstring.startswith("Benchmark")


def scripts(names: list[str]) -> list[Path]:
    """The benchmarks to run: all of them, or those named on the command line."""
    found = [p for p in sorted(HERE.glob("*.py")) if is_benchmark(p)]
    if not names:
        return found
    wanted = {n.removesuffix(".py") for n in names}
    unknown = wanted - {p.stem for p in found}
    if unknown:
        raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))}")
    return [p for p in found if p.stem in wanted]


def run(script: Path) -> tuple[int, float]:
    """Run one benchmark with this interpreter; return (exit code, seconds)."""
    print(f"\n=== {script.name} ===\n", flush=True)
    start = time.perf_counter()
    code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
    return code, time.perf_counter() - start


def main() -> int:
    """Run the benchmarks in turn, then print one line per benchmark."""
    results = {script.stem: run(script) for script in scripts(sys.argv[1:])}
    print("\n=== summary ===\n")
    for name, (code, took) in results.items():
        verdict = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"{name:<16} {verdict:<18} {took:7.1f} s")
    return 1 if any(code for code, _ in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
