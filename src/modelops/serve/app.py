"""The FastAPI application: predict, outcomes, look-up, model, health, metrics, reload.

A decision is answered only after its row is committed to the prediction store; when the
store cannot be written the answer is 503 with Retry-After, never a decision without a record.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import secrets
import signal
import time
import uuid
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, create_model
from starlette.exceptions import HTTPException as StarletteHTTPException

from modelops.config import paths
from modelops.config.params import Params, ServeParams
from modelops.explain.applicant import applicant_of
from modelops.explain.reasons import MAX_REASONS, require_texts, score_with_reasons
from modelops.serve.batching import MicroBatcher
from modelops.serve.exploration import (
    DailyBudget,
    Taken,
    check_targeting,
    expected_loss,
    explored_decision,
    segment_categories,
)
from modelops.serve.http_json import BodyRefused, DecodedRoute, SafeJSONResponse, decode_body
from modelops.serve.schema import application_model, field_path, problems, shown_value
from modelops.serve.served import ServedModel
from modelops.serve.telemetry import Telemetry
from modelops.store import (
    Decision,
    ObservedBeforePrediction,
    OutcomeConflict,
    PredictionStore,
    StoreUnavailable,
    UnknownPrediction,
)

RETRY_AFTER_SECONDS = "1"
ROUTES = (
    "/v1/predict",
    "/v1/outcomes",
    "/v1/predictions",
    "/v1/model",
    "/v1/admin/reload",
    "/health/live",
    "/health/ready",
    "/metrics",
    "/docs",
    "/static-offline-docs",
    "/openapi.json",
)


@dataclass
class Row:
    """One valid application: values for the model, and the application as received."""

    values: dict[str, Any]
    received: dict[str, Any]


class Reason(BaseModel):
    """One principal reason of a rejection: the feature, and compliance's words for it."""

    feature: str
    reason: str


class Answer(BaseModel):
    """The decision is binding. With serve.exploration.rate above 0 an approval may come with
    p_default at or over the threshold: approved by exploration. The answer does not flag it,
    so the client treats it like any approval (a flag invites handling those loans apart,
    which would bias the outcomes they are for); GET /v1/predictions/{id} shows it.
    A rejection carries up to four principal reasons, the strongest first (explain/reasons.py);
    an approval an empty list."""

    prediction_id: str
    p_default: float
    decision: Literal["approve", "reject"]
    threshold: float
    model_version: str
    reasons: list[Reason] = Field(max_length=MAX_REASONS)


class Problem(BaseModel):
    """What was wrong with a request: the field, the contract rule it broke, the value."""

    field: str
    rule: str
    value: Any = None
    message: str


class Problems(BaseModel):
    detail: list[Problem]


# Every refusal answers with Problems (documented, so clients and fuzzers can rely on it).
REFUSALS = {
    code: {"model": Problems, "description": text}
    for code, text in (
        (404, "no such prediction (or, for the dashboard, no monitoring reference)"),
        (409, "another outcome is recorded"),
        (413, "body or batch too large"),
        (
            422,
            "a field breaks the contract (an outcome: observed_at impossible), or the body "
            "is not JSON",
        ),
        (503, "the store cannot record the decision; retry after Retry-After seconds"),
    )
}


class Answers(BaseModel):
    predictions: list[Answer]


def new_prediction_id() -> str:
    """A UUID version 7: milliseconds since the epoch first, so ids sort by time."""
    milliseconds = time.time_ns() // 1_000_000
    raw = bytearray(milliseconds.to_bytes(6, "big") + secrets.token_bytes(10))
    raw[6] = (raw[6] & 0x0F) | 0x70  # version 7
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return str(uuid.UUID(bytes=bytes(raw)))


class Service:
    """What the routes share: the model (swappable), the store, the batcher, the metrics."""

    def __init__(
        self,
        load: Callable[[], ServedModel],
        store: PredictionStore,
        settings: ServeParams,
        admin_token: str | None,
        params: Params,
        new_id: Callable[[], str] = new_prediction_id,
    ) -> None:
        self.load = load
        self.new_id = new_id  # a test passes fixed ids: exploration draws from them
        self.params = params  # reasons' texts; business and monitor settings, for the dashboard
        self.served = load()
        # Swapped together by a reload, in one assignment: a batch never mixes two models'.
        self.scoring = (self.served, self._applicant(self.served))
        self.store = store
        self.settings = settings
        self.admin_token = admin_token
        self.telemetry = Telemetry()
        self.telemetry.model.labels(self.served.version).set(1)
        self.schema = self._schema(self.served)
        self._check_targeting(self.served)
        self.budget: DailyBudget | None = None  # started by the first batch that explores
        self.batcher = MicroBatcher(
            self.decide, settings.max_batch_size, settings.max_wait_ms, self._observe_batch
        )
        self._reloading = asyncio.Lock()

    def _applicant(self, served: ServedModel) -> dict:
        """The reference applicant the served model's rejections are explained against; its
        features must all have a text (else the model is not served: exit 2 at start)."""
        require_texts(served.features, self.params.reasons, str(paths.POLICY))
        return applicant_of(served.reference, served.features, f"model {served.version}")

    def _check_targeting(self, served: ServedModel) -> None:
        """serve.exploration.segments names category features of this model (ConfigError)."""
        check_targeting(
            self.settings.exploration.segments,
            served.features,
            segment_categories(served.contract),
            self.params.fairness.prohibited,
            str(paths.SERVE),
        )

    def _budget(self, now: datetime) -> DailyBudget:
        """This process's share of today's exploration budget, less what the store recorded
        as explored since the UTC day began (by any worker: counted as this one's, so the
        workers together never pass the cap)."""
        if self.budget is None:
            explore, business = self.settings.exploration, self.params.business
            day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
            spent = [
                expected_loss(_number(json.loads(features).get(business.amount_column)), p,
                              business.margin, business.loss_given_default)
                for p, features in self.store.explored_since(day_start)
            ]  # fmt: skip
            self.budget = DailyBudget(
                explore.max_per_day,
                explore.max_expected_loss_per_day,
                self.settings.workers,
                now.date(),
                (len(spent), float(np.nansum(spent))),
            )
        return self.budget

    def _take(
        self, prediction_id: str, p: float, threshold: float, row: Row, now: datetime
    ) -> Taken:
        """The decision taken for one application (serve/exploration.py), its exploration
        charged to the day's budget."""
        business = self.params.business
        amount = row.values.get(business.amount_column, row.received.get(business.amount_column))
        return explored_decision(
            prediction_id,
            p,
            threshold,
            row.values,
            _number(amount),
            self.settings.exploration,
            business,
            self._budget,
            now,
        )

    def _schema(self, served: ServedModel):
        # Protected attributes the model does not read are accepted and stored (not scored):
        # fairness is measured on the outcomes that come back, and the contract wants them.
        recorded = tuple(
            name
            for name in self.params.fairness.attributes
            if name in served.contract.columns and name not in served.features
        )
        return application_model(
            served.contract, served.features, served.contract.dataset.id_column, recorded
        )

    def decide(self, rows: list[Row]) -> list[dict]:
        """Score a batch with the model of the moment, take each decision (exploration may
        approve what the model rejects) and commit the batch; runs in the batch thread."""
        served, applicant = self.scoring  # a reload swaps it between batches, never within one
        frame = pd.DataFrame([row.values for row in rows], columns=served.features)
        # One model call scores the batch and the counterfactuals its reasons need.
        p_default, reasons = score_with_reasons(served.model, frame, applicant, self.params.reasons)
        threshold = served.threshold
        now = datetime.now(UTC)
        decisions = []
        for row, p, why in zip(rows, p_default, reasons, strict=True):
            prediction_id = self.new_id()
            taken = self._take(prediction_id, float(p), threshold, row, now)
            told = tuple(why) if taken.decision == "reject" else ()
            decisions.append(
                Decision(prediction_id, now, served.version, row.received, float(p),
                         taken.decision, threshold, taken.propensity, taken.explored, told)
            )  # fmt: skip
        started = time.perf_counter()
        self.store.record(decisions)
        self.telemetry.store_write.observe(time.perf_counter() - started)
        for d in decisions:
            self.telemetry.decisions.labels(d.decision).inc()
            if d.explored:
                self.telemetry.explored.inc()
            self.telemetry.p_default.observe(d.p_default)
        return [
            {
                "prediction_id": d.prediction_id,
                "p_default": d.p_default,
                "decision": d.decision,
                "threshold": d.threshold,
                "model_version": d.model_version,
                "reasons": list(d.reasons),
            }
            for d in decisions
        ]

    def dashboard(self) -> str:
        """The monitoring page of the served version's last monitor.window_days."""
        from modelops.monitor.page import render_page
        from modelops.monitor.reference import Reference
        from modelops.monitor.run import monitor_window

        served, now = self.served, datetime.now(UTC)
        reference = Reference(served.reference, f"{served.version} reference.json")
        since = now - timedelta(days=self.params.monitor.window_days)
        report = monitor_window(
            self.store, reference, served.contract, self.params, since, now, served.version
        )
        return render_page(report)

    def _observe_batch(self, rows: int, seconds: float) -> None:
        self.telemetry.batch_rows.observe(rows)
        self.telemetry.batch_seconds.observe(seconds)

    async def reload(self) -> ServedModel:
        """Load the model again from its source and swap it in; in-flight batches finish on
        the old one. A model that fails to load leaves the current one serving."""
        async with self._reloading:
            served = await run_in_threadpool(self.load)
            schema, scoring = self._schema(served), (served, self._applicant(served))
            self._check_targeting(served)
            old = self.served.version
            self.served, self.schema, self.scoring = served, schema, scoring
            self.telemetry.model.labels(old).set(0)
            self.telemetry.model.labels(served.version).set(1)
            return served


def create_app(service: Service) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await run_in_threadpool(service.store.create_schema)
        # The model, pandas and scikit-learn are long-lived: kept out of the collector's full
        # passes, which otherwise walk them all and stall requests (the p99).
        gc.collect()
        gc.freeze()
        service.batcher.start()
        loop = asyncio.get_running_loop()
        # Not possible outside the main thread (a test's server) or on Windows: then only the
        # admin call reloads.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(_reload_quietly()))
        yield
        await service.batcher.stop()
        service.store.dispose()

    async def _reload_quietly() -> None:
        try:
            await service.reload()
        except Exception as err:
            print(f"reload failed, still serving {service.served.version}: {err}", flush=True)

    # /docs serves its own copy of Swagger UI (fastapi-offline's), so the API documentation
    # works where the service has no internet. No /redoc: ReDoc's bundle fetches its logo
    # from a CDN.
    app = FastAPIOffline(
        redoc_url=None,
        title="modelops credit-risk service",
        version="1",
        description=(
            "Scores loan applications with the production model. Every decision is "
            "recorded before it is answered; outcomes come back through /v1/outcomes."
        ),
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
    )
    app.router.route_class = DecodedRoute  # set before the routes: all read bodies alike
    app.state.service = service
    app.add_middleware(_Measured, service=service)
    _errors(app)
    _routes(app, service)
    return app


def _route_of(path: str) -> str:
    return next((r for r in ROUTES if path == r or path.startswith(r + "/")), "other")


class _Measured:
    """Counts and times every request by route and status, and refuses a declared body over
    the limit before it is read. Plain ASGI: Starlette's BaseHTTPMiddleware costs a task and
    a stream per request, a third of the event loop's time under load."""

    def __init__(self, app, service: Service) -> None:
        self.app, self.telemetry = app, service.telemetry
        self.limit = service.settings.max_body_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        length = _declared_length(dict(scope["headers"]).get(b"content-length", b""))
        try:
            if length is not None and length > self.limit:
                refusal = _problem(
                    413,
                    "body",
                    "request.max_body_bytes",
                    length,
                    f"the body is larger than {self.limit} bytes",
                )
                await refusal(scope, receive, send_status)
            else:
                await self.app(scope, receive, send_status)
        finally:
            route = _route_of(scope["path"])
            self.telemetry.requests.labels(route, str(status)).inc()
            self.telemetry.latency.labels(route).observe(time.perf_counter() - started)


def _declared_length(header: bytes) -> int | None:
    """A Content-Length's bytes, None if it holds no number; beyond 18 digits read as 10**18
    (int() refuses over 4,300 digits, and no body is that long)."""
    if not header.isdigit():
        return None
    return int(header) if len(header) <= 18 else 10**18


def _problem(
    status: int, field: str, rule: str, value: Any, message: str, **headers
) -> SafeJSONResponse:
    detail = [{"field": field, "rule": rule, "value": value, "message": message}]
    return SafeJSONResponse({"detail": detail}, status_code=status, headers=headers or None)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError):
        found = []
        for error in err.errors():
            if error.get("type") == "json_invalid":  # named as /v1/predict names it
                reason = (error.get("ctx") or {}).get("error", error.get("msg"))
                return _problem(422, "body", "request.json", None, f"not valid JSON: {reason}")
            field = field_path(p for p in error.get("loc", ()) if p != "body") or "body"
            value = error.get("input") if error.get("type") != "missing" else None
            if not isinstance(value, str | int | float | bool | type(None)):
                value = None
            value = shown_value(value)  # NaN or 1e400 (inf) quoted as text: JSON has neither
            found.append(
                {
                    "field": field,
                    "rule": f"{field}.{error.get('type')}",
                    "value": value,
                    "message": f"{field}: {error.get('msg')}",
                }
            )
        return SafeJSONResponse({"detail": found}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def refused(request: Request, err: StarletteHTTPException):
        if isinstance(err, BodyRefused):  # decode_body, for every route
            return _problem(422, err.field, err.rule, None, str(err.detail))
        # FastAPI answers 400 when a body cannot even be decoded (bytes that are not UTF-8):
        # that is malformed JSON, as for /v1/predict. Routing errors keep their status.
        if err.status_code == 400:
            return _problem(422, "body", "request.json", None, f"not valid JSON: {err.detail}")
        field, rule, value = {
            404: ("path", "request.route", request.url.path),
            405: ("method", "request.method", request.method),
        }.get(err.status_code, ("request", f"request.http_{err.status_code}", None))
        return _problem(err.status_code, field, rule, value, str(err.detail), **(err.headers or {}))

    @app.exception_handler(StoreUnavailable)
    async def unavailable(request: Request, err: StoreUnavailable):
        return _problem(
            503,
            "store",
            "store.unavailable",
            None,
            f"the prediction store cannot be written: {err.reason}",
            **{"Retry-After": RETRY_AFTER_SECONDS},
        )


def _number(value: Any) -> float:
    """A stored or received amount as a number; NaN when it is none."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _values(application: BaseModel, features: list[str]) -> dict[str, Any]:
    """The model's inputs: validated, categories normalised, missing as NaN (as trained)."""
    values = application.model_dump()
    return {f: (np.nan if values.get(f) is None else values[f]) for f in features}


async def _read_json(request: Request, limit: int) -> Any:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _Refused(
                _problem(
                    413,
                    "body",
                    "request.max_body_bytes",
                    len(body),
                    f"the body is larger than {limit} bytes",
                )
            )
    return decode_body(bytes(body))  # BodyRefused is answered by the handler of _errors


class _Refused(Exception):
    def __init__(self, response: SafeJSONResponse) -> None:
        self.response = response


def _routes(app: FastAPI, service: Service) -> None:
    settings = service.settings
    outcome_values = tuple(service.served.contract.target.allowed)
    positive = service.served.contract.target.positive
    OutcomeIn = create_model(
        "OutcomeIn",
        __config__=ConfigDict(extra="forbid"),
        prediction_id=(str, Field(max_length=64)),
        outcome=(
            Literal[outcome_values],
            Field(description=f"{positive!r}: the applicant defaulted"),
        ),
        observed_at=(AwareDatetime, Field(description="when the outcome was known (with zone)")),
    )

    @app.post(
        "/v1/predict",
        response_model=Answer | Answers,
        responses={c: REFUSALS[c] for c in (413, 422, 503)},
        openapi_extra={"requestBody": _request_body(service)},
        summary="Score one application, or {'applications': [...]}",
    )
    async def predict(request: Request):
        try:
            payload = await _read_json(request, settings.max_body_bytes)
            applications, prefix = _applications(payload, settings.max_rows_per_request)
        except _Refused as refused:
            return refused.response
        schema, rows, found = service.schema, [], []
        for i, item in enumerate(applications):
            where = prefix(i)
            if not isinstance(item, dict):
                found.append(
                    {
                        "field": where.rstrip(".") or "body",
                        "rule": "request.object",
                        "value": None,
                        "message": "an application is a JSON object",
                    }
                )
                continue
            try:
                application = schema.model_validate(item)
            except ValidationError as err:
                found += problems(err, where)
                continue
            rows.append(Row(_values(application, service.served.features), item))
        if found:
            rules = list(dict.fromkeys(p["rule"] for p in found))
            for rule in rules:
                service.telemetry.rejected.labels(rule).inc()
            # Input quality for the monitor; a refusal is answered even if it cannot be kept.
            with contextlib.suppress(StoreUnavailable):
                await run_in_threadpool(service.store.record_refusal, service.served.version, rules)
            return SafeJSONResponse({"detail": found}, status_code=422)
        answers = await service.batcher.submit(rows)
        # Answered as built (response_model documents it): validating it again costs time.
        return SafeJSONResponse(answers[0] if prefix(0) == "" else {"predictions": answers})

    async def outcomes(outcome: OutcomeIn):  # type: ignore[valid-type]
        # Outcomes are final (a correction is 409): an impossible time is refused before it
        # is stored, where it could never be put right.
        latest = datetime.now(UTC) + timedelta(seconds=settings.outcome_clock_skew_seconds)
        if outcome.observed_at > latest:
            return _problem(
                422,
                "observed_at",
                "observed_at.future",
                outcome.observed_at.isoformat(),
                f"observed_at is after this service's clock by more than "
                f"serve.outcome_clock_skew_seconds ({settings.outcome_clock_skew_seconds:g} s)",
            )
        try:
            if not _could_be_stored(outcome.prediction_id):
                raise UnknownPrediction(outcome.prediction_id)
            new = await run_in_threadpool(
                service.store.record_outcome,
                outcome.prediction_id,
                outcome.outcome,
                outcome.observed_at,
            )
        except UnknownPrediction:
            return _problem(
                404,
                "prediction_id",
                "outcome.unknown_prediction",
                shown_value(outcome.prediction_id),
                "no prediction has this id",
            )
        except ObservedBeforePrediction as err:
            return _problem(
                422,
                "observed_at",
                "observed_at.before_prediction",
                outcome.observed_at.isoformat(),
                f"observed_at is before the prediction was made ({err.predicted_at.isoformat()})",
            )
        except OutcomeConflict as err:
            return _problem(
                409,
                "outcome",
                "outcome.conflict",
                outcome.outcome,
                f"another outcome is already recorded: {err}",
            )
        body = {
            "prediction_id": outcome.prediction_id,
            "outcome": outcome.outcome,
            "recorded": "new" if new else "already recorded",
        }
        return SafeJSONResponse(body, status_code=201 if new else 200)

    # OutcomeIn is built at run time from the contract, and this module's annotations are
    # strings (PEP 563) that FastAPI resolves in the module's globals: without the real class
    # it would take `outcome` for a query parameter.
    outcomes.__annotations__["outcome"] = OutcomeIn
    app.post(
        "/v1/outcomes",
        status_code=201,
        responses={c: REFUSALS[c] for c in (404, 409, 422, 503)},
        summary="Record what happened to an application (observed_at: not before its "
        "prediction, nor past serve.outcome_clock_skew_seconds from now)",
    )(outcomes)

    @app.get(
        "/v1/predictions/{prediction_id}",
        responses={c: REFUSALS[c] for c in (404, 503)},
        summary="A case: what was asked and answered",
    )
    async def prediction(prediction_id: str):
        stored = _could_be_stored(prediction_id)
        found = await run_in_threadpool(service.store.lookup, prediction_id) if stored else None
        if found is None:
            return _problem(
                404,
                "prediction_id",
                "prediction.unknown",
                shown_value(prediction_id),
                "no prediction has this id",
            )
        return found

    @app.get("/v1/model", summary="The model being served")
    async def model():
        return service.served.describe()

    @app.post("/v1/admin/reload", summary="Load the model again from its source (token)")
    async def reload(request: Request):
        if not service.admin_token:
            return _problem(
                403,
                "authorization",
                "admin.disabled",
                None,
                "admin calls are off: set MODELOPS_ADMIN_TOKEN to enable them",
            )
        # Compared as bytes: compare_digest refuses a str that is not ASCII (TypeError), and a
        # header may hold any byte (Starlette decodes it as Latin-1, which gives them back).
        given = request.headers.get("authorization", "").removeprefix("Bearer ")
        token = service.admin_token.encode("utf-8", "surrogateescape")
        if not secrets.compare_digest(given.encode("latin-1"), token):
            return _problem(401, "authorization", "admin.token", None, "wrong or no bearer token")
        served = await service.reload()
        return served.describe()

    @app.get("/health/live", summary="The process answers")
    async def live():
        return {"status": "live"}

    @app.get("/health/ready", summary="Model loaded and store writable")
    async def ready():
        writable = await run_in_threadpool(service.store.writable)
        body = {"model": service.served.version, "store_writable": writable}
        return SafeJSONResponse(
            body,
            status_code=200 if writable else 503,
            headers=None if writable else {"Retry-After": RETRY_AFTER_SECONDS},
        )

    @app.get(
        "/dashboard",
        summary="The monitoring page for the last monitor.window_days of this model's traffic",
        response_class=HTMLResponse,
        responses={404: REFUSALS[404], 503: REFUSALS[503]},
    )
    async def dashboard():
        if service.served.reference is None:
            return _problem(
                404,
                "reference",
                "dashboard.reference",
                service.served.version,
                "this model has no monitoring reference (reports/reference.json) or no params",
            )
        return HTMLResponse(await run_in_threadpool(service.dashboard))

    @app.get("/metrics", summary="Prometheus metrics")
    async def metrics():
        return Response(generate_latest(service.telemetry.registry), media_type=CONTENT_TYPE_LATEST)


def _could_be_stored(prediction_id: str) -> bool:
    """False for an id no store can hold: PostgreSQL's text refuses NUL, and asked for one
    it errs as if it were down (a 503 telling the client to retry), where SQLite finds none."""
    return "\x00" not in prediction_id


def _applications(payload: Any, max_rows: int):
    """The applications of a request and how to name a field of the i-th one."""
    if isinstance(payload, dict) and "applications" in payload:
        extra = sorted(set(payload) - {"applications"})
        items = payload["applications"]
        if extra:
            raise _Refused(
                _problem(
                    422,
                    extra[0],
                    "request.unknown_field",
                    None,
                    "a batch holds only 'applications'",
                )
            )
        if not isinstance(items, list) or not items:
            raise _Refused(
                _problem(
                    422,
                    "applications",
                    "request.applications",
                    None,
                    "'applications' must be a non-empty list",
                )
            )
        if len(items) > max_rows:
            raise _Refused(
                _problem(
                    413,
                    "applications",
                    "request.max_rows",
                    len(items),
                    f"at most {max_rows} applications per request",
                )
            )
        return items, lambda i: f"applications[{i}]."
    return [payload], lambda i: ""


def _request_body(service: Service) -> dict:
    one = service.schema.model_json_schema()
    one.pop("title", None)
    batch = {
        "type": "object",
        "properties": {
            "applications": {
                "type": "array",
                "items": one,
                "minItems": 1,
                "maxItems": service.settings.max_rows_per_request,
            }
        },
        "required": ["applications"],
        "additionalProperties": False,
    }
    return {
        "required": True,
        "content": {"application/json": {"schema": {"oneOf": [one, batch]}}},
    }


def environment_token() -> str | None:
    return os.environ.get("MODELOPS_ADMIN_TOKEN") or None
