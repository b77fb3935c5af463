from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/<slug:slug>/", views.report, name="report"),
    path("reports/<slug:slug>/report.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<slug:slug>/data.<str:fmt>", views.report_data, name="report_data"),
    path("reports/<slug:slug>/comment/", views.report_comment, name="report_comment"),
    path("syntheses/", views.manage_list, name="manage_list"),
    path("syntheses/new/", views.synthesis_create, name="synthesis_create"),
    path("syntheses/<int:pk>/", views.board, name="board"),
    path("syntheses/<int:pk>/edit/", views.synthesis_edit, name="synthesis_edit"),
    path("syntheses/<int:pk>/run/", views.synthesis_run, name="synthesis_run"),
    path("syntheses/<int:pk>/merge/", views.theme_merge, name="theme_merge"),
    path("syntheses/<int:pk>/preview/", views.report_preview, name="report_preview"),
    path("syntheses/<int:pk>/publish/", views.synthesis_publish, name="synthesis_publish"),
    path("syntheses/themes/<int:pk>/", views.theme_detail, name="theme"),
    path("syntheses/themes/<int:pk>/split/", views.theme_split, name="theme_split"),
    path("syntheses/themes/<int:pk>/quotes/", views.theme_quotes, name="theme_quotes"),
    path("syntheses/themes/<int:pk>/move/", views.theme_move, name="theme_move"),
    path("syntheses/themes/<int:pk>/questions/", views.question_add, name="question_add"),
    path("syntheses/questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
]
