"""JSON in and out of the service, whatever a client sends.

In: every route's body is read by one decoder (decode_body). Bytes that are not UTF-8,
malformed JSON, a body nested past the parser's recursion limit, a number of more digits than
Python converts, or a text holding a lone surrogate ("\\ud800", which no UTF-8 text can hold)
is a BodyRefused: 422 naming `body` and the rule, never an exception escaping as a 500.
Python's parser also reads the extensions NaN, Infinity and -Infinity, and 1e400 as inf: those
are left to the request schemas, which refuse them naming the field (`Income.finite`).

Out: SafeJSONResponse always encodes. The refusals quote a client's values made JSON-safe
(schema.shown_value); should a NaN or a lone surrogate still reach an answer, it is written as
null or U+FFFD instead of failing to encode (a 500).
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from modelops.files import json_safe

# A \u escape of a surrogate half: a lone one decodes to a text UTF-8 cannot encode.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class BodyRefused(HTTPException):
    """A body that cannot be read as JSON: answered 422 naming `body` and the rule."""

    def __init__(self, rule: str, message: str, field: str = "body") -> None:
        super().__init__(status_code=422, detail=message)
        self.rule, self.field = rule, field


def decode_body(body: bytes) -> Any:
    """The JSON value of a request body, or BodyRefused saying why there is none."""
    try:
        value = json.loads(body)
    except RecursionError:
        raise BodyRefused(
            "request.json_depth", "not valid JSON here: nested deeper than the parser goes"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise BodyRefused("request.json", f"not valid JSON: {err}") from None
    except ValueError as err:  # an integer of more digits than sys.get_int_max_str_digits()
        reason = str(err).split(";")[0]
        raise BodyRefused("request.json_number", f"a number too long to read: {reason}") from None
    if _SURROGATE_ESCAPE.search(body):  # rare: only then is every text checked
        where = _lone_surrogate(value, "")
        if where is not None:
            raise BodyRefused(
                "request.utf8",
                f"{where or 'body'}: a text holds a lone surrogate (\\ud800-\\udfff escape), "
                "which is not UTF-8 text",
                where or "body",
            )
    return value


def _lone_surrogate(value: Any, path: str) -> str | None:
    """The dotted path of the first text (or key) UTF-8 cannot encode, or None."""
    pending = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str) and not _encodes(item):
            return where
        if isinstance(item, dict):
            for key, child in item.items():
                inner = f"{where}.{key}" if where else str(key)
                if not _encodes(key):
                    return where or "body"
                pending.append((child, inner))
        elif isinstance(item, list):
            pending.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class DecodedRequest(Request):
    """A request whose JSON body FastAPI reads through decode_body."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = decode_body(await self.body())
        return self._json


class DecodedRoute(APIRoute):
    """A route that hands FastAPI a DecodedRequest: a body model's route (POST /v1/outcomes)
    reads its body as /v1/predict does."""

    def get_route_handler(self):
        handle = super().get_route_handler()

        async def decoded(request: Request) -> Response:
            return await handle(DecodedRequest(request.scope, request.receive))

        return decoded


class SafeJSONResponse(JSONResponse):
    """JSON that always encodes: the usual bytes, or, for content holding NaN, infinity or a
    lone surrogate, those written as null and U+FFFD."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except ValueError:  # allow_nan=False refused a NaN; UnicodeEncodeError is one too
            text = json.dumps(
                json_safe(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")
            )
            return _LONE_SURROGATE.sub("\ufffd", text).encode("utf-8")
