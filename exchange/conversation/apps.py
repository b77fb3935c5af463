from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "exchange.conversation"
    label = "conversation"
    verbose_name = "Conversation"
