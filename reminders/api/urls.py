from rest_framework.routers import DefaultRouter

from . import views

app_name = "reminders-api"
router = DefaultRouter()
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("reminder-rules", views.ReminderRuleViewSet, basename="reminder-rule")
urlpatterns = router.urls
