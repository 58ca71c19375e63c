from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gridgov.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("board/", include("gridgov.board.urls")),
    path("kpi/", include("gridgov.kpi.urls")),
    path("notifications/", include("gridgov.notify.urls")),
    path("supervision/", include("gridgov.supervision.urls")),
    path("intel/", include("gridgov.intel.urls")),
    path("imports/", include("gridgov.core.import_pages")),
    path("", include("gridgov.cases.urls")),
]
# MEDIA_ROOT is never served as a directory: case photos go through the scoped view in cases.views.
