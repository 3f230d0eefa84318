"""The main menu and the home page's shortcuts: each area registers its entries
with the roles that see them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import LazyString


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: LazyString | str
    icon: str
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    order: int = 100
    description: LazyString | str = ""  # shown on the home page's shortcut cards
    in_menu: bool = True


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    icon: str
    is_current: bool
    description: str
    in_menu: bool


_ENTRIES: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def links_for(user: object) -> list[NavLink]:
    """The menu ``user`` sees, in order, with the current page marked."""
    if not getattr(user, "is_authenticated", False):
        return []
    links = []
    for entry in sorted(_ENTRIES, key=lambda e: e.order):
        if entry.roles and not user.has_any_role(*entry.roles):  # type: ignore[attr-defined]
            continue
        url = url_for(entry.endpoint)
        is_current = request.path == url or (url != "/" and request.path.startswith(url + "/"))
        links.append(
            NavLink(
                url, str(entry.label), entry.icon, is_current, str(entry.description), entry.in_menu
            )
        )
    return links
