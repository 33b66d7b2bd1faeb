from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from clientfocus.core.errors import ServiceError
from clientfocus.mail import services
from clientfocus.mail.models import InboundMail, Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ("address", "queue", "imap_host", "folder", "after_import", "active",
                    "last_fetch_at", "last_error")  # fmt: skip
    readonly_fields = ("last_fetch_at", "last_error")


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ("received_at", "sender", "subject", "state", "reason", "request")
    list_filter = ("state", "mailbox")
    search_fields = ("sender", "subject", "message_id")
    readonly_fields = (
        "mailbox", "message_id", "sender", "subject", "size", "state", "reason", "request",
        "request_message", "received_at", "processed_at", "attempts",
    )  # fmt: skip
    exclude = ("raw",)
    actions = ["retry", "release"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Process again"))
    def retry(self, request, queryset):
        self._again(request, queryset, release=False)

    @admin.action(description=_("Release held messages"))
    def release(self, request, queryset):
        self._again(request, queryset, release=True)

    def _again(self, request, queryset, *, release: bool) -> None:
        for inbound in queryset:
            try:
                outcome = services.retry(inbound=inbound, release=release)
            except ServiceError as exc:
                self.message_user(request, f"{inbound.pk}: {exc.message}", messages.WARNING)
                continue
            self.message_user(request, f"{inbound.pk}: {outcome.action} {outcome.reference or ''}")
