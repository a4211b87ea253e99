"""A JSON parser that honours DATA_UPLOAD_MAX_MEMORY_SIZE.

DRF's JSONParser reads the request stream directly, so Django's body-size limit (which guards
`request.body` and form data) never applies to JSON: a signed-in client could send a body of any size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "请求内容过大。"
    default_code = "too_large"


class LimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        meta = getattr(request, "META", {}) if request is not None else {}
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except (TypeError, ValueError):
            length = 0
        if limit is not None and length > limit:
            raise RequestTooLarge(f"请求内容过大（上限 {limit // 1024} KB）。")
        return super().parse(stream, media_type, parser_context)
