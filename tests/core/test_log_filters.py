"""Request log lines never carry query strings (they can hold names: /persons/?name=...)."""

from __future__ import annotations

import logging

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client

from amparo.core.logfilters import StripQueryStrings, strip_query_strings
from tests.conftest import login

NAME = "Xiomara"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('"GET /persons/?name=Xiomara HTTP/1.1" 200 512', '"GET /persons/ HTTP/1.1" 200 512'),
        ('"GET /api/v1/persons/?name=Xiomara&document=1 HTTP/1.1" 200 5', '"GET /api/v1/persons/ HTTP/1.1" 200 5'),
        # A malformed request with an unencoded space: the query runs to the protocol.
        ('"GET /persons/?name=Xiomara Tzul HTTP/1.1" 400 -', '"GET /persons/ HTTP/1.1" 400 -'),
        ("Forbidden: /persons/?name=Xiomara", "Forbidden: /persons/"),
        ("see https://amparo.example/persons/?name=Xiomara now", "see https://amparo.example/persons/ now"),
        ("GET /?name=Xiomara", "GET /"),
        ("Are you sure? Nothing to strip.", "Are you sure? Nothing to strip."),
    ],
)
def test_strip_query_strings(line: str, expected: str) -> None:
    assert strip_query_strings(line) == expected


def test_filter_formats_and_cleans_and_leaves_other_records_alone() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("GET", "/persons/?name=Xiomara"), None)
    assert StripQueryStrings().filter(record) is True
    assert record.getMessage() == "GET /persons/" and record.args == ()
    untouched = logging.LogRecord("x", logging.INFO, __file__, 1, "%s items", (3,), None)
    StripQueryStrings().filter(untouched)
    assert untouched.args == (3,)
    # A WSGI server's access-log atoms come as a mapping (gunicorn): the request line is cleaned too.
    atoms = logging.LogRecord("x", logging.INFO, __file__, 1, '"%(r)s" %(s)s', None, None)
    atoms.args = {"r": "GET /persons/?name=Xiomara HTTP/1.1", "s": "200"}
    StripQueryStrings().filter(atoms)
    assert atoms.getMessage() == '"GET /persons/ HTTP/1.1" 200'


@pytest.fixture
def server_log(caplog):
    """django.server does not propagate (Django's set-up): caplog listens to it directly."""
    server = logging.getLogger("django.server")
    server.addHandler(caplog.handler)
    caplog.set_level(logging.INFO)
    yield caplog
    server.removeHandler(caplog.handler)


@pytest.mark.parametrize("path", [f"/persons/?name={NAME}", f"/api/v1/persons/?name={NAME}&document=2456"])
def test_development_server_request_line_has_no_query(server_log, path: str) -> None:
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)  # what runserver logs for each request
    handler.request = None
    handler.requestline = f"GET {path} HTTP/1.1"
    handler.log_request(200, 1234)
    handler.log_request(404, 12)
    lines = [r.getMessage() for r in server_log.records if r.name == "django.server"]
    assert len(lines) == 2
    assert all(path.split("?")[0] in line and NAME not in line and "2456" not in line for line in lines)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/persons/", "/api/v1/persons/"])
def test_request_log_of_a_refused_search_has_no_query(world, caplog, path: str) -> None:
    caplog.set_level(logging.INFO)
    client = login(Client(), world.user("statistician"))  # may not search: 403, logged by django.request
    assert client.get(path, {"name": NAME}).status_code == 403
    logging.getLogger("django.request").warning("Forbidden: %s", f"{path}?name={NAME}")  # whatever the caller
    lines = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert len(lines) == 2 and all(line.startswith("Forbidden") and line.endswith(f": {path}") for line in lines)
    assert NAME not in caplog.text


def test_every_log_line_of_the_app_goes_through_the_filter() -> None:
    """The console handler (where every propagating logger ends) cleans what the loggers did not."""
    consoles = [h for h in logging.getLogger().handlers if any(isinstance(f, StripQueryStrings) for f in h.filters)]
    assert consoles
    record = logging.LogRecord("amparo.x", logging.INFO, __file__, 1, "asked for %s", (f"/persons/?name={NAME}",), None)
    assert consoles[0].filter(record)
    assert NAME not in consoles[0].format(record)
