"""Routes of the task API under /api/v1/. Import endpoints live in tasks/api/import_urls.py (optional)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api.views import ApiTokenViewSet

from . import views

app_name = "tasks-api"

router = DefaultRouter()
# No format-suffix routes: /documents/1/export.xlsx must reach the export view, not ?format=xlsx.
router.include_format_suffixes = False
router.register("tasks", views.TaskViewSet, basename="task")
router.register("reports", views.ProgressReportViewSet, basename="report")
router.register("extensions", views.ExtensionRequestViewSet, basename="extension")
router.register("documents", views.PolicyDocumentViewSet, basename="document")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("targets", views.TargetViewSet, basename="target")
router.register("overdue", views.OverdueView, basename="overdue")
router.register("tokens", ApiTokenViewSet, basename="token")

_own = [
    path("progress/departments/", views.DepartmentProgressView.as_view(), name="progress-departments"),
    path(
        "progress/departments/export.xlsx",
        views.DepartmentProgressExportView.as_view(fmt="xlsx"),
        name="progress-departments-xlsx",
    ),
    path(
        "progress/departments/export.csv",
        views.DepartmentProgressExportView.as_view(fmt="csv"),
        name="progress-departments-csv",
    ),
    path(
        "progress/departments/<int:pk>/",
        views.DepartmentProgressDetailView.as_view(),
        name="progress-department-detail",
    ),
    path("progress/documents/<int:pk>/", views.DocumentProgressView.as_view(), name="progress-document-detail"),
    path("attachments/<int:pk>/download/", views.AttachmentDownloadView.as_view(), name="attachment-download"),
    path("documents/<int:pk>/export.xlsx", views.DocumentExportView.as_view(), name="document-export"),
    path("overdue/export.xlsx", views.OverdueExportView.as_view(), name="overdue-export"),
]

try:  # the import endpoints (another module) join here when present
    from .import_urls import urlpatterns as _import_urlpatterns
except ImportError:
    _import_urlpatterns = []

_extra = _own + list(_import_urlpatterns)

urlpatterns = router.urls + _extra
