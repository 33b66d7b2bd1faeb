from django.contrib import admin

from clientfocus.notify.models import Notification, NotificationRule, NotificationTemplate
from clientfocus.notify.services import resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "state", "attempts", "last_error"]
    list_filter = ["state", "channel"]
    search_fields = ["recipient", "key"]
    raw_id_fields = ["customer", "order"]
    readonly_fields = ["key", "attempts", "sent_at", "last_error", "created_at"]
    actions = ["resend_selected"]

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
