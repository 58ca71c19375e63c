from django.urls import path

from gridgov.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("unread/", views.unread_badge, name="unread"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<int:notification_id>/read/", views.mark_read, name="read"),
    path("dead/", views.dead_letters, name="dead_letters"),
    path("dead/<int:delivery_id>/retry/", views.retry_delivery, name="retry"),
]
