"""The naive endpoint the serving benchmark compares with: the same model, contract check and
prediction store as `modelops serve`, but one predict_proba and one commit per request (a
sync FastAPI endpoint, so requests run in its thread pool). Not for production.

uvicorn benchmarks.naive_service:app_from_environment --factory (the benchmark starts it).
"""

from __future__ import annotations

import json
import os

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from modelops.serve.app import Row, Service, _values
from modelops.serve.main import CONFIG_ENV, ServeConfig
from modelops.serve.schema import problems


def app_from_environment() -> FastAPI:
    config = ServeConfig(**json.loads(os.environ[CONFIG_ENV]))
    from modelops.config.params import ServeParams

    service = Service(
        config.load,
        config.store(),
        ServeParams.model_validate(config.settings),
        None,
        config.params(),
    )
    service.store.create_schema()
    app = FastAPI()

    @app.post("/v1/predict")
    def predict(request: Request, body: dict):
        try:
            application = service.schema.model_validate(body)
        except ValidationError as err:
            return JSONResponse({"detail": problems(err)}, status_code=422)
        return service.decide([Row(_values(application, service.served.features), body)])[0]

    return app
