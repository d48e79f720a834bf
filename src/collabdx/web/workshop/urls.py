from django.urls import path

from collabdx.web.workshop import views

app_name = "workshop"

urlpatterns = [
    path("m/<str:token>/", views.rate, name="rate"),
    path("m/<str:token>/thanks/", views.thanks, name="thanks"),
    path(
        "collaborations/<int:pk>/waves/<int:wave_pk>/maturity/",
        views.facilitate,
        name="facilitate",
    ),
]
