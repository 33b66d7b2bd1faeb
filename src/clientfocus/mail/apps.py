from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "clientfocus.mail"
    label = "mail"
    verbose_name = "E-mail"

    def ready(self) -> None:
        from clientfocus.mail import services
        from clientfocus.service import events

        events.message_posted.connect(services.on_message_posted, dispatch_uid="mail.reply")
        events.customer_request_opened.connect(
            services.on_customer_request_opened, dispatch_uid="mail.acknowledge"
        )
