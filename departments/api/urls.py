"""Routes of the department API under /api/v1/."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "departments-api"
router = DefaultRouter()
# The API root view comes from tasks/api/urls.py; two roots at the same path would shadow each other.
router.include_root_view = False
router.include_format_suffixes = False
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("department-groups", views.DepartmentGroupViewSet, basename="department-group")
urlpatterns = router.urls
