from django.contrib import admin

from clientfocus.notify.models import Notification, NotificationRule, NotificationTemplate
from clientfocus.notify.services import resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "state", "attempts", "last_error"]
    list_filter = ["state", "channel"]
    search_fields = ["recipient", "key"]
    raw_id_fields = ["customer", "order"]
    readonly_fields = [
        "key", "attempts", "sent_at", "last_error", "created_at", "shown_subject", "shown_body"
    ]  # fmt: skip
    # Personal links and codes never show, not even to administrators.
    exclude = ["subject", "body", "headers", "attachments"]
    actions = ["resend_selected"]

    @admin.display(description="subject")
    def shown_subject(self, obj: Notification) -> str:
        return obj.subject_for_staff

    @admin.display(description="body")
    def shown_body(self, obj: Notification) -> str:
        return obj.body_for_staff

    @admin.action(description="Resend the selected notifications")
    def resend_selected(self, request, queryset) -> None:
        for notification in queryset:
            resend(notification=notification)


class TemplateInline(admin.StackedInline):
    model = NotificationTemplate
    extra = 1


@admin.register(NotificationRule)
class NotificationRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "channel", "lead_minutes", "active"]
    list_filter = ["event", "channel", "active"]
    filter_horizontal = ["tiers"]
    inlines = [TemplateInline]
