from django.contrib import admin

from clientfocus.core.models import ApiToken
from clientfocus.core.views import ThrottledAdminAuthenticationForm

# /admin/login/ is throttled exactly like the staff sign-in.
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request) -> bool:
        # Tokens are shown once when issued: use `clientfocus token create USERNAME`.
        return False
