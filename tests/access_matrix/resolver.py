"""Every URL pattern the site serves, found by walking the URL configuration itself, so a URL
added anywhere shows up here without being listed by hand."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import URLPattern, URLResolver, get_resolver

# Parts of the site with tests of their own: the admin (Django's, behind allauth's sign-in) and
# allauth's account pages (sign-in, sign-up, second factor, sessions).
SKIPPED_NAMESPACES = frozenset({"admin"})
SKIPPED_ROUTE_PREFIXES = ("accounts/",)
UNNAMED = "unnamed:"


@dataclass(frozen=True)
class SiteUrl:
    name: str  # "namespace:name", as reverse() takes it
    route: str  # the whole route, e.g. "requests/<number:number>/"
    arguments: tuple[str, ...]  # the names of its captured arguments, in order

    @property
    def takes_arguments(self) -> bool:
        return bool(self.arguments)


def _captured(pattern: object) -> tuple[str, ...]:
    """The names a pattern captures: path() converters, or re_path() named groups."""
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def _walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...], arguments: tuple):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        captured = arguments + _captured(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, route, inner, captured)
        elif isinstance(entry, URLPattern):
            yield namespaces, entry.name, route, captured


def site_urls() -> list[SiteUrl]:
    """The site's named URLs outside the admin and allauth, in URL-configuration order."""
    return list(_site_urls(get_resolver()))


@lru_cache(maxsize=4)
def _site_urls(resolver: URLResolver) -> tuple[SiteUrl, ...]:
    """Walked once per URL configuration (a changed ROOT_URLCONF is a new resolver)."""
    found: dict[str, SiteUrl] = {}
    for namespaces, name, route, arguments in _walk(resolver, "", (), ()):
        if set(namespaces) & SKIPPED_NAMESPACES or route.startswith(SKIPPED_ROUTE_PREFIXES):
            continue
        if name is None:
            # An unnamed pattern cannot be classified or reversed: the matrix asks for a name.
            name = f"{UNNAMED}{route}"
        full_name = ":".join((*namespaces, name))
        found.setdefault(full_name, SiteUrl(full_name, route, arguments))
    return tuple(found.values())


def urls_with_arguments() -> dict[str, SiteUrl]:
    return {url.name: url for url in site_urls() if url.takes_arguments}


def urls_without_arguments() -> dict[str, SiteUrl]:
    return {url.name: url for url in site_urls() if not url.takes_arguments}
