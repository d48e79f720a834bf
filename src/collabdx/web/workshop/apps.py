from django.apps import AppConfig


class WorkshopConfig(AppConfig):
    name = "collabdx.web.workshop"
    label = "workshop"
