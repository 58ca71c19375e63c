from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "gridgov.board"
    label = "board"
