"""URL map: admin, the web UI, the REST API under /api/v1/, and its schema/docs."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

admin.site.site_header = "duban 督办管理后台"
admin.site.site_title = "duban 督办"
admin.site.index_title = "管理"

api_v1 = [
    path("", include("departments.api.urls")),
    path("", include("tasks.api.urls")),
    path("", include("reminders.api.urls")),
    path("assessment/", include("assessment.api.urls")),
]

urlpatterns = [
    # Browsers and 企业微信 ask for /favicon.ico whatever the page says; the file is a static asset.
    path("favicon.ico", RedirectView.as_view(url=static("duban/favicon.ico"), permanent=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # GET only: OPTIONS on the Swagger page rendered DRF's metadata through a template-less HTML renderer (a 500).
    path(
        "api/docs/", SpectacularSwaggerView.as_view(url_name="schema", http_method_names=["get", "head"]),
        name="swagger-ui",
    ),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("assessment/", include("assessment.web.urls")),
    path("", include("tasks.web.urls")),
]

# Uploaded files (evidence, source documents) are never served as public media: report attachments
# are downloaded through scoped views (/attachments/<id>/, /api/v1/attachments/<id>/download/).

# A database outage raised outside a view (session/auth middleware) is a 503 too (common/middleware.py).
handler500 = "common.middleware.server_error"
