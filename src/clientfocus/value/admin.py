from django.contrib import admin

from clientfocus.value.models import CustomerValue, TierPolicyVersion, ValueFit


@admin.register(TierPolicyVersion)
class TierPolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "is_active", "created_at", "applied_at", "note"]
    readonly_fields = ["version", "rules", "created_by", "created_at", "applied_at", "is_active"]

    def has_add_permission(self, request) -> bool:
        return False  # versions are written on the tier policy page, validated there


@admin.register(ValueFit)
class ValueFitAdmin(admin.ModelAdmin):
    list_display = ["computed_at", "customers", "note"]


@admin.register(CustomerValue)
class CustomerValueAdmin(admin.ModelAdmin):
    list_display = [
        "customer",
        "orders",
        "revenue",
        "segment",
        "lifetime_value_12m",
        "profitability",
    ]
    list_filter = ["segment"]
    raw_id_fields = ["customer"]
