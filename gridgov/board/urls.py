from django.urls import path

from gridgov.board import views

app_name = "board"
urlpatterns: list = [
    path("", views.board, name="board"),
]
