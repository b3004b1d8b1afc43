"""Protects `modelops serve`'s options: each is checked by the model that checks its config key
(serve.yaml's serve.*), so an option cannot switch a check off. A refused value is exit 2 with
one line naming the option, its value and the key, before anything loads or listens (the
folder has no model: a value let through would fail later, on the model, or serve).
"""

from __future__ import annotations

import pytest
from support.cli import console, in_process
from support.repos import config_only

# (options, what the one line must hold)
REFUSED = {
    # The examples.
    "port_too_high": (["--port", "99999"], ["--port 99999", "serve.port"]),
    "no_workers": (["--workers", "0"], ["--workers 0", "serve.workers"]),
    # Zero used to fall back to serve.yaml's value (`port or settings.port`).
    "port_zero": (["--port", "0"], ["--port 0", "serve.port"]),
    "port_negative": (["--port", "-1"], ["--port -1", "serve.port"]),
    "port_just_past": (["--port", "65536"], ["--port 65536", "serve.port"]),
    "workers_negative": (["--workers", "-4"], ["--workers -4", "serve.workers"]),
    "workers_too_many": (["--workers", "65"], ["--workers 65", "serve.workers"]),
    "host_empty": (["--host", ""], ["--host ''", "serve.host"]),
    "host_with_space": (["--host", "0.0.0.0 8000"], ["--host '0.0.0.0 8000'", "serve.host"]),
    "store_empty": (["--store", ""], ["--store ''", "serve.store_url"]),
    # The first bad option is named, whatever else is given.
    "good_host_bad_port": (["--host", "127.0.0.1", "--port", "70000"], ["--port 70000"]),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return config_only(tmp_path_factory.mktemp("serve-options"))


@pytest.mark.parametrize(("options", "words"), REFUSED.values(), ids=REFUSED)
def test_an_option_is_refused_as_its_key_is(folder, error_line, options, words):
    result = in_process(folder, "serve", *options)
    assert result.returncode == 2, result.stdout + result.stderr
    line = error_line(result)
    assert all(word in line for word in words), line
    assert "serving" not in result.stdout  # nothing started


def test_the_key_in_serve_yaml_is_refused_by_the_same_rule(folder, tmp_path, error_line):
    """serve.yaml's port: 99999 and --port 99999 are one rule: the same limit is quoted."""
    config = config_only(tmp_path)
    (config / "serve.yaml").write_text("serve:\n  port: 99999\n", encoding="utf-8")
    from_file = error_line(in_process(config, "serve"))
    from_option = error_line(in_process(folder, "serve", "--port", "99999"))
    limit = "less than or equal to 65535"
    assert limit in from_file and limit in from_option, (from_file, from_option)


@pytest.mark.parametrize("options", [["--port", "99999"], ["--workers", "0"]], ids=str)
def test_the_console_script_answers_alike(folder, options):
    by_script, in_this_process = (
        console(folder, "serve", *options),
        in_process(folder, "serve", *options),
    )
    assert by_script.returncode == in_this_process.returncode == 2
    assert by_script.stderr == in_this_process.stderr
