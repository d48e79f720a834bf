from django.urls import path

from collabdx.web.invitations import views

app_name = "invitations"

urlpatterns = [
    path("<int:pk>/waves/<int:wave_pk>/invitations/", views.manage, name="manage"),
    path("<int:pk>/waves/<int:wave_pk>/invitations/email/", views.invite, name="invite"),
    path("<int:pk>/waves/<int:wave_pk>/invitations/remind/", views.remind, name="remind"),
    path("<int:pk>/waves/<int:wave_pk>/invitations/codes/", views.codes, name="codes"),
    path(
        "<int:pk>/waves/<int:wave_pk>/invitations/codes/<int:partner_pk>/",
        views.sheet,
        name="sheet",
    ),
]
