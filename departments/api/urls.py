from rest_framework.routers import DefaultRouter

app_name = "departments-api"
router = DefaultRouter()
urlpatterns = router.urls
