# The prediction service of one released version: `docker build --build-arg BUNDLE=dist/credit-risk-v1.2.0 .`
# (release.yml's deploy job builds and pushes it). The model, its contract and golden answers
# come from the bundle; the hash check runs again when the service starts.
FROM python:3.11-slim

ARG BUNDLE
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DO_NOT_TRACK=1 \
    MODELOPS_STORE_URL=sqlite:////var/lib/modelops/predictions.db

WORKDIR /srv/modelops
COPY pyproject.toml constraints.txt README.md ./
COPY src ./src
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --system --uid 10001 --home /srv/modelops modelops \
    && mkdir -p /var/lib/modelops && chown modelops /var/lib/modelops
# The config, each role's file (src/modelops/config/layout.py): the service reads serve.yaml
# and checks them all.
COPY params.yaml policy.yaml business.yaml serve.yaml ./
COPY data/sources.yaml ./data/sources.yaml
COPY ${BUNDLE} /srv/bundle

USER modelops
EXPOSE 8000
VOLUME ["/var/lib/modelops"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=2)"
CMD ["modelops", "serve", "--bundle", "/srv/bundle", "--host", "0.0.0.0", "--port", "8000"]
