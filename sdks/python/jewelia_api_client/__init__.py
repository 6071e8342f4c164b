"""Official Python client for the Jewelia API.

`JeweliaClient(api_key=..., base_url="https://your-host/api/v1")`, then
`client.customers.list(page=1, limit=20, search="john")` or
`client.customers.create({"full_name": "Jane Smith", "email": "jane@example.com"})`.
"""

from . import webhooks
from ._client import AsyncJeweliaClient, JeweliaClient
from ._core import __version__
from ._pagination import AsyncPage, Page
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    AuthorizationError,
    ConflictError,
    JeweliaError,
    NotFoundError,
    RateLimitError,
    ValidationError,
    WebhookSignatureError,
)
from .stream import StreamEvent

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncJeweliaClient",
    "AsyncPage",
    "AuthenticationError",
    "AuthorizationError",
    "ConflictError",
    "JeweliaClient",
    "JeweliaError",
    "NotFoundError",
    "Page",
    "RateLimitError",
    "StreamEvent",
    "ValidationError",
    "WebhookSignatureError",
    "__version__",
    "webhooks",
]
