from django.urls import path

from collabdx.web.results import pack_views, research_files, research_views, views

app_name = "results"

urlpatterns = [
    path("<int:pk>/waves/<int:wave_pk>/report/", views.report, name="report"),
    path("<int:pk>/waves/<int:wave_pk>/report/adopt/", views.adopt, name="adopt"),
    path("<int:pk>/waves/<int:wave_pk>/report.pdf", pack_views.report_pdf, name="report_pdf"),
    path("<int:pk>/waves/<int:wave_pk>/report/pdf/", pack_views.report_pdf_status,
         name="report_pdf_status"),
    path("<int:pk>/waves/<int:wave_pk>/export.<str:fmt>", views.export, name="export"),
    path("<int:pk>/waves/<int:wave_pk>/export/<str:fmt>/", pack_views.export_status,
         name="export_status"),
    path("<int:pk>/waves/<int:wave_pk>/research/", research_views.research, name="research"),
    path("<int:pk>/waves/<int:wave_pk>/research.json", research_views.research_json,
         name="research_json"),
    path("<int:pk>/waves/<int:wave_pk>/research.zip", research_views.research_long,
         name="research_long"),
    path("<int:pk>/waves/<int:wave_pk>/research.sav", research_files.research_sav,
         name="research_sav"),
    path("<int:pk>/waves/<int:wave_pk>/research.dta", research_files.research_dta,
         name="research_dta"),
    path("<int:pk>/waves/<int:wave_pk>/research-lavaan.R", research_files.research_lavaan,
         name="research_lavaan"),
    path("<int:pk>/waves/<int:wave_pk>/research-mplus.inp", research_files.research_mplus,
         name="research_mplus"),
    path("<int:pk>/trends/", views.trends, name="trends"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/plan/<int:item_pk>/", views.plan_item, name="plan_item"),
]
