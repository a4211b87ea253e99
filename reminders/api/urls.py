from rest_framework.routers import DefaultRouter

from . import views

app_name = "reminders-api"
router = DefaultRouter()
# Like departments/tasks: one API root (tasks/api/urls.py) and no format-suffix routes; the suffix routes
# passed `format=` to @action methods that do not take it (a 500 on /notifications/preferences.json/).
router.include_root_view = False
router.include_format_suffixes = False
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("reminder-rules", views.ReminderRuleViewSet, basename="reminder-rule")
urlpatterns = router.urls
