"""Notifications over the API: history per customer and order, resend."""

from uuid import UUID

from ninja import Router, Schema

from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import AwareDateTime
from clientfocus.customers.models import Customer
from clientfocus.notify import selectors, services
from clientfocus.notify.models import Notification
from clientfocus.orders.models import Order
from clientfocus.people.selectors import role_of

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    key: UUID
    channel: str
    recipient: str
    subject: str
    body: str
    state: str
    attempts: int
    last_error: str
    next_attempt_at: AwareDateTime
    sent_at: AwareDateTime | None
    created_at: AwareDateTime


def _employee(user) -> None:
    if role_of(user) is None:
        raise NotAllowed("employees only")


@router.get("/customer/{customer_id}", response=list[NotificationOut])
def customer_history(request, customer_id: UUID):
    _employee(request.auth)
    customer = Customer.objects.get(public_id=customer_id)
    return list(selectors.for_customer(customer.pk))


@router.get("/order/{order_id}", response=list[NotificationOut])
def order_history(request, order_id: str):
    _employee(request.auth)
    order = Order.objects.get(order_id=order_id)
    return list(selectors.for_order(order.pk))


@router.post("/{key}/resend", response=NotificationOut)
def resend(request, key: UUID):
    """Queue the notification again with the same idempotency key."""
    _employee(request.auth)
    return services.resend(notification=Notification.objects.get(key=key))
