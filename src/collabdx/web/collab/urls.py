from django.urls import path

from collabdx.web.collab import setup, views

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
    path("<int:pk>/co-facilitators/", views.cofacilitator_add, name="cofacilitator_add"),
    path("<int:pk>/events/new/", views.event_new, name="event_new"),
    path("<int:pk>/waves/new/", views.wave_new, name="wave_new"),
    path("<int:pk>/waves/<int:wave_pk>/", views.wave_detail, name="wave"),
    path("<int:pk>/waves/<int:wave_pk>/close/", views.wave_close, name="wave_close"),
]
