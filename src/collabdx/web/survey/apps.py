from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "collabdx.web.survey"
    label = "survey"
