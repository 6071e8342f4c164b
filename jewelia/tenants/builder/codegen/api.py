"""REST controller for code export: `GET /integrations/builder/{id}/versions/{n}/code` answers a
published version as a zip holding a TypeScript or Python program and its README.

Same rules as the flows' controller: API keys and users with read permission (the export shows
no more than getFlow and listFlowVersions do); app tokens are refused.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, get
from litestar.params import Parameter

from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.builder import service
from jewelia.tenants.builder.codegen import LANGUAGES, archive_name, export


class FlowCodeController(Controller):
    path = "/integrations/builder"
    tags = ["Integration builder"]

    @get(
        "/{flow_id:uuid}/versions/{number:int}/code",
        operation_id="exportFlowCode",
        summary="A published version as a runnable program (a zip: TypeScript with"
        " @jewelia/api-client, or Python with jewelia-api-client, and a README)",
        media_type="application/zip",
    )
    async def export_code(
        self,
        auth: ApiAuth,
        flow_id: UUID,
        number: Annotated[int, Parameter(ge=1, le=1_000_000, description="Version number")],
        language: Annotated[
            str, Parameter(max_length=20, description="typescript (default) or python")
        ] = "typescript",
    ) -> Response[bytes]:
        if language not in LANGUAGES:
            choices = " or ".join(LANGUAGES)
            raise ValidationFailed(
                [FieldError("language", f"language must be {choices}", "INVALID_CHOICE")]
            )
        flow = await service.get_flow(auth.tenant.ref, flow_id)
        version = await service.get_version(auth.tenant.ref, flow_id, number)
        content = export(version["configuration"], flow, number, language)
        name = archive_name(flow, number, language)
        return Response(
            content=content,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
