"""Protects the team set-up the README documents: the DVC remote on S3, configured as the README
says (`dvc remote add -d`, the endpoint URL and the credentials with `--local`), takes a `dvc push`
from the built sample project and gives every output back to a fresh `git clone` by `dvc pull`,
with `dvc status` clean there and the credentials never in a git-tracked file.

Stand-in: moto's server mode (`moto[server]`) for AWS S3. It speaks the S3 API over real HTTP on
127.0.0.1, so DVC's own S3 client (dvc-s3: s3fs and botocore) is what is tested; only the storage
behind the API is moto's instead of Amazon's.
"""

from __future__ import annotations

import secrets
import shutil

import boto3
import pytest
from moto.server import ThreadedMotoServer
from support.repos import run

BUCKET = "modelops-team"
REMOTE_URL = f"s3://{BUCKET}/modelops"
# The team's key pair: moto accepts any, DVC has to send one (no other source of credentials).
# Made at run time: the project copy holds this file, and the test looks for them in git.
KEY_ID = "AKIA" + secrets.token_hex(8).upper()
# Hex, not urlsafe: a value that starts with "-" is read by dvc's argparse as an option.
SECRET = secrets.token_hex(20)
# A file tracked with `dvc add` (not a stage's output): an archive of past applications.
ARCHIVE = "data/archive/applications.csv"


@pytest.fixture
def s3_endpoint(monkeypatch):
    """An S3 API on a free port of 127.0.0.1 with an empty bucket; its URL."""
    # Credentials come only from .dvc/config.local: none from the environment or ~/.aws.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket_api(endpoint).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def bucket_api(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )


def use_team_remote(repo, endpoint: str) -> None:
    """The README's commands for a remote on S3 (an S3-compatible server: its endpoint URL)."""
    run("dvc", "remote", "modify", "--local", "storage", "endpointurl", endpoint, cwd=repo)
    run("dvc", "remote", "modify", "--local", "storage", "access_key_id", KEY_ID, cwd=repo)
    run("dvc", "remote", "modify", "--local", "storage", "secret_access_key", SECRET, cwd=repo)


def test_push_to_s3_then_pull_into_a_fresh_clone_restores_every_output(
    sample_repo, s3_endpoint, tmp_path
):
    repo = sample_repo
    (repo / ARCHIVE).parent.mkdir(parents=True)
    shutil.copy2(repo / "data" / "external" / "credit.csv", repo / ARCHIVE)
    run("dvc", "add", "-q", ARCHIVE, cwd=repo)
    run("dvc", "remote", "add", "-d", "-f", "storage", REMOTE_URL, cwd=repo)
    use_team_remote(repo, s3_endpoint)
    run("git", "add", "-A", cwd=repo)
    run("git", "commit", "-q", "-m", "team remote on S3; the archive", cwd=repo)

    # What a teammate gets from git: the remote's URL, none of its secrets.
    tracked = run("git", "ls-files", cwd=repo).stdout.split()
    assert ".dvc/config" in tracked
    assert ".dvc/config.local" not in tracked
    shared = run("git", "show", "HEAD:.dvc/config", cwd=repo).stdout
    assert REMOTE_URL in shared
    for secret in (KEY_ID, SECRET):
        found = run("git", "grep", "-F", secret, "HEAD", cwd=repo, check=False)
        assert found.returncode == 1, found.stdout  # 1: not found in any committed file
    assert SECRET in (repo / ".dvc" / "config.local").read_text()

    run("dvc", "push", cwd=repo)
    stored = bucket_api(s3_endpoint).list_objects_v2(Bucket=BUCKET, Prefix="modelops/")
    assert stored["KeyCount"] > 0, "dvc push put nothing in the bucket"

    outputs = run("dvc", "list", ".", "--dvc-only", "-R", cwd=repo).stdout.split()
    assert {"models/model.skops", ARCHIVE} <= set(outputs)
    clone = tmp_path / "clone"
    run("git", "clone", "-q", str(repo), str(clone), cwd=tmp_path)
    assert not any((clone / output).exists() for output in outputs)

    # Without the credentials nothing comes back: what DVC sends is what config.local holds.
    run("dvc", "remote", "modify", "--local", "storage", "endpointurl", s3_endpoint, cwd=clone)
    refused = run("dvc", "pull", cwd=clone, check=False)
    assert refused.returncode != 0
    assert "Unable to locate credentials" in refused.stderr, refused.stderr
    assert not (clone / "models" / "model.skops").exists()

    use_team_remote(clone, s3_endpoint)
    run("dvc", "pull", cwd=clone)
    for output in outputs:
        assert (clone / output).read_bytes() == (repo / output).read_bytes(), output
    assert "up to date" in run("dvc", "status", cwd=clone).stdout
    assert "are in sync" in run("dvc", "status", "--cloud", cwd=clone).stdout
    assert run("git", "status", "--porcelain", cwd=clone).stdout == ""
