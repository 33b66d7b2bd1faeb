from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "clientfocus.people"
    label = "people"
