"""What the service tells Prometheus (GET /metrics): requests, latency, batches, decisions
(and the approvals exploration made), scores, store writes and the contract rules requests
broke."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)


class Telemetry:
    """The service's metrics, in a registry of their own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "modelops_requests",
            "HTTP requests by route and status",
            ["route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "modelops_request_seconds", "Request latency", ["route"], buckets=LATENCY_BUCKETS,
            registry=r,
        )  # fmt: skip
        self.batch_rows = Histogram(
            "modelops_batch_rows", "Applications per model call", buckets=BATCH_BUCKETS, registry=r
        )
        self.batch_seconds = Histogram(
            "modelops_batch_seconds", "Time of a batch: score and record", buckets=LATENCY_BUCKETS,
            registry=r,
        )  # fmt: skip
        self.decisions = Counter(
            "modelops_decisions", "Decisions by kind", ["decision"], registry=r
        )
        self.explored = Counter(
            "modelops_explored_approvals",
            "Approvals by exploration: the model would have rejected (serve.exploration.rate)",
            registry=r,
        )
        self.p_default = Histogram(
            "modelops_p_default", "Predicted probability of default",
            buckets=tuple(i / 20 for i in range(1, 21)), registry=r,
        )  # fmt: skip
        self.store_write = Histogram(
            "modelops_store_write_seconds", "Time to commit a batch to the store",
            buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.rejected = Counter(
            "modelops_rejected_requests", "Requests refused (422) by failing contract rule",
            ["rule"], registry=r,
        )  # fmt: skip
        self.model = Gauge("modelops_model_info", "The model being served", ["version"], registry=r)
