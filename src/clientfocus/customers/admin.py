from django.contrib import admin

from clientfocus.customers.models import ContactPoint, Customer, CustomerEvent, Tier


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank", "is_default"]
    prepopulated_fields = {"code": ["name"]}


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 1
    fields = ["kind", "value", "label", "position"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "tier", "country", "language", "owner", "created_at"]
    list_filter = ["tier", "kind", "country", "language"]
    search_fields = ["name", "contacts__normalised", "external_ref"]
    autocomplete_fields = ["owner", "company"]
    inlines = [ContactPointInline]
    readonly_fields = ["public_id", "created_at"]


@admin.register(CustomerEvent)
class CustomerEventAdmin(admin.ModelAdmin):
    list_display = ["customer", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["customer", "kind", "actor", "data", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
