from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gridgov.accounts import views as accounts_views
from gridgov.api import api

urlpatterns = [
    # One login page for the site and the admin: same throttling, same second step.
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("login/verify/", accounts_views.verify, name="login_verify"),
    path("account/2fa/", accounts_views.twofactor, name="twofactor"),
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

handler400 = "gridgov.core.errorpages.bad_request"
handler403 = "gridgov.core.errorpages.permission_denied"
handler404 = "gridgov.core.errorpages.page_not_found"
handler500 = "gridgov.core.errorpages.server_error"
# MEDIA_ROOT is never served as a directory: case photos go through the scoped view in cases.views.
