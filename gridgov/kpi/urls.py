from django.urls import path

from gridgov.kpi import views

app_name = "kpi"
urlpatterns: list = [
    path("", views.kpi, name="kpi"),
    path("export.xlsx", views.export_xlsx, name="export"),
]
