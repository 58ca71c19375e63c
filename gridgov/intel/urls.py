from django.urls import path

from gridgov.intel import views

urlpatterns = [
    path("alerts/", views.alert_list, name="intel-alerts"),
    path("alerts/<int:alert_id>/ack/", views.alert_acknowledge, name="intel-alert-ack"),
]
