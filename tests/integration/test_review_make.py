"""Issue 10: `make test` on a machine without Chromium installs it as root (like CI), or says how.

The Makefile's own `chromium` recipe runs for real, on a PATH where chromium is missing and
`id` and `apt-get` are stand-ins that record what they were asked to do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")  # always there: `make test` is how the suite runs


def _fake_bin(tmp_path: Path, uid: int) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    calls = tmp_path / "apt-calls"
    scripts = {
        "id": f"#!/bin/sh\necho {uid}\n",
        "apt-get": f'#!/bin/sh\necho "$DEBIAN_FRONTEND apt-get $*" >> {calls}\n',
    }
    for name, text in scripts.items():
        (folder / name).write_text(text)
        (folder / name).chmod(0o755)
    return folder


def _make_chromium(path: Path) -> subprocess.CompletedProcess[str]:
    assert MAKE
    return subprocess.run(
        [MAKE, "--no-print-directory", "-C", str(ROOT), "chromium"],
        env={"PATH": str(path), "HOME": os.environ.get("HOME", "/tmp")},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_root_without_chromium_installs_it_like_ci(tmp_path: Path) -> None:
    done = _make_chromium(_fake_bin(tmp_path, 0))
    assert done.returncode == 0, done.stderr
    assert "installing Debian's chromium package" in done.stdout
    calls = (tmp_path / "apt-calls").read_text().splitlines()
    assert calls == [
        "noninteractive apt-get update -qq",
        "noninteractive apt-get install -y -qq chromium",
    ]


def test_another_user_without_chromium_is_told_what_to_do(tmp_path: Path) -> None:
    done = _make_chromium(_fake_bin(tmp_path, 1000))
    assert done.returncode != 0
    assert "Chromium is missing" in done.stderr and "sudo make chromium" in done.stderr
    assert not (tmp_path / "apt-calls").exists()


def test_chromium_present_means_nothing_to_do(tmp_path: Path) -> None:
    folder = _fake_bin(tmp_path, 0)
    (folder / "chromium").write_text("#!/bin/sh\n")
    (folder / "chromium").chmod(0o755)
    done = _make_chromium(folder)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    assert not (tmp_path / "apt-calls").exists()


def test_make_test_and_ci_share_the_recipe() -> None:
    assert MAKE
    planned = subprocess.run(
        [MAKE, "--no-print-directory", "-n", "-C", str(ROOT), "test"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert planned.index("apt-get install -y -qq chromium") < planned.index("pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "apt-get" not in ci
    assert "make test` run as root installs" in (ROOT / "README.md").read_text()
