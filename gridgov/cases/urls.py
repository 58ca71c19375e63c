from django.urls import path

from gridgov.cases import views

app_name = "cases"
urlpatterns: list = [
    path("", views.home, name="home"),
    path("geo/grids.json", views.grids_geojson, name="grids_geojson"),
    path("report/", views.report, name="report"),
    path("patrol/", views.patrol, name="patrol"),
    path("my/", views.my_cases, name="my"),
    path("inbox/", views.inbox, name="inbox"),
    path("track/", views.track, name="track"),
    path("console/", views.console, name="console"),
    path("console/phone/", views.console_phone, name="console_phone"),
    path("console/dispatch-batch/", views.console_dispatch_batch, name="console_batch"),
    path("console/cases/<int:case_id>/", views.console_panel, name="console_panel"),
    path("console/cases/<int:case_id>/suggest/", views.console_suggest, name="console_suggest"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/<int:case_id>/received/", views.received, name="received"),
    path("cases/<int:case_id>/photos/<int:attachment_id>/", views.case_photo, name="photo"),
    path("cases/<int:case_id>/accept/", views.case_accept, name="accept"),
    path("cases/<int:case_id>/return/", views.case_return, name="return"),
    path("cases/<int:case_id>/progress/", views.case_progress, name="progress"),
    path("cases/<int:case_id>/resolve/", views.case_resolve, name="resolve"),
    path("cases/<int:case_id>/rate/", views.case_rate, name="rate"),
    path("cases/<int:case_id>/cancel/", views.case_cancel, name="cancel"),
    path("cases/<int:case_id>/close/", views.case_close, name="close"),
    path("cases/<int:case_id>/dispatch/", views.case_dispatch, name="dispatch"),
    path("cases/<int:case_id>/merge/", views.case_merge, name="merge"),
]
