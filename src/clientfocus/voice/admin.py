from django.contrib import admin

from clientfocus.voice.models import (
    Alert,
    AlertSubscription,
    FeedbackItem,
    FollowUp,
    Survey,
    SurveyInvitation,
    Theme,
)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "trigger", "min_days_between", "valid_days", "active")
    list_filter = ("kind", "trigger", "active")
    filter_horizontal = ("tiers",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "active", "position")
    list_editable = ("active", "position")


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "theme", "email")


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin):
    list_display = ("survey", "customer", "state", "created_at", "expires_at")
    list_filter = ("state", "survey")
    raw_id_fields = ("customer", "request", "order", "notification")


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    list_display = ("created_at", "source", "language", "sentiment", "score_kind", "score")
    list_filter = ("source", "sentiment", "score_kind", "language")
    raw_id_fields = ("customer", "request", "order", "recorded_by", "reviewed_by", "queue")
    search_fields = ("text",)


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("created_at", "customer", "owner", "reason", "state", "due_at")
    list_filter = ("state", "reason")
    raw_id_fields = ("item", "customer", "owner", "closed_by")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("created_at", "theme", "kind", "p_value", "state")
    list_filter = ("state", "kind")
    raw_id_fields = ("items", "acted_by")
