from django.urls import path

from .views import gallery, moderation, submission

app_name = "examples"
urlpatterns = [
    # Gallery and reading (views/gallery.py)
    path("examples/", gallery.gallery, name="gallery"),
    path("examples/<int:pk>/", gallery.example_detail, name="detail"),
    path("campaigns/", gallery.campaign_list, name="campaign_list"),
    path("campaigns/<slug:slug>/", gallery.campaign_detail, name="campaign_detail"),
    # Submitting (views/submission.py)
    path("campaigns/<slug:slug>/submit/", submission.example_create, name="create"),
    path("my-examples/", submission.my_examples, name="mine"),
    path("examples/<int:pk>/edit/", submission.example_edit, name="edit"),
    path("examples/<int:pk>/preview/", submission.example_preview, name="preview"),
    path("examples/<int:pk>/submit/", submission.example_submit, name="submit"),
    path("examples/<int:pk>/withdraw/", submission.example_withdraw, name="withdraw"),
    path("examples/<int:pk>/delete/", submission.example_delete, name="delete"),
    path(
        "examples/<int:pk>/attachments/<int:attachment_pk>/delete/",
        submission.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "examples/<int:pk>/attachments/<int:attachment_pk>/",
        gallery.attachment_download,
        name="attachment_download",
    ),
    # Moderation (views/moderation.py)
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/examples/<int:pk>/", moderation.review, name="moderation_review"),
    path("moderation/examples/<int:pk>/approve/", moderation.approve, name="moderation_approve"),
    path("moderation/examples/<int:pk>/reject/", moderation.reject, name="moderation_reject"),
    path(
        "moderation/examples/<int:pk>/request-changes/",
        moderation.request_changes,
        name="moderation_request_changes",
    ),
    path(
        "moderation/examples/<int:pk>/take-down/", moderation.take_down, name="moderation_take_down"
    ),
    path("moderation/examples/<int:pk>/restore/", moderation.restore, name="moderation_restore"),
    path("moderation/examples/<int:pk>/feature/", moderation.feature, name="moderation_feature"),
    path(
        "moderation/examples/<int:pk>/unfeature/", moderation.unfeature, name="moderation_unfeature"
    ),
    path("moderation/audit/", moderation.audit_log, name="audit_log"),
]
