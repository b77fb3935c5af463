from django.urls import path

from . import views

app_name = "conversation"
urlpatterns = [
    path("examples/<int:pk>/comment/", views.comment_create, name="comment_create"),
    path("examples/<int:pk>/react/", views.example_react, name="example_react"),
    path("examples/<int:pk>/follow/", views.example_follow, name="example_follow"),
    path("examples/<int:pk>/unfollow/", views.example_unfollow, name="example_unfollow"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="comment_reply"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/report/", views.comment_flag, name="comment_flag"),
    path("comments/<int:pk>/react/", views.comment_react, name="comment_react"),
    path("comments/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("moderation/comments/", views.moderation_list, name="moderation_list"),
    path("moderation/comments/<int:pk>/hide/", views.moderation_hide, name="moderation_hide"),
    path(
        "moderation/comments/<int:pk>/restore/",
        views.moderation_restore,
        name="moderation_restore",
    ),
    path(
        "moderation/comments/<int:pk>/approve/",
        views.moderation_approve,
        name="moderation_approve",
    ),
    path(
        "moderation/comments/<int:pk>/stop-author/",
        views.moderation_stop_author,
        name="moderation_stop_author",
    ),
]
