from __future__ import annotations

from django.urls import path

from apps.canvas.views import accounts, applications, runs, schedule, templates, workflows

app_name = "canvas"
urlpatterns = [
    path("", workflows.workflow_list, name="workflows"),
    path("workflows/new/", workflows.workflow_new, name="workflow_new"),
    path("workflows/<str:workflow_id>/", workflows.workflow_detail, name="workflow"),
    path("workflows/<str:workflow_id>/run/", runs.workflow_run, name="workflow_run"),
    path("workflows/<str:workflow_id>/delete/", workflows.workflow_delete, name="workflow_delete"),
    path("templates/", templates.template_list, name="templates"),
    path("templates/<str:template_id>/", templates.template_detail, name="template"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/<str:application_id>/connect/", applications.application_connect, name="connect"),
    path("registered/", applications.registered_list, name="registered"),
    path("registered/<str:reg_id>/credentials/", applications.registered_reenter, name="reenter"),
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/new/", accounts.account_new, name="account_new"),
    path("accounts/act-as/", accounts.act_as, name="act_as"),
    path("workflows/<uuid:workflow_id>/schedule/", schedule.schedule_page, name="schedule"),
    path("workflows/<uuid:workflow_id>/schedule/save/", schedule.schedule_save, name="schedule_save"),
    path("workflows/<uuid:workflow_id>/schedule/pause/", schedule.schedule_pause, name="schedule_pause"),
    path("workflows/<uuid:workflow_id>/schedule/resume/", schedule.schedule_resume, name="schedule_resume"),
]
