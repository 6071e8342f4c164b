"""Audit log table (tenant schema)."""

from piccolo.columns import JSONB, UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditLog(Table, tablename="audit_log"):
    """Who changed what, when, with the values before and after."""

    id = UUID(primary_key=True)
    actor_type = Varchar(length=20)
    actor_id = UUID(null=True, default=None)
    actor_label = Varchar(length=254, default="")
    action = Varchar(length=60)
    entity = Varchar(length=60)
    entity_id = Varchar(length=64, default="")
    before = JSONB(null=True, default=None)
    after = JSONB(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
