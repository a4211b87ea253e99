"""Schemathesis against /api/schema/ with a 督查室 token, in process through the WSGI app: never a 5xx.

Every operation of the OpenAPI schema gets generated requests (valid and invalid parameters and bodies);
the only check is `not_a_server_error`. Examples per operation: DUBAN_API_FUZZ_EXAMPLES (default 6 in CI).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from tests.security.world import build_world

EXAMPLES = int(os.environ.get("DUBAN_API_FUZZ_EXAMPLES", "6"))

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def keep_connection():
    """The raw WSGI handler closes the DB connection after each request (close_old_connections), which on
    PostgreSQL ends the test's transaction; Django's test client disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, keep_connection) -> str:
    world = build_world()
    return world.raw_tokens["supervisor"]


# Once per CI run, on PostgreSQL (the SQLite pass skips `postgres`); it is the slowest security test.
@pytest.mark.postgres
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=[not_a_server_error])
