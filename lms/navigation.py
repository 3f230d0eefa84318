"""The main menu and the home page's shortcuts: each area registers its entries
with the roles that see them."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from flask import request, url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

# The staff menus: a person's own pages stay in the bar, each role's tools go in one
# dropdown, so the bar fits one line however many areas register pages.


@dataclass(frozen=True)
class MenuGroup:
    order: int
    label: LazyString


TEACHING = MenuGroup(1, _l("Teaching"))
HR = MenuGroup(2, _l("HR"))
ADMINISTRATION = MenuGroup(3, _l("Administration"))


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: LazyString | str
    icon: str
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    order: int = 100
    description: LazyString | str = ""  # shown on the home page's shortcut cards
    in_menu: bool = True
    group: MenuGroup | None = None  # a staff dropdown (TEACHING, HR, ...); None: the bar


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    icon: str
    is_current: bool
    description: str
    in_menu: bool
    group: MenuGroup | None = None


@dataclass(frozen=True)
class NavGroup:
    """A dropdown of the menu: its label and links, or a single link in the bar (label None)."""

    label: str | None
    links: list[NavLink]

    @property
    def is_current(self) -> bool:
        return any(link.is_current for link in self.links)


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
                url,
                str(entry.label),
                entry.icon,
                is_current,
                str(entry.description),
                entry.in_menu,
                entry.group,
            )
        )
    return links


def menu_of(links: list[NavLink]) -> list[NavGroup]:
    """The bar: the person's own pages in order, then one dropdown per staff group."""
    shown = [link for link in links if link.in_menu]
    own = [NavGroup(None, [link]) for link in shown if link.group is None]
    staff = sorted((link for link in shown if link.group), key=lambda k: k.group.order)  # type: ignore[union-attr]
    groups = [
        NavGroup(str(group.label), list(items))  # type: ignore[union-attr]
        for group, items in groupby(staff, lambda k: k.group)
    ]
    return own + groups
