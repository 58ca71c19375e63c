from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gridgov.people"
    label = "people"
