from django.urls import path

from gridgov.supervision import views

app_name = "supervision"
urlpatterns: list = [
    path("", views.desk, name="desk"),
    path("calls/", views.calls, name="calls"),
    path("calls/<int:call_id>/report/", views.call_report, name="call_report"),
    path("cases/<int:case_id>/", views.case_panel, name="case"),
    path("cases/<int:case_id>/<slug:action>/", views.case_action, name="case_action"),
]
