from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "gridgov.catalog"
    label = "catalog"
