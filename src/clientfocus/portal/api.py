"""The portal over the API: what a signed-in customer's app can do (the session cookie
from `POST /api/portal/login/verify`), and the contact form for a company's own site.
Another customer's request answers 404, exactly like a missing one."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.security import APIKeyCookie
from pydantic import Field

from clientfocus.core.errors import ServiceError
from clientfocus.core.schemas import AwareDateTime, Input
from clientfocus.core.views import client_address
from clientfocus.customers import services as customers
from clientfocus.customers.models import Customer
from clientfocus.orders.models import Order
from clientfocus.portal import services
from clientfocus.service.models import MessageKind, Request
from clientfocus.service.selectors import answer_promise

router = Router(tags=["portal"])


class PortalSession(APIKeyCookie):
    """The portal's own session (not an employee's)."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Customer | None:
        return services.signed_in_customer(request.session)


portal_auth = PortalSession()


def _customer(request: HttpRequest) -> Customer:
    return request.auth  # type: ignore[attr-defined,return-value]


class LoginIn(Input):
    email: str = Field(min_length=3, max_length=254)


class LoginOut(Schema):
    login: str
    detail: str


class VerifyIn(Input):
    login: str = Field(min_length=1, max_length=500)
    code: str = Field(min_length=1, max_length=12)


class PromiseOut(Schema):
    due: AwareDateTime | None
    opens_at: AwareDateTime | None
    target: str
    overdue: bool


class PortalRequestOut(Schema):
    reference: str
    subject: str
    state: str
    channel: str
    created_at: AwareDateTime
    promise: PromiseOut


class PortalFileOut(Schema):
    id: str
    filename: str
    size: int
    content_type: str


class PortalMessageOut(Schema):
    kind: str
    author: str
    body_html: str
    created_at: AwareDateTime
    files: list[PortalFileOut]


class PortalRequestDetail(PortalRequestOut):
    messages: list[PortalMessageOut]


class NewRequestIn(Input):
    subject: str = Field(min_length=1, max_length=250)
    body: str = Field(min_length=1, max_length=100_000)
    category: str | None = Field(default=None, max_length=100)


class ReplyIn(Input):
    body: str = Field(min_length=1, max_length=100_000)


class OrderOut(Schema):
    order_id: str
    placed_at: AwareDateTime
    amount: str
    currency: str
    milestones: list[dict]


class ProfileOut(Schema):
    name: str
    language: str
    timezone: str
    preferred_channel: str
    consent_email: bool
    consent_sms: bool
    consent_marketing: bool


class ProfileIn(Input):
    language: Literal["en", "ru", "lt", "sl", "hi"] | None = None
    timezone: str | None = Field(default=None, max_length=64)
    preferred_channel: Literal["", "email", "sms"] | None = None
    consent_email: bool | None = None
    consent_sms: bool | None = None
    consent_marketing: bool | None = None


class ContactIn(Input):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    text: str = Field(min_length=1, max_length=100_000)
    category: str | None = Field(default=None, max_length=100)
    form_token: str = Field(max_length=500, description="from GET /api/portal/contact/token")
    website: str = Field(default="", max_length=200, description="leave empty (honeypot)")


class ContactOut(Schema):
    reference: str | None
    detail: str
    promise: PromiseOut | None


def _promise(request: Request) -> dict:
    promise = answer_promise(request)
    return {
        "due": promise.due,
        "opens_at": promise.opens_at,
        "target": promise.target,
        "overdue": promise.overdue,
    }


def _request_out(row: Request) -> dict:
    return {
        "reference": row.reference,
        "subject": row.subject,
        "state": row.state,
        "channel": row.channel,
        "created_at": row.created_at,
        "promise": _promise(row),
    }


def _load(request: HttpRequest, reference: str) -> Request:
    try:
        return services.request_of(_customer(request), reference)
    except Request.DoesNotExist as exc:
        raise Http404 from exc


@router.post("/login", auth=None, response={202: LoginOut})
def login(request: HttpRequest, payload: LoginIn):
    """Send a sign-in code to the address (if it is a customer's; the answer is the same)."""
    started = services.start_login(email=payload.email, address=client_address(request))
    return Status(
        202, {"login": started.login_id, "detail": "if the address is known, a code was sent"}
    )


@router.post("/login/verify", auth=None, response=ProfileOut)
def verify(request: HttpRequest, payload: VerifyIn):
    """Enter the code; the answer sets the portal session cookie."""
    customer = services.verify_code(login_id=payload.login, code=payload.code)
    services.sign_in(request.session, customer)
    return customer


@router.post("/logout", auth=portal_auth, response={204: None})
def logout(request: HttpRequest):
    services.sign_out(request.session)
    return Status(204, None)


@router.get("/requests", auth=portal_auth, response=list[PortalRequestOut])
def list_requests(request: HttpRequest):
    rows = services.requests_of(_customer(request)).order_by("-created_at")[:100]
    return [_request_out(r) for r in rows]


@router.post("/requests", auth=portal_auth, response={201: PortalRequestOut})
def create_request(request: HttpRequest, payload: NewRequestIn):
    created = services.open_request(
        customer=_customer(request),
        subject=payload.subject,
        body=payload.body,
        category=payload.category,
    )
    return Status(201, _request_out(created))


@router.get("/requests/{reference}", auth=portal_auth, response=PortalRequestDetail)
def get_request(request: HttpRequest, reference: str):
    row = _load(request, reference)
    messages = []
    for m in row.messages.exclude(kind=MessageKind.NOTE).prefetch_related("attachments"):
        messages.append(
            {
                "kind": m.kind,
                "author": "you" if m.kind == MessageKind.CUSTOMER else m.author_name,
                "body_html": m.body_html,
                "created_at": m.created_at,
                "files": [
                    {
                        "id": str(a.public_id),
                        "filename": a.filename,
                        "size": a.size,
                        "content_type": a.content_type,
                    }
                    for a in m.attachments.all()
                ],
            }
        )
    return {**_request_out(row), "messages": messages}


@router.post("/requests/{reference}/messages", auth=portal_auth, response={201: PortalRequestOut})
def reply(request: HttpRequest, reference: str, payload: ReplyIn):
    """Answer on the request; a request resolved long ago opens a new one that follows it."""
    row = _load(request, reference)
    message = services.reply(customer=_customer(request), request=row, body=payload.body)
    return Status(201, _request_out(message.request))


@router.post("/requests/{reference}/close", auth=portal_auth, response=PortalRequestOut)
def close(request: HttpRequest, reference: str):
    row = _load(request, reference)
    return _request_out(services.close(customer=_customer(request), request=row))


@router.get("/orders", auth=portal_auth, response=list[OrderOut])
def orders(request: HttpRequest):
    rows = (
        Order.objects.filter(customer=_customer(request))
        .prefetch_related("milestones")
        .order_by("-placed_at")[:50]
    )
    return [
        {
            "order_id": o.order_id,
            "placed_at": o.placed_at,
            "amount": str(o.amount),
            "currency": o.currency,
            "milestones": [
                {"kind": m.kind, "occurred_at": m.occurred_at.isoformat(), "note": m.note}
                for m in o.milestones.all()
            ],
        }
        for o in rows
    ]


@router.get("/profile", auth=portal_auth, response=ProfileOut)
def get_profile(request: HttpRequest):
    return _customer(request)


@router.patch("/profile", auth=portal_auth, response=ProfileOut)
def patch_profile(request: HttpRequest, payload: ProfileIn):
    values = payload.dict(exclude_none=True)
    return customers.update_own_preferences(customer=_customer(request), **values)


@router.get("/contact/token", auth=None, response=dict)
def contact_token(request: HttpRequest):
    """A token to send with the contact form (it must be at least a few seconds old)."""
    return {"form_token": services.form_token()}


@router.post("/contact", auth=None, response={201: ContactOut, 202: ContactOut})
def contact(request: HttpRequest, payload: ContactIn):
    """The contact form for people without an account."""
    try:
        services.check_form(
            token=payload.form_token,
            honeypot=payload.website,
            address=client_address(request),
        )
    except services.Spam:
        return Status(202, {"reference": None, "detail": "thank you", "promise": None})
    created = services.submit_contact(
        name=payload.name, email=payload.email, text=payload.text, category=payload.category
    )
    return Status(
        201,
        {"reference": created.reference, "detail": "thank you", "promise": _promise(created)},
    )


__all__ = ["ServiceError", "router"]
