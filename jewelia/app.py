"""create_app(): the Litestar application with its plugins, routers and error handlers."""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.di import Provide
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.stores.redis import RedisStore
from litestar.template.config import TemplateConfig

from jewelia.core.db import DB, start_db, stop_db
from jewelia.core.errors import EXCEPTION_HANDLERS
from jewelia.core.logs import setup_logging
from jewelia.core.metrics import metrics_endpoint, metrics_middleware
from jewelia.core.middleware import body_limit_middleware, request_context_middleware
from jewelia.core.openapi import api_docs, openapi_config, openapi_json
from jewelia.core.redis_client import close_redis, get_redis
from jewelia.core.settings import get_settings
from jewelia.platform.analytics.alerts_api import AlertController
from jewelia.platform.analytics.api import ApiUsageController
from jewelia.platform.analytics.requestlog import request_log_lifespan, request_log_middleware
from jewelia.platform.apikeys.api import ApiKeyController, AuthController
from jewelia.platform.apikeys.cors import cors_middleware
from jewelia.platform.apikeys.grant_cache import GRANTS
from jewelia.platform.apikeys.guard import api_guard, provide_auth, rate_limit_headers_middleware
from jewelia.platform.apikeys.idempotency import idempotency_middleware
from jewelia.platform.commerce import usage_api
from jewelia.platform.commerce.app_billing import AppChargeController
from jewelia.platform.marketplace.api import MarketplaceController
from jewelia.platform.marketplace.reviews_api import ReviewController
from jewelia.platform.oauth.api import OAuthController
from jewelia.tenants.builder import files_api as flow_files_api
from jewelia.tenants.builder import secrets_api as flow_secrets_api
from jewelia.tenants.builder.api import FlowController
from jewelia.tenants.builder.codegen.api import FlowCodeController
from jewelia.tenants.builder.engine.base import TRIGGER_MAX_BYTES
from jewelia.tenants.builder.runs_api import RUN_BODY, RUN_PATH, FlowRunController
from jewelia.tenants.builder.templates_api import FlowTemplateController
from jewelia.tenants.builder.testing_api import FlowTestController
from jewelia.tenants.builder.triggers.api import FlowHookController, FlowWebhookController
from jewelia.tenants.builder.triggers.webhook import HOOK_PATH
from jewelia.tenants.crm.customers.api import CustomerController
from jewelia.tenants.crm.inventory.api import InventoryController
from jewelia.tenants.crm.orders.api import OrderController
from jewelia.tenants.notifications.api import NotificationController
from jewelia.tenants.transfer.api import DownloadController, ImportExportController
from jewelia.tenants.webhooks.inbound.api import InboundReceiveController, InboundSourceController
from jewelia.tenants.webhooks.outbound.api import WebhookController
from jewelia.tenants.webhooks.stream import api as stream_api
from jewelia.tenants.webhooks.stream.channels import channels_plugin
from jewelia.tenants.webhooks.tools.api import WebhookToolsController
from jewelia.web.account import api_keys as apikey_pages
from jewelia.web.account import pages as account_pages
from jewelia.web.account import security
from jewelia.web.auth import pages as auth
from jewelia.web.billing import app_charges as billing_app_charges
from jewelia.web.billing import pages as billing_pages
from jewelia.web.builder import pages as builder_pages
from jewelia.web.builder import secrets as builder_secrets
from jewelia.web.context import LoginRequired
from jewelia.web.crm import customers, inventory, orders
from jewelia.web.csrf import csrf_middleware, refresh_token
from jewelia.web.data import pages as transfer_pages
from jewelia.web.dev import mail as devmail
from jewelia.web.developers import alerts as developer_alerts
from jewelia.web.developers import inbound_webhooks as inbound_webhook_pages
from jewelia.web.developers import logs as developer_logs
from jewelia.web.developers import portal as developer_portal
from jewelia.web.developers import usage as developer_usage
from jewelia.web.developers import webhook_tools as webhook_tool_pages
from jewelia.web.developers import webhooks as webhook_pages
from jewelia.web.health import health, ready
from jewelia.web.integrations import pages as integration_pages
from jewelia.web.marketplace import pages as marketplace_pages
from jewelia.web.marketplace import reviews as marketplace_review_pages
from jewelia.web.notifications import pages as notification_pages
from jewelia.web.oauth import pages as oauth_pages
from jewelia.web.partners import listings as partner_listing_pages
from jewelia.web.partners import media as partner_media
from jewelia.web.partners import orgs as partner_org_pages
from jewelia.web.partners import payouts as partner_payout_pages
from jewelia.web.partners import revenue as partner_revenue_pages
from jewelia.web.partners import reviews as partner_review_pages
from jewelia.web.partners import statements as partner_statement_pages
from jewelia.web.sessions import RotatingSessionConfig
from jewelia.web.staff import payouts as staff_payout_pages
from jewelia.web.staff import queue as staff_queue_pages
from jewelia.web.staff import reports as staff_report_pages
from jewelia.web.staff import revenue_share as staff_revenue_share_pages
from jewelia.web.workspace import pages as workspace
from jewelia.web.workspace import team
from jewelia.workers import broker as _broker  # noqa: F401 - registers the jobs port's broker

WEB_DIR = Path(__file__).resolve().parent / "web"
# Shared layouts in web/templates; each area keeps its own beside its handlers.
TEMPLATE_DIRS: list[Path | os.PathLike[Any] | str] = [
    WEB_DIR / "templates",
    *sorted(WEB_DIR.glob("*/templates")),
]
IMPORT_PATH = "/api/v1/import-export"  # uploads: streamed; the handler applies the plan's limit
MAX_IMPORT_BODY = 300 << 20


def _login_redirect(request: Any, exc: LoginRequired) -> Any:
    from urllib.parse import quote

    from litestar.response import Redirect

    return Redirect(path=f"/login?next={quote(request.url.path)}")


def _template_engine(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.globals["product"] = "Jewelia"
    env.filters["money"] = lambda v: f"${v:,.2f}"
    env.filters["dt"] = lambda v: v.strftime("%b %d, %Y %H:%M") if v else ""


def api_routers() -> list[Router]:
    """/api/v1: guarded resources (tenant resolved from the Bearer credential) and token routes."""
    guarded = Router(
        path="/api/v1",
        route_handlers=[
            CustomerController,
            InventoryController,
            OrderController,
            ApiKeyController,
            WebhookToolsController,
            WebhookController,
            InboundSourceController,
            ImportExportController,
            FlowController,
            FlowRunController,
            FlowCodeController,
            FlowTestController,
            flow_files_api.FlowFileController,
            flow_secrets_api.FlowSecretController,
            NotificationController,
            FlowTemplateController,
            FlowWebhookController,
            AppChargeController,  # the business's app charges (read-only)
            AlertController,  # /analytics/alerts: rules and incidents
            ApiUsageController,  # /analytics/api-usage: usage figures, client log lines
        ],
        guards=[api_guard],
        middleware=[rate_limit_headers_middleware, idempotency_middleware],
        dependencies={"auth": Provide(provide_auth, sync_to_thread=False)},
    )
    # No API key here: token routes, and incoming webhooks (the sender signs the body).
    unguarded = Router(
        path="/api/v1",
        route_handlers=[
            AuthController,
            InboundReceiveController,
            DownloadController,
            flow_files_api.FlowFileDownloadController,
            FlowHookController,
        ],
    )
    unguarded.register(ReviewController)  # marketplace reviews: GET public, writes guarded
    unguarded.register(MarketplaceController)  # marketplace browse: public catalog, own guard
    unguarded.register(usage_api.UsageController)  # app usage reports: app tokens, own guard
    return [guarded, unguarded]


def create_app() -> Litestar:
    """Build the web application from the current settings."""
    settings = get_settings()
    https = settings.base_url.startswith("https://")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owns_pool = DB.pool is None
        await start_db(settings.database_url)
        await GRANTS.start(settings.database_url)
        # Everything loaded so far lives as long as the process: keep it out of the cyclic
        # GC's full collections, which otherwise pause a request for ~50 ms now and then.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await GRANTS.stop()
            if owns_pool:
                await stop_db()
                await close_redis()

    template_config = TemplateConfig(
        directory=TEMPLATE_DIRS,
        engine=JinjaTemplateEngine,
        engine_callback=_template_engine,
    )
    session_config = RotatingSessionConfig(
        store="sessions",
        key="jewelia_session",
        max_age=settings.session_max_age,
        secure=https,
        httponly=True,
        samesite="lax",
        # The API and probes are stateless: no session is read or written for them.
        exclude=["/api/", "/health", "/ready", "/static/", "/metrics"],
    )
    return Litestar(
        route_handlers=[
            health,
            ready,
            metrics_endpoint,  # Prometheus, bearer JEWELIA_METRICS_TOKEN
            *api_routers(),
            stream_api.stream_socket,  # real-time events: own auth (header or first message)
            stream_api.stream_sse,
            openapi_json,
            api_docs,
            auth.router,
            account_pages.router,
            workspace.router,
            customers.router,
            inventory.router,
            orders.router,
            team.router,
            security.router,
            devmail.router,
            apikey_pages.router,
            billing_pages.router,
            billing_app_charges.router,  # Settings > Billing > Apps, app charge confirmation
            inbound_webhook_pages.router,
            webhook_tool_pages.router,
            webhook_pages.router,
            developer_logs.router,  # Developers > Logs
            developer_usage.router,  # Developers > Usage
            developer_alerts.router,  # Developers > Alerts
            transfer_pages.router,
            developer_portal.router,
            OAuthController,  # /oauth/token, /oauth/revoke, RFC 8414 metadata
            oauth_pages.router,  # /oauth/authorize consent page
            integration_pages.router,
            builder_pages.router,
            builder_secrets.router,
            marketplace_pages.router,
            partner_org_pages.router,
            partner_listing_pages.router,
            partner_media.router,
            staff_queue_pages.router,
            marketplace_review_pages.router,
            partner_review_pages.router,
            partner_payout_pages.router,
            partner_revenue_pages.router,
            partner_statement_pages.router,
            staff_report_pages.router,
            staff_payout_pages.router,
            staff_revenue_share_pages.router,
            notification_pages.router,
            create_static_files_router(
                path="/static", directories=[WEB_DIR / "static"], include_in_schema=False
            ),
        ],
        # Exited first (reverse order): the request log's last rows go out before the pool closes.
        lifespan=[lifespan, request_log_lifespan],
        on_startup=[lambda: setup_logging()],
        plugins=[
            HTMXPlugin(),
            FlashPlugin(config=FlashConfig(template_config=template_config)),
            channels_plugin(),  # fan-out of the real-time stream (Redis pub/sub)
        ],
        template_config=template_config,
        middleware=[
            metrics_middleware,  # outermost: times the whole stack, labels by route template
            request_context_middleware,
            # API requests of an authenticated business, buffered and written by COPY (inside
            # the context middleware: it reads the request id); JEWELIA_REQUEST_LOG=0 leaves it out
            *([request_log_middleware] if settings.request_log else []),
            cors_middleware,  # API preflights answered before anything else, per-business CORS
            body_limit_middleware(
                settings.max_body_bytes,
                {
                    IMPORT_PATH: MAX_IMPORT_BODY,
                    flow_files_api.UPLOAD_PATH: flow_files_api.UPLOAD_BODY,
                    HOOK_PATH: TRIGGER_MAX_BYTES,  # builder webhook URLs (a prefix)
                    transfer_pages.UPLOAD_PATH: transfer_pages.UPLOAD_BODY,
                    partner_media.UPLOAD_PATH: partner_media.UPLOAD_BODY,
                },
                larger={RUN_PATH: RUN_BODY},  # a builder run's 10 MB trigger payload
            ),
            session_config.middleware,
            csrf_middleware,  # after the session: tokens are bound to it
        ],
        stores={"sessions": RedisStore(redis=get_redis(), namespace="sessions")},
        after_request=refresh_token,  # pages render the token of the session left behind
        exception_handlers={**EXCEPTION_HANDLERS, LoginRequired: _login_redirect},
        openapi_config=openapi_config(),
        debug=False,
    )
