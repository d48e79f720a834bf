from django.urls import include, path

from collabdx.web import pages
from collabdx.web.collab import urls as collab_urls
from collabdx.web.survey import upload_urls

# A collaboration's pages, whichever app serves them: the base app's, and the wave
# upload (survey owns responses; collab imports no app built on it).
collab_pages = (collab_urls.urlpatterns + upload_urls.urlpatterns, collab_urls.app_name)

urlpatterns = [
    path("", pages.home, name="home"),
    path("about/", pages.about, name="about"),
    path("privacy/", pages.privacy, name="privacy"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("", include("collabdx.web.accounts.urls")),
    path("collaborations/", include(collab_pages)),
    path("collaborations/", include("collabdx.web.results.urls")),
    path("collaborations/", include("collabdx.web.invitations.urls")),
    path("", include("collabdx.web.survey.urls")),
    path("", include("collabdx.web.workshop.urls")),
    path("theory/", include("collabdx.web.explorer.urls")),
]

handler400 = "collabdx.web.pages.bad_request"
handler500 = "collabdx.web.pages.server_error"
