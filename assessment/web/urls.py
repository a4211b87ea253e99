"""考核 pages, included at /assessment/ by config/urls.py."""

from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("compute/", views.compute, name="compute"),
    path("scores/<int:score_id>/", views.score_detail, name="score_detail"),
    path("bulletins/new/", views.bulletin_create, name="bulletin_create"),
    path("bulletins/<int:bulletin_id>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:bulletin_id>/issue/", views.bulletin_issue, name="bulletin_issue"),
    path("bulletins/<int:bulletin_id>/docx/", views.bulletin_docx, name="bulletin_docx"),
]
