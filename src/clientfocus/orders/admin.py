from django.contrib import admin

from clientfocus.orders.models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["order_id", "customer", "placed_at", "amount", "currency", "status", "channel"]
    list_filter = ["status", "channel", "currency", "product_line"]
    search_fields = ["order_id", "customer__name"]
    raw_id_fields = ["customer"]
    inlines = [OrderLineInline]
