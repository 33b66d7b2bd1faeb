"""Orders and their lines: what customers bought (S9, S25)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")


# Orders that count as purchases for value figures.
PURCHASE_STATUSES = (OrderStatus.PLACED, OrderStatus.COMPLETED)


class Order(models.Model):
    # Unique by a constraint, not unique=True: that would add a second index for LIKE
    # searches nobody makes, and every imported order would write it.
    order_id = models.CharField(_("order id"), max_length=64)
    # No foreign-key constraint in the database: it checks (and key-share locks the
    # customer) once per inserted row, a third of a bulk import's time. Orders are written
    # by the import, which checks every customer and locks them once per batch against
    # deletion (orders.importing), and by code holding the customer; PROTECT keeps a
    # customer with orders from being deleted.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
        db_constraint=False,
    )
    placed_at = models.DateTimeField(_("placed"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.COMPLETED
    )
    channel = models.CharField(_("channel"), max_length=30, blank=True)
    product_line = models.CharField(_("product line"), max_length=60, blank=True)
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    # Any change (import, cancellation): the nightly value refresh looks again at the
    # customers whose orders changed since its last run.
    updated_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    stage = models.CharField(_("stage"), max_length=20, blank=True)

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("order")
        indexes = [models.Index(fields=["customer", "placed_at"], name="order_customer_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="order_amount_not_negative"
            ),
            models.UniqueConstraint(fields=["order_id"], name="order_id_unique"),
        ]

    def __str__(self) -> str:
        return self.order_id


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.CharField(_("product"), max_length=120)
    product_line = models.CharField(_("product line"), max_length=60, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="order_line_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class Milestone(models.TextChoices):
    PLACED = "placed", _("Placed")
    CONFIRMED = "confirmed", _("Confirmed")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


FINAL_MILESTONES = (Milestone.DELIVERED, Milestone.CANCELLED)


class OrderMilestone(models.Model):
    """Where an order is (S3, S25): every department sees the same history."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=20, choices=Milestone.choices)
    occurred_at = models.DateTimeField(_("when"))
    window_start = models.DateTimeField(_("delivery window from"), null=True, blank=True)
    window_end = models.DateTimeField(_("delivery window to"), null=True, blank=True)
    new_date = models.DateField(_("new expected date"), null=True, blank=True)
    courier_phone = models.CharField(_("courier's phone"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(max_length=20, default="api")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["order", "occurred_at"], name="milestone_order_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_start__isnull=True)
                | models.Q(window_end__isnull=True)
                | models.Q(window_end__gt=models.F("window_start")),
                name="milestone_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
