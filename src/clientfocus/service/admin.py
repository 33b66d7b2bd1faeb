from django.contrib import admin

from clientfocus.service.models import (
    AgentNotice,
    BusinessCalendar,
    Category,
    Message,
    Queue,
    Request,
    RequestEvent,
    SlaPolicy,
    TimeEntry,
)


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name", "tier", "priority", "calendar", "first_response_minutes",
        "next_response_minutes", "resolution_minutes", "active",
    ]  # fmt: skip
    list_filter = ["active", "tier", "priority"]


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["name", "department"]
    list_filter = ["department"]
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "default_queue"]


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    readonly_fields = ("kind", "author", "author_name", "body_html", "created_at")
    fields = ("kind", "author", "author_name", "body_html", "created_at")
    can_delete = False


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "tier", "queue", "assignee", "due_at", "sla_state"]
    list_filter = ["state", "sla_state", "tier", "queue", "channel"]
    search_fields = ["subject", "customer__name"]
    raw_id_fields = ["customer", "assignee"]
    readonly_fields = [
        "first_response_due", "next_response_due", "resolution_due", "due_at", "sla_state",
        "first_responded_at", "first_response_met", "resolved_at", "resolution_met",
        "closed_at", "breach_count", "paused_minutes", "sla_flags",
    ]  # fmt: skip
    inlines = [MessageInline]


@admin.register(RequestEvent)
class RequestEventAdmin(admin.ModelAdmin):
    list_display = ["request", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["request", "customer"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgentNotice)
class AgentNoticeAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "text", "created_at", "read_at"]


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["request", "employee", "minutes", "note", "created_at"]
    raw_id_fields = ["request", "employee"]
