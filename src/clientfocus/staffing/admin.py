from django.contrib import admin

from clientfocus.staffing.models import AnswerTarget, QueueStaffing, Shift


class AnswerTargetInline(admin.TabularInline):
    model = AnswerTarget
    extra = 1


@admin.register(QueueStaffing)
class QueueStaffingAdmin(admin.ModelAdmin):
    list_display = ("queue", "interval_minutes", "aht_seconds", "patience_seconds", "shrinkage")
    inlines = [AnswerTargetInline]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("employee", "queue", "start", "end")
    list_filter = ("queue",)
    date_hierarchy = "start"
