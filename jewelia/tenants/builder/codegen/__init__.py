"""Code export: a published flow version as a runnable TypeScript or Python program, zipped.

`export(definition, flow, version, language)` builds the zip from the version's normalised
definition: the program (one function per step, named after the step's id), a runtime with
the engine's rules, the project files and a README.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from jewelia.tenants.builder.codegen import python, typescript
from jewelia.tenants.builder.codegen.readme import readme

LANGUAGES = ("typescript", "python")


def files(
    definition: dict[str, Any], flow: dict[str, Any], version: int, language: str
) -> dict[str, str]:
    """The export's files by path (`language` one of LANGUAGES)."""
    module = {"typescript": typescript, "python": python}[language]
    out = module.files(definition, flow, version)
    out["README.md"] = readme(definition, flow, version, language)
    return out


def archive_name(flow: dict[str, Any], version: int, language: str) -> str:
    """The zip's file name, e.g. `flow-1a2b3c4d-v3-python.zip`."""
    return f"flow-{str(flow['id'])[:8]}-v{version}-{language}.zip"


def export(definition: dict[str, Any], flow: dict[str, Any], version: int, language: str) -> bytes:
    """The zip: every file under one folder named like the archive."""
    folder = archive_name(flow, version, language).removesuffix(".zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(files(definition, flow, version, language).items()):
            info = zipfile.ZipInfo(f"{folder}/{path}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()
