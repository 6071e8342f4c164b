"""Pages of list results and iterators that walk every page (cursors when the API gives one,
page numbers otherwise)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _PageBase(Generic[T]):
    def __init__(self, envelope: Any, query: dict[str, Any]) -> None:
        self.envelope = envelope
        self.data: list[T] = list(envelope.data)
        self.pagination: Any = envelope.pagination
        self._query = query

    @property
    def next_cursor(self) -> str | None:
        """The cursor of the next page, when the API gave one."""
        return _text(getattr(self.pagination, "next_cursor", None)) or _text(
            getattr(self.envelope, "next_cursor", None)
        )

    @property
    def has_more(self) -> bool:
        """Whether another page may follow."""
        if not self.data:
            return False
        if self.next_cursor:
            return True
        if self._query.get("cursor"):
            return False  # walking by cursor: no cursor means this was the last page
        page, pages = _number(self.pagination.page), _number(self.pagination.total_pages)
        return page is not None and pages is not None and page < pages

    def next_page_query(self) -> dict[str, Any] | None:
        """The query for the next page: the same filters, with the cursor or the next number."""
        if not self.has_more:
            return None
        query = dict(self._query)
        if self.next_cursor:
            query.pop("page", None)
            query["cursor"] = self.next_cursor
        else:
            query["page"] = int(self.pagination.page) + 1
        return query

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[T]:
        """The items of this page only; auto_paging_iter() walks every page."""
        return iter(self.data)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self.data)} items, has_more={self.has_more}>"


class Page(_PageBase[T]):
    """One page of a list: `data`, `pagination`, `has_more`; `auto_paging_iter()` for all."""

    def __init__(
        self, envelope: Any, query: dict[str, Any], fetch: Callable[[dict[str, Any]], Page[T]]
    ) -> None:
        super().__init__(envelope, query)
        self._fetch = fetch

    def next_page(self) -> Page[T] | None:
        """The following page, or None after the last one."""
        query = self.next_page_query()
        return None if query is None else self._fetch(query)

    def auto_paging_iter(self) -> Iterator[T]:
        """Every item of this page and of the pages after it, fetched as needed."""
        page: Page[T] | None = self
        while page is not None:
            yield from page.data
            page = page.next_page()


class AsyncPage(_PageBase[T]):
    """One page of a list (async client): `async for x in page.auto_paging_iter()` for all."""

    def __init__(
        self,
        envelope: Any,
        query: dict[str, Any],
        fetch: Callable[[dict[str, Any]], Awaitable[AsyncPage[T]]],
    ) -> None:
        super().__init__(envelope, query)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[T] | None:
        """The following page, or None after the last one."""
        query = self.next_page_query()
        return None if query is None else await self._fetch(query)

    async def auto_paging_iter(self) -> AsyncIterator[T]:
        """Every item of this page and of the pages after it, fetched as needed."""
        page: AsyncPage[T] | None = self
        while page is not None:
            for item in page.data:
                yield item
            page = await page.next_page()
