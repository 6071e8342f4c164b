"""Notification table (tenant schema); the DDL is in
migrations/tenant/tenant_0010_notifications_flow_files.py."""

from piccolo.columns import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Notification(Table, tablename="notification"):
    """One in-app notification of the business: its text, an optional link, where it came from
    (a flow's step: source_type "flow", its id), and when a member read it."""

    id = UUID(primary_key=True)
    title = Varchar(length=200)
    body = Text(default="")
    link = Varchar(length=2000, null=True, default=None)
    source_type = Varchar(length=20, default="system")
    source_id = UUID(null=True, default=None)
    idempotency_key = Varchar(length=450, null=True, default=None, unique=True)
    read_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
