from django.urls import path

from collabdx.web.survey import views

app_name = "survey"

urlpatterns = [
    path("s/<str:token>/", views.start, name="start"),
]
