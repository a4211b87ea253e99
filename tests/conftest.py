"""Shared fixtures: users per role, API clients."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture
def department(db):
    return factories.DepartmentFactory()


@pytest.fixture
def staff(department):
    return factories.StaffFactory(department=department)


@pytest.fixture
def liaison(department):
    return factories.LiaisonFactory(department=department)


@pytest.fixture
def leader(department):
    return factories.LeaderFactory(department=department)


@pytest.fixture
def supervisor(db):
    return factories.SupervisorFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for():
    """client_for(user) → an APIClient logged in as that user (session auth, CSRF enforced off)."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
