"""Building the app from a plain configuration, so that uvicorn's worker processes (which
import the app by name) build the very app `modelops serve` checked before starting."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from modelops.config import paths
from modelops.config.params import ServeParams, load_params
from modelops.explain.applicant import applicant_of
from modelops.explain.reasons import require_texts
from modelops.serve.exploration import check_targeting, segment_categories
from modelops.serve.served import ServedModel, load_served
from modelops.store import PredictionStore

CONFIG_ENV = "MODELOPS_SERVE_CONFIG"


@dataclass(frozen=True)
class ServeConfig:
    repo: str
    bundle: str | None
    store_url: str
    settings: dict
    params_file: str | None = None  # params.yaml, read with the files beside it (default: the
    # repo's): reasons' texts, business and monitor settings

    def params(self):
        return load_params(self.params_file or Path(self.repo) / paths.PARAMS)

    @property
    def shown_store(self) -> str:
        from modelops.errors import redact

        return redact(self.store_url)

    def load(self) -> ServedModel:
        return load_served(None if self.bundle is None else Path(self.bundle), Path(self.repo))

    def store(self) -> PredictionStore:
        settings = ServeParams.model_validate(self.settings)
        return PredictionStore(self.store_url, settings.sqlite_synchronous)


def check_config(config: ServeConfig) -> ServedModel:
    """Load the model, check it can be explained, and open the store once, before serving:
    any problem is exit 2."""
    served = config.load()
    params = config.params()
    require_texts(served.features, params.reasons, str(paths.POLICY))
    settings = ServeParams.model_validate(config.settings)
    check_targeting(
        settings.exploration.segments,
        served.features,
        segment_categories(served.contract),
        params.fairness.prohibited,
        str(paths.SERVE),
    )
    applicant_of(served.reference, served.features, f"model {served.version}")
    store = config.store()
    try:
        store.create_schema()  # StoreUnavailable: exit 2 naming the store
    finally:
        store.dispose()
    return served


def build_app(config: ServeConfig):
    from modelops.serve.app import Service, create_app, environment_token

    settings = ServeParams.model_validate(config.settings)
    service = Service(config.load, config.store(), settings, environment_token(), config.params())
    return create_app(service)


def app_from_environment():
    """uvicorn's factory: the configuration `modelops serve` put in the environment."""
    return build_app(ServeConfig(**json.loads(os.environ[CONFIG_ENV])))
