"""Web UI routes (included at "" by config/urls.py)."""

from django.urls import path

from . import dashboard_views, overdue_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/urge/", views.tasks_urge, name="tasks_urge"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/act/<str:action>/", views.task_action, name="task_action"),
    path("tasks/<int:task_id>/targets/<int:target_id>/reading/", views.target_reading, name="target_reading"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("overdue/", overdue_views.overdue, name="overdue"),
    path("progress/", views.progress, name="progress"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/<int:document_id>/", views.document_detail, name="document_detail"),
    path("documents/<int:document_id>/battle-map/", dashboard_views.battle_map, name="battle_map"),
    path("documents/<int:document_id>/battle-map/xlsx/", dashboard_views.battle_map_xlsx, name="battle_map_xlsx"),
    path("cockpit/", dashboard_views.cockpit, name="cockpit"),
    path("cockpit/red/<str:period>/", dashboard_views.cockpit_red_month, name="cockpit_red_month"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:upload_id>/", views.import_preview, name="import_preview"),
    path("names/", views.names, name="names"),
    path("unassigned/", views.unassigned, name="unassigned"),
    path("unassigned/suggestions/", views.suggestion_decide, name="suggestion_decide"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
]
