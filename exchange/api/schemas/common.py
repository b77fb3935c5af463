from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """What ninja answers (HTTP 422) when a parameter is missing, malformed or out of range."""

    detail: list[dict[str, Any]]
