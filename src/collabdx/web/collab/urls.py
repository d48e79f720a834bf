from django.urls import path

from collabdx.web.collab import access_views, setup, views

app_name = "collab"

urlpatterns = [
    path("new/", setup.new, name="new"),
    path("new/check/", setup.new_check, name="new_check"),
    path("new/<slug:step>/", setup.new, name="new_step"),
    path("<int:pk>/", views.collaboration_detail, name="detail"),
    path("<int:pk>/edit/", setup.edit, name="edit"),
    path("<int:pk>/edit/<slug:step>/", setup.edit_step, name="edit_step"),
    path("<int:pk>/delete/", views.collaboration_delete, name="delete"),
    path("<int:pk>/export-everything.zip", views.export_everything, name="export_everything"),
    path("<int:pk>/partners/", views.partner_add, name="partner_add"),
    path("<int:pk>/access/", access_views.members, name="members"),
    path("<int:pk>/access/<int:member_pk>/role/", access_views.member_role, name="member_role"),
    path(
        "<int:pk>/access/<int:member_pk>/remove/", access_views.member_remove,
        name="member_remove",
    ),
    path("<int:pk>/security-log/", access_views.security_log, name="security_log"),
    path("<int:pk>/events/new/", views.event_new, name="event_new"),
    path("<int:pk>/waves/new/", views.wave_new, name="wave_new"),
    path("<int:pk>/waves/<int:wave_pk>/", views.wave_detail, name="wave"),
    path("<int:pk>/waves/<int:wave_pk>/close/", views.wave_close, name="wave_close"),
]
