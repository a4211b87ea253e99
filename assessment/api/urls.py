"""Routes of the assessment API, included at /api/v1/assessment/."""

from django.urls import path

from . import views

app_name = "assessment-api"
urlpatterns = [
    path("rules/", views.RuleSetListView.as_view(), name="rules"),
    path("periods/", views.PeriodListView.as_view(), name="periods"),
    path("periods/compute/", views.PeriodComputeView.as_view(), name="period-compute"),
    path("scores/", views.ScoreListView.as_view(), name="scores"),
    path("scores/export.xlsx", views.ScoreExportView.as_view(), name="scores-xlsx"),
    path("scores/<int:pk>/", views.ScoreDetailView.as_view(), name="score-detail"),
    path("rankings/", views.RankingView.as_view(), name="rankings"),
    path("bulletins/", views.BulletinListView.as_view(), name="bulletins"),
    path("bulletins/<int:pk>/", views.BulletinDetailView.as_view(), name="bulletin-detail"),
    path("bulletins/<int:pk>/issue/", views.BulletinIssueView.as_view(), name="bulletin-issue"),
    path("bulletins/<int:pk>/docx/", views.BulletinDocxView.as_view(), name="bulletin-docx"),
]
