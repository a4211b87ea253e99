from rest_framework.routers import DefaultRouter

app_name = "tasks-api"
router = DefaultRouter()
urlpatterns = router.urls
