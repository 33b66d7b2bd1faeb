from django.apps import AppConfig


class ScorecardConfig(AppConfig):
    name = "clientfocus.scorecard"
    label = "scorecard"
    verbose_name = "Maturity scorecard and reports"

    def ready(self) -> None:
        # Here, not at the top: wiring imports models, which need the app registry.
        from clientfocus.scorecard import wiring

        wiring.wire()
