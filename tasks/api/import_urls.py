"""Routes of the import API (appended to tasks/api/urls.py): uploads, name and assignment queues."""

from rest_framework.routers import SimpleRouter

from . import imports

router = SimpleRouter()
router.register("imports", imports.PolicyUploadViewSet, basename="import")
router.register("unresolved-names", imports.UnresolvedNameViewSet, basename="unresolved-name")
router.register("unassigned-measures", imports.UnassignedMeasureViewSet, basename="unassigned-measure")
router.register("pending-assignments", imports.PendingAssignmentViewSet, basename="pending-assignment")

urlpatterns = router.urls
