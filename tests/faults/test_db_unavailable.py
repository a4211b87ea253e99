"""common/middleware.py: a database outage is a clean Chinese 503, not a 500 (unit test, any database).

The outage is simulated here with unittest.mock (the view raises OperationalError/InterfaceError);
test_postgres_outage.py makes a real one on PostgreSQL.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from common.middleware import MESSAGE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
    ],
)
def test_api_answers_503_json_in_chinese(client_for, supervisor, error):
    client = client_for(supervisor)
    with mock.patch("tasks.api.views.TaskViewSet.get_queryset", side_effect=error):
        response = client.get("/api/v1/tasks/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body == {"detail": MESSAGE, "code": "database_unavailable"}
    assert "数据库暂时不可用" in response.content.decode()  # not \u-escaped


def test_api_write_answers_503(client_for, supervisor):
    client = client_for(supervisor)
    with mock.patch("tasks.services.oversight.task_urge", side_effect=OperationalError("terminating connection")):
        with mock.patch("tasks.api.views.TaskViewSet.get_object"):
            response = client.post("/api/v1/tasks/1/urge/", {"message": "请尽快报送。"}, format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


def test_web_page_answers_503_page_in_chinese(supervisor):
    client = Client(raise_request_exception=True)
    client.force_login(supervisor)
    with mock.patch("tasks.selectors.task_list_for_user", side_effect=OperationalError("could not connect")):
        response = client.get("/tasks/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "数据库暂时不可用" in page and "503" in page
    assert "Traceback" not in page


def test_other_errors_are_not_swallowed(client_for, supervisor):
    client = client_for(supervisor)
    with mock.patch("tasks.api.views.TaskViewSet.get_queryset", side_effect=ValueError("bug")):
        with pytest.raises(ValueError):
            client.get("/api/v1/tasks/")


@pytest.mark.parametrize("path,json_body", [("/api/v1/tasks/", True), ("/tasks/", False)])
def test_outage_in_the_session_middleware_is_a_503_too(supervisor, path, json_body):
    """An outage met by a middleware (here: SessionMiddleware itself) never reaches the view's exception
    handling; handler500 (common.middleware.server_error) still answers the 503."""
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    outage = OperationalError("could not connect to server")
    with mock.patch("django.contrib.sessions.middleware.SessionMiddleware.process_request", side_effect=outage):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    if json_body:
        assert response.json() == {"detail": MESSAGE, "code": "database_unavailable"}
    else:
        assert "数据库暂时不可用" in response.content.decode()


def test_other_errors_outside_views_stay_500(supervisor):
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    with mock.patch("django.contrib.sessions.middleware.SessionMiddleware.process_request",
                    side_effect=ValueError("bug")):
        response = client.get("/tasks/")
    assert response.status_code == 500
