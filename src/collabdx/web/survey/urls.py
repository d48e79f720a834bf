from django.urls import path

from collabdx.web.survey import views

app_name = "survey"

urlpatterns = [
    path("s/<str:token>/", views.start, name="start"),
    path("s/<str:token>/start-again/", views.restart, name="restart"),
    path("s/<str:token>/new-response/", views.new_response, name="new_response"),
    path("s/<str:token>/page/<int:number>/", views.page, name="page"),
    path("s/<str:token>/check/", views.check, name="check"),
    path("s/<str:token>/submit/", views.submit, name="submit"),
    path("s/<str:token>/thank-you/", views.thanks, name="thanks"),
    path("s/<str:token>/thank-you/remove/", views.forget, name="forget"),
]
