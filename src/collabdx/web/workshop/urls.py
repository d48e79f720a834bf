from django.urls import path

from collabdx.web.workshop import action_views, views

app_name = "workshop"

urlpatterns = [
    path("m/<str:token>/", views.rate, name="rate"),
    path("m/<str:token>/thanks/", views.thanks, name="thanks"),
    path(
        "collaborations/<int:pk>/waves/<int:wave_pk>/maturity/",
        views.facilitate,
        name="facilitate",
    ),
    path(
        "collaborations/<int:pk>/waves/<int:wave_pk>/maturity/rounds/open/",
        views.round_open,
        name="round_open",
    ),
    path(
        "collaborations/<int:pk>/waves/<int:wave_pk>/maturity/rounds/close/",
        views.round_close,
        name="round_close",
    ),
    path(
        "collaborations/<int:pk>/waves/<int:wave_pk>/maturity/actions/",
        action_views.actions,
        name="actions",
    ),
    path(
        "collaborations/<int:pk>/waves/<int:wave_pk>/maturity/actions/<str:element_id>/<str:action_id>/",
        action_views.adopt,
        name="adopt",
    ),
]
