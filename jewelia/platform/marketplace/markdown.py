"""Listing descriptions in Markdown, rendered safely: CommonMark with raw HTML escaped, links
only to http(s) addresses (rel="nofollow ugc noopener"), no images (no tracking pixels)."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

_SAFE_SCHEMES = ("http://", "https://")


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(_SAFE_SCHEMES)


def _link_open(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    tokens[idx].attrSet("rel", "nofollow ugc noopener")
    return str(renderer.renderToken(tokens, idx, options, env))


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.disable("image")
    md.add_render_rule("link_open", _link_open)
    return md


_MD = _parser()


def render_markdown(text: str) -> Markup:
    """HTML for a listing's long description (safe to insert into a page)."""
    return Markup(_MD.render(text or ""))  # noqa: S704 - html disabled, links checked
