"""Import/export tables (tenant schema); the DDL is in migrations/tenant/tenant_0004_transfer.py."""

from piccolo.columns import (
    JSONB,
    UUID,
    BigInt,
    Boolean,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class TransferJob(Table, tablename="transfer_job"):
    """One import or export: what, how far (processed_rows is the resume checkpoint), its lease,
    and its files (under the data folder, removed after files_expire_at)."""

    id = UUID(primary_key=True)
    kind = Varchar(length=10)
    data_type = Varchar(length=20)
    format = Varchar(length=10)
    status = Varchar(length=20, default="queued")
    options = JSONB(default="{}")
    mapping = JSONB(null=True, default=None)
    filters = JSONB(null=True, default=None)
    fields = JSONB(null=True, default=None)
    file_name = Text(null=True, default=None)
    file_size = BigInt(null=True, default=None)
    total_rows = Integer(null=True, default=None)
    processed_rows = Integer(default=0)
    counts = JSONB(default="{}")
    message = Text(default="")
    result_file = Text(null=True, default=None)
    error_file = Text(null=True, default=None)
    attempts = Integer(default=0)
    lease_token = UUID(null=True, default=None)
    leased_until = Timestamptz(null=True, default=None)
    cancel_requested = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    files_expire_at = Timestamptz(null=True, default=None)


class TransferRowError(Table, tablename="transfer_row_error"):
    """A row an import refused: its number, [{field, message, code}], and the values given."""

    job_id = UUID()
    row_number = Integer()
    errors = JSONB()
    record = JSONB()


class TransferOrderRef(Table, tablename="transfer_order_ref"):
    """Which order an imported file's order reference became (re-imports find it again)."""

    reference = Varchar(length=100, primary_key=True)
    order_id = UUID()
