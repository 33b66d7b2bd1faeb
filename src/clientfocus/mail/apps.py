from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "clientfocus.mail"
    label = "mail"
    verbose_name = "E-mail"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.mail import wiring

        wiring.wire()
