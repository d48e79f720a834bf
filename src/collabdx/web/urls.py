from django.urls import include, path

from collabdx.web import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("about/", pages.about, name="about"),
    path("privacy/", pages.privacy, name="privacy"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("", include("collabdx.web.accounts.urls")),
    path("collaborations/", include("collabdx.web.collab.urls")),
    path("collaborations/", include("collabdx.web.results.urls")),
    path("collaborations/", include("collabdx.web.invitations.urls")),
    path("", include("collabdx.web.survey.urls")),
    path("", include("collabdx.web.workshop.urls")),
    path("theory/", include("collabdx.web.explorer.urls")),
]

handler400 = "collabdx.web.pages.bad_request"
handler500 = "collabdx.web.pages.server_error"
