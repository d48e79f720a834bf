from django.urls import path

from collabdx.web.explorer import views

app_name = "explorer"

urlpatterns = [
    path("", views.index, name="index"),
    path("mechanisms/", views.mechanisms, name="mechanisms"),
    path("cmocs/", views.cmocs, name="cmocs"),
    path("actions/", views.actions, name="actions"),
    path("collaboration-types/", views.collaboration_types, name="types"),
    path("drivers/", views.drivers, name="drivers"),
    path("life-cycle/", views.stages, name="stages"),
    path("maturity-matrix/", views.maturity, name="maturity"),
    path("performance/", views.performance, name="performance"),
    path("web/", views.web, name="web"),
    path("web.svg", views.web_svg, name="web_svg"),
    path("node/<str:node_id>/", views.node, name="node"),
    path("cmoc/<str:cmoc_id>/", views.cmoc, name="cmoc"),
    path("action/<str:action_id>/", views.action, name="action"),
]
