"""The `number` path converter: a request's number, FIPA-<year>-<six digits>. Registered on
import, so every URL module that uses it imports this module first."""

from django.urls import register_converter


class RequestNumberConverter:
    regex = r"FIPA-\d{4}-\d{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RequestNumberConverter, "number")
