"""A wave's answers collected elsewhere: the owner's upload pages.

They store survey responses, so they live in the survey app, but they are pages of
a collaboration's wave: the project URLconf (``web/urls.py``) serves them under
``collaborations/`` in the ``collab`` namespace, as ``collab:wave_upload``...
"""

from django.urls import path

from collabdx.web.survey import upload_views

urlpatterns = [
    path(
        "<int:pk>/waves/<int:wave_pk>/upload/", upload_views.wave_upload, name="wave_upload"
    ),
    path(
        "<int:pk>/waves/<int:wave_pk>/upload/confirm/", upload_views.wave_upload_confirm,
        name="wave_upload_confirm",
    ),
    path(
        "<int:pk>/waves/<int:wave_pk>/upload/cancel/", upload_views.wave_upload_cancel,
        name="wave_upload_cancel",
    ),
]
