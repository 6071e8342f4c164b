"""Public schema: the marketplace (developer organizations, listings, versions, screenshots,
automated checks, staff review), installs, OAuth codes and tokens for apps, and reviews."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0011_marketplace"
VERSION = "1.38.0"
DESCRIPTION = "marketplace: developer orgs, listings, installs, oauth, reviews"

CATEGORIES = (
    "inventory_management",
    "accounting",
    "design_software",
    "e_commerce",
    "quality_control",
    "suppliers",
    "marketing",
    "analytics",
    "productivity",
)

SQL = f"""
ALTER TABLE public.app_user ADD COLUMN is_staff boolean NOT NULL DEFAULT false;

CREATE TABLE public.developer_org (
    id uuid PRIMARY KEY,
    name varchar(120) NOT NULL,
    slug varchar(60) NOT NULL UNIQUE,
    website varchar(500) NOT NULL DEFAULT '',
    support_email varchar(254) NOT NULL DEFAULT '',
    created_by uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.developer_member (
    org_id uuid NOT NULL REFERENCES public.developer_org (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES public.app_user (id) ON DELETE CASCADE,
    role varchar(20) NOT NULL CHECK (role IN ('owner', 'admin', 'developer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX developer_member_user_idx ON public.developer_member (user_id);

CREATE TABLE public.listing (
    id uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES public.developer_org (id) ON DELETE CASCADE,
    slug varchar(80) NOT NULL UNIQUE,
    name varchar(120) NOT NULL,
    description varchar(300) NOT NULL DEFAULT '',
    long_description text NOT NULL DEFAULT '',
    developer_name varchar(120) NOT NULL DEFAULT '',
    category varchar(40) NOT NULL CHECK (category IN {CATEGORIES!r}),
    features text[] NOT NULL DEFAULT '{{}}',
    pricing_model varchar(20) NOT NULL DEFAULT 'free'
        CHECK (pricing_model IN ('free', 'one_time', 'subscription', 'usage_based')),
    pricing_amount numeric(12, 2) NOT NULL DEFAULT 0 CHECK (pricing_amount >= 0),
    pricing_currency char(3) NOT NULL DEFAULT 'USD',
    billing_cycle varchar(20) CHECK (billing_cycle IN ('monthly', 'annual')),
    trial_days integer NOT NULL DEFAULT 0 CHECK (trial_days BETWEEN 0 AND 365),
    scopes text[] NOT NULL DEFAULT '{{}}',
    webhook_events text[] NOT NULL DEFAULT '{{}}',
    webhook_url varchar(2000) NOT NULL DEFAULT '',
    redirect_uris text[] NOT NULL DEFAULT '{{}}',
    app_url varchar(2000) NOT NULL DEFAULT '',
    support_url varchar(2000) NOT NULL DEFAULT '',
    privacy_url varchar(2000) NOT NULL DEFAULT '',
    icon_path varchar(300),
    status varchar(20) NOT NULL DEFAULT 'draft' CHECK (status IN
        ('draft', 'submitted', 'approved', 'rejected', 'published', 'paused', 'unlisted',
         'suspended')),
    is_verified boolean NOT NULL DEFAULT false,
    rejection_reasons text[] NOT NULL DEFAULT '{{}}',
    submitted_at timestamptz,
    reviewed_at timestamptz,
    reviewed_by uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    published_at timestamptz,
    current_version_id uuid,
    -- OAuth client: client_id public; the secret hashed for checking and encrypted (Fernet, the
    -- app secret key) because deliveries to the app are signed with it.
    client_id varchar(64) NOT NULL UNIQUE,
    client_secret_hash varchar(64) NOT NULL,
    client_secret_enc text NOT NULL,
    -- Kept in the same transaction as the rows they summarise.
    rating numeric(3, 2) NOT NULL DEFAULT 0,
    review_count integer NOT NULL DEFAULT 0,
    rating_counts integer[] NOT NULL DEFAULT '{{0,0,0,0,0}}',
    download_count integer NOT NULL DEFAULT 0,
    active_installs integer NOT NULL DEFAULT 0,
    search_vector tsvector NOT NULL DEFAULT ''::tsvector,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX listing_org_idx ON public.listing (org_id);

-- Full text over name (A), developer and short description (B), features and long text (C);
-- the 'simple' configuration so product names are not stemmed.
CREATE FUNCTION public.listing_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('simple', coalesce(NEW.name, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(NEW.developer_name, '')), 'B')
        || setweight(to_tsvector('simple', coalesce(NEW.description, '')), 'B')
        || setweight(to_tsvector('simple', array_to_string(NEW.features, ' ')), 'C')
        || setweight(to_tsvector('simple', left(coalesce(NEW.long_description, ''), 20000)), 'D');
    RETURN NEW;
END $$;
CREATE TRIGGER listing_search_vector BEFORE INSERT OR UPDATE OF name, developer_name, description,
    features, long_description ON public.listing
    FOR EACH ROW EXECUTE FUNCTION public.listing_search_vector();
CREATE INDEX listing_public_idx ON public.listing (category, pricing_model, rating DESC)
    WHERE status = 'published';
CREATE INDEX listing_search_idx ON public.listing USING gin (search_vector);
CREATE INDEX listing_queue_idx ON public.listing (submitted_at) WHERE status = 'submitted';

CREATE TABLE public.listing_version (
    id uuid PRIMARY KEY,
    listing_id uuid NOT NULL REFERENCES public.listing (id) ON DELETE CASCADE,
    version varchar(40) NOT NULL,
    changelog text NOT NULL DEFAULT '',
    scopes text[] NOT NULL DEFAULT '{{}}',
    webhook_events text[] NOT NULL DEFAULT '{{}}',
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    UNIQUE (listing_id, version)
);

CREATE TABLE public.listing_screenshot (
    id uuid PRIMARY KEY,
    listing_id uuid NOT NULL REFERENCES public.listing (id) ON DELETE CASCADE,
    path varchar(300) NOT NULL,
    content_type varchar(40) NOT NULL,
    caption varchar(200) NOT NULL DEFAULT '',
    position integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX listing_screenshot_listing_idx ON public.listing_screenshot (listing_id, position);

-- Every status change of a listing, who made it and why (the developer is emailed too).
CREATE TABLE public.listing_event (
    id uuid PRIMARY KEY,
    listing_id uuid NOT NULL REFERENCES public.listing (id) ON DELETE CASCADE,
    from_status varchar(20),
    to_status varchar(20) NOT NULL,
    actor_user_id uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    reasons text[] NOT NULL DEFAULT '{{}}',
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX listing_event_listing_idx ON public.listing_event (listing_id, at);

-- Automated checks run on submit: [{{"check", "passed", "message"}}].
CREATE TABLE public.listing_check (
    id uuid PRIMARY KEY,
    listing_id uuid NOT NULL REFERENCES public.listing (id) ON DELETE CASCADE,
    results jsonb NOT NULL,
    passed boolean NOT NULL,
    ran_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX listing_check_listing_idx ON public.listing_check (listing_id, ran_at DESC);

CREATE TABLE public.app_install (
    id uuid PRIMARY KEY,
    listing_id uuid NOT NULL REFERENCES public.listing (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    version_id uuid REFERENCES public.listing_version (id) ON DELETE SET NULL,
    scopes text[] NOT NULL,
    installed_by uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    installed_at timestamptz NOT NULL DEFAULT now(),
    uninstalled_at timestamptz,
    uninstalled_by uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    cleanup_until timestamptz,
    redact_due_at timestamptz,
    redact_sent_at timestamptz,
    last_api_use_at timestamptz
);
CREATE UNIQUE INDEX app_install_active_idx ON public.app_install (listing_id, tenant_id)
    WHERE uninstalled_at IS NULL;
CREATE INDEX app_install_tenant_idx ON public.app_install (tenant_id);
CREATE INDEX app_install_redact_idx ON public.app_install (redact_due_at)
    WHERE redact_sent_at IS NULL AND redact_due_at IS NOT NULL;

CREATE TABLE public.oauth_code (
    code_hash varchar(64) PRIMARY KEY,
    listing_id uuid NOT NULL REFERENCES public.listing (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES public.app_user (id) ON DELETE CASCADE,
    redirect_uri varchar(2000) NOT NULL,
    scopes text[] NOT NULL,
    code_challenge varchar(128) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

CREATE TABLE public.oauth_token (
    id uuid PRIMARY KEY,
    token_hash varchar(64) NOT NULL UNIQUE,
    kind varchar(10) NOT NULL CHECK (kind IN ('access', 'refresh')),
    family_id uuid NOT NULL,
    listing_id uuid NOT NULL REFERENCES public.listing (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    install_id uuid NOT NULL REFERENCES public.app_install (id) ON DELETE CASCADE,
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX oauth_token_family_idx ON public.oauth_token (family_id);
CREATE INDEX oauth_token_install_idx ON public.oauth_token (install_id);

CREATE TABLE public.review (
    id uuid PRIMARY KEY,
    listing_id uuid NOT NULL REFERENCES public.listing (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    author_user_id uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body text NOT NULL DEFAULT '',
    used_for_seconds bigint NOT NULL DEFAULT 0,
    status varchar(20) NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'hidden')),
    reply_body text,
    reply_at timestamptz,
    reply_by uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (listing_id, tenant_id)
);
CREATE INDEX review_listing_idx ON public.review (listing_id, created_at DESC);

CREATE TABLE public.review_report (
    id uuid PRIMARY KEY,
    review_id uuid NOT NULL REFERENCES public.review (id) ON DELETE CASCADE,
    reporter_user_id uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    reason varchar(500) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    resolved_by uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    resolution varchar(20) CHECK (resolution IN ('kept', 'hidden'))
);
CREATE INDEX review_report_open_idx ON public.review_report (created_at) WHERE resolved_at IS NULL;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
