"""Reads for the import queues: uploads, unresolved names, unassigned measures, pending suggestions."""

from __future__ import annotations

# Django imports
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

# Module imports
from departments.models import UnresolvedName
from tasks.models import Measure, PendingAssignment, PolicyDocument, PolicyUpload, Task


def policy_upload_list() -> QuerySet[PolicyUpload]:
    """Uploads waiting for confirmation (or done), newest first; without the file bytes."""
    return PolicyUpload.objects.defer("content").select_related("created_by", "document")


def _open_pending_count() -> Coalesce:
    sub = (
        PendingAssignment.objects.filter(unresolved=OuterRef("pk"), status=PendingAssignment.Status.OPEN)
        .order_by()
        .values("unresolved")
        .annotate(c=Count("*"))
        .values("c")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def unresolved_names(*, status: str | None = UnresolvedName.Status.OPEN) -> QuerySet[UnresolvedName]:
    """Printed names no department matched, most frequent first, annotated with open_pending_count."""
    qs = UnresolvedName.objects.select_related("department", "group").annotate(open_pending_count=_open_pending_count())
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-occurrences", "name")


def superseded_documents() -> QuerySet[PolicyDocument]:
    """Documents a newer version has replaced (their open work moved to the new version)."""
    return PolicyDocument.objects.filter(Exists(PolicyDocument.objects.filter(previous_version=OuterRef("pk"))))


def unassigned_measures(*, document_id: int | None = None) -> QuerySet[Measure]:
    """Measures (not sections) with no task and no open pending assignment, in current documents."""
    qs = (
        Measure.objects.filter(kind=Measure.Kind.MEASURE)
        .exclude(Exists(Task.objects.filter(measure=OuterRef("pk"))))
        .exclude(
            Exists(PendingAssignment.objects.filter(measure=OuterRef("pk"), status=PendingAssignment.Status.OPEN))
        )
        .exclude(Exists(PolicyDocument.objects.filter(previous_version=OuterRef("document"))))
        .select_related("document", "parent")
    )
    if document_id is not None:
        qs = qs.filter(document_id=document_id)
    return qs.order_by("document_id", "order")


def pending_suggestions(
    *, reason: str | None = PendingAssignment.Reason.SUGGESTED, status: str | None = PendingAssignment.Status.OPEN,
    document_id: int | None = None,
) -> QuerySet[PendingAssignment]:
    """Pending assignments (document-wide suggestions by default) with measure, document and department."""
    qs = PendingAssignment.objects.select_related("measure", "measure__document", "department", "unresolved")
    if reason:
        qs = qs.filter(reason=reason)
    if status:
        qs = qs.filter(status=status)
    if document_id is not None:
        qs = qs.filter(measure__document_id=document_id)
    return qs.order_by("measure__document_id", "measure__order", "id")
