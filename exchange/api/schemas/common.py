from typing import Any

from ninja import Schema

# The largest id a path may carry: PostgreSQL's bigint, so a larger one is a 422, not a crash.
MAX_ID = 2**63 - 1


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """What ninja answers (HTTP 422) when a parameter is missing, malformed or out of range."""

    detail: list[dict[str, Any]]


# What every token-authenticated write endpoint may answer besides success.
WRITE_ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}
