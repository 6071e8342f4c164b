"""Builder flow tables (tenant schema); the DDL is in migrations/tenant/tenant_0007_builder_flows.py.

A flow holds its draft (what PUT edits) and the number of its current published version; each
publish adds an immutable `flow_version` row (never updated: runs keep the version they
started with). A deleted flow keeps its row, marked `deleted_at`, so its versions stay.
"""

from piccolo.columns import JSONB, UUID, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Flow(Table, tablename="flow"):
    """A flow: name, description, the template it came from, whether its triggers start runs,
    its draft configuration and its current published version (None before the first)."""

    id = UUID(primary_key=True)
    name = Varchar(length=200)
    description = Text(default="")
    template = Varchar(length=60, null=True, default=None)
    is_active = Boolean(default=False)
    draft = JSONB()
    published_version = Integer(null=True, default=None)
    created_by_type = Varchar(length=20)
    created_by_id = UUID(null=True, default=None)
    created_by_label = Varchar(length=254, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    deleted_at = Timestamptz(null=True, default=None)


class FlowVersion(Table, tablename="flow_version"):
    """One published version of a flow: its normalised configuration, who published it, when.
    Unique per (flow_id, number); never changed after insert."""

    id = UUID(primary_key=True)
    flow_id = UUID()
    number = Integer()
    definition = JSONB()
    published_by_type = Varchar(length=20)
    published_by_id = UUID(null=True, default=None)
    published_by_label = Varchar(length=254, default="")
    published_at = Timestamptz(default=TimestamptzNow())
