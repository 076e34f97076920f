"""HTTP with the standard library: JSON in and out, typed errors, retries of idempotent calls."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from .errors import (
    MnemoAuthenticationError,
    MnemoConflictError,
    MnemoConnectionError,
    MnemoError,
    MnemoInvalidInputError,
    MnemoNotFoundError,
    MnemoPayloadTooLargeError,
    MnemoPermissionError,
    MnemoServerError,
    MnemoUnavailableError,
    dimension_error,
)

_ERRORS: dict[int, type[MnemoError]] = {
    400: MnemoInvalidInputError,
    401: MnemoAuthenticationError,
    403: MnemoPermissionError,
    404: MnemoNotFoundError,
    409: MnemoConflictError,
    413: MnemoPayloadTooLargeError,
    503: MnemoUnavailableError,
}
_CONNECTION_ERRORS = (ConnectionError, http.client.RemoteDisconnected, http.client.IncompleteRead, socket.timeout, TimeoutError)


class Transport:
    """Sends requests to one Mnemo bridge with one API key."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        user: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry_delay: float = 0.25,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        if not api_key:
            raise ValueError("api_key is required (create one with: mnemo keys create --user <id>)")
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.user = user
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_delay = retry_delay

    def __repr__(self) -> str:  # never shows the key
        return f"Transport(base_url={self.base_url!r}, user={self.user!r})"

    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Sends one request and returns the decoded JSON answer.

        Idempotent calls (GET, PUT, DELETE by default, or ``idempotent=True``) are retried with exponential
        backoff on connection errors and on 503, up to ``max_retries`` times.
        """
        retry = idempotent if idempotent is not None else method in ("GET", "PUT", "DELETE", "HEAD")
        url = self.base_url + path
        pairs = {key: _query_value(value) for key, value in (query or {}).items() if value is not None}
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs)
        data = None if body is None else json.dumps(body, separators=(",", ":"), allow_nan=False).encode("utf-8")
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.user is not None:
            headers["X-Mnemo-User"] = self.user
        attempt = 0
        while True:
            try:
                return self._send(urllib.request.Request(url, data=data, headers=headers, method=method))
            except MnemoUnavailableError as error:
                if not retry or attempt >= self.max_retries:
                    raise
                time.sleep(min(error.retry_after or self._backoff(attempt), 30.0))
            except MnemoConnectionError:
                if not retry or attempt >= self.max_retries:
                    raise
                time.sleep(self._backoff(attempt))
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        return self.retry_delay * (2**attempt)

    def _send(self, request: urllib.request.Request) -> Any:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - the URL is the configured service
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise _http_error(error) from None
        except urllib.error.URLError as error:
            raise MnemoConnectionError(f"Cannot reach the Mnemo bridge at {self.base_url}: {error.reason}") from error
        except _CONNECTION_ERRORS as error:
            raise MnemoConnectionError(f"Connection to the Mnemo bridge at {self.base_url} failed: {error}") from error
        return json.loads(raw) if raw else None


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _http_error(error: urllib.error.HTTPError) -> Exception:
    try:
        payload = json.loads(error.read() or b"{}")
    except (ValueError, OSError):
        payload = {}
    detail = payload.get("error", {}) if isinstance(payload, dict) else {}
    message = str(detail.get("message") or error.reason or "Request failed")
    retry_after = error.headers.get("Retry-After") if error.headers else None
    details: dict[str, Any] = {
        "status": error.code,
        "code": str(detail.get("code") or "error"),
        "issues": detail.get("issues") or [],
        "request_id": error.headers.get("X-Request-Id") if error.headers else None,
        "retry_after": float(retry_after) if retry_after and retry_after.replace(".", "", 1).isdigit() else None,
    }
    if detail.get("reason") == "dimension_mismatch" and isinstance(detail.get("expected"), int) and isinstance(detail.get("actual"), int):
        mismatch = dimension_error(detail["expected"], detail["actual"])
        if isinstance(mismatch, MnemoError):
            mismatch.status, mismatch.code, mismatch.issues = details["status"], details["code"], details["issues"]
        return mismatch
    cls = _ERRORS.get(error.code) or (MnemoServerError if error.code >= 500 else MnemoError)
    return cls(message, **details)
