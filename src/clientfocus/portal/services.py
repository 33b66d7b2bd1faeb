"""The customer's side: signing in, seeing only their own things, writing to us, and
the contact form for people without an account."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientfocus.core import throttle
from clientfocus.core.errors import ServiceError
from clientfocus.customers import selectors as customer_selectors
from clientfocus.customers import services as customers
from clientfocus.customers.models import Customer
from clientfocus.notify.models import Channel, Notification
from clientfocus.portal.models import PortalLogin
from clientfocus.service import services as desk
from clientfocus.service.attachments import IncomingFile
from clientfocus.service.models import Category, Request, RequestQuerySet
from clientfocus.service.models import Channel as RequestChannel

SESSION_CUSTOMER = "portal_customer"
SESSION_EXPIRES = "portal_expires"
SESSION_PENDING = "portal_pending"


def _hash(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()


# -- who sees what --------------------------------------------------------------------------


def visible_customer_ids(customer: Customer) -> list[int]:
    """The customer themselves; the people of a company or the company of a person only
    where an administrator allowed the company to share its requests."""
    ids = {customer.pk}
    company = customer if customer.kind == "company" else customer.company
    if company is not None and company.portal_shares_requests:
        ids.add(company.pk)
        ids.update(Customer.objects.filter(company=company).values_list("pk", flat=True))
    return sorted(ids)


def requests_of(customer: Customer) -> RequestQuerySet:
    """With the policy and calendar each row's promise needs (no query per row)."""
    return Request.objects.filter(customer_id__in=visible_customer_ids(customer)).select_related(
        "sla_policy__calendar"
    )


def request_of(customer: Customer, reference: str) -> Request:
    """The request if this customer may see it; DoesNotExist (404) otherwise."""
    return (
        requests_of(customer)
        .select_related("customer", "sla_policy__calendar", "category", "queue")
        .by_reference(reference)
    )


# -- signing in -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginStarted:
    login_id: str  # what the browser or app keeps to enter the code; reveals nothing


def _throttled(key: str, limit: int, seconds: int) -> bool:
    """One more try under ``key``; True once more than ``limit`` came within the window."""
    return throttle.count(f"portal:{key}", seconds) > limit


def start_login(*, email: str, address: str = "", now: datetime | None = None) -> LoginStarted:
    """Send a one-time link and code to ``email`` when it belongs to a customer. The
    answer is the same whether it does or not (no way to test addresses)."""
    now = now or timezone.now()
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ServiceError("email", _("enter a valid e-mail address")) from exc
    if _throttled(f"login:{email.casefold()}", 5, 3600) or _throttled(f"ip:{address}", 30, 3600):
        raise ServiceError("email", _("too many sign-in requests; try again in an hour"))
    customer = customer_selectors.find_by_email(email)
    if customer is None:
        # A decoy id with the same shape: entering a code for it fails like a wrong code.
        return LoginStarted(login_id=signing.dumps({"decoy": secrets.token_hex(8)}))
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(1_000_000):06d}"
    login = PortalLogin.objects.create(
        customer=customer,
        email=email,
        token_hash=_hash(token),
        code_hash=_hash(f"{token[:8]}:{code}"),
        created_at=now,
        expires_at=now + timedelta(minutes=settings.PORTAL_LOGIN_MINUTES),
    )
    # The code is checked against the hash with the token's first characters as salt.
    link = f"{settings.PUBLIC_BASE_URL}/portal/login/{token}/"
    with translation.override(customer.language or "en"):
        subject = translation.gettext("Your sign-in code: %(code)s") % {"code": code}
        body = render_to_string(
            "portal/email/login.txt",
            {"link": link, "code": code, "minutes": settings.PORTAL_LOGIN_MINUTES},
        ).strip()
    Notification.objects.create(
        channel=Channel.EMAIL,
        recipient=email,
        customer=customer,
        subject=subject,
        body=body,
        sensitive=True,
        headers={"Auto-Submitted": "auto-generated"},
    )
    return LoginStarted(login_id=signing.dumps({"login": str(login.public_id), "salt": token[:8]}))


def verify_code(*, login_id: str, code: str, now: datetime | None = None) -> Customer:
    """The customer typed the code from the e-mail."""
    now = now or timezone.now()
    refused = ServiceError("code", _("the code is wrong or has expired; ask for a new one"))
    try:
        data = signing.loads(login_id, max_age=settings.PORTAL_LOGIN_MINUTES * 60)
    except signing.BadSignature as exc:
        raise refused from exc
    if "login" not in data:
        raise refused
    code = "".join(ch for ch in (code or "") if ch.isdigit())[:6]
    with transaction.atomic():
        login = (
            PortalLogin.objects.select_for_update()
            .select_related("customer")
            .filter(public_id=data["login"])
            .first()
        )
        if login is None or not login.usable(now):
            raise refused
        if login.attempts >= settings.PORTAL_CODE_ATTEMPTS:
            raise ServiceError("code", _("too many wrong codes; ask for a new one"))
        right = hmac.compare_digest(login.code_hash, _hash(f"{data['salt']}:{code}"))
        if right:
            PortalLogin.objects.filter(pk=login.pk).update(used_at=now)
        else:
            # Counted in this transaction, which commits: the refusal is raised after it.
            PortalLogin.objects.filter(pk=login.pk).update(attempts=login.attempts + 1)
    if not right:
        raise refused
    return login.customer


def use_link(*, token: str, now: datetime | None = None) -> Customer:
    """The customer followed the link (and pressed the button: scanners only GET)."""
    now = now or timezone.now()
    with transaction.atomic():
        login = (
            PortalLogin.objects.select_for_update()
            .select_related("customer")
            .filter(token_hash=_hash(token or ""))
            .first()
        )
        if login is None or not login.usable(now):
            raise ServiceError("token", _("this sign-in link has expired or was already used"))
        PortalLogin.objects.filter(pk=login.pk).update(used_at=now)
    return login.customer


def link_is_usable(token: str) -> bool:
    login = PortalLogin.objects.filter(token_hash=_hash(token or "")).first()
    return login is not None and login.usable()


def sign_in(session, customer: Customer) -> None:
    session.cycle_key()
    session[SESSION_CUSTOMER] = customer.pk
    session[SESSION_EXPIRES] = time.time() + settings.PORTAL_SESSION_HOURS * 3600
    session.pop(SESSION_PENDING, None)


def sign_out(session) -> None:
    for key in (SESSION_CUSTOMER, SESSION_EXPIRES, SESSION_PENDING):
        session.pop(key, None)
    session.cycle_key()


def signed_in_customer(session) -> Customer | None:
    customer_id = session.get(SESSION_CUSTOMER)
    if not customer_id:
        return None
    if float(session.get(SESSION_EXPIRES, 0)) < time.time():
        sign_out(session)
        return None
    return Customer.objects.select_related("tier", "company").filter(pk=customer_id).first()


# -- writing to us --------------------------------------------------------------------------


def _category(name_or_id: str | int | None) -> Category | None:
    if name_or_id in (None, ""):
        return None
    text = str(name_or_id)
    found = (
        Category.objects.filter(pk=int(text)).first()
        if text.isdigit() and len(text) < 12
        else Category.objects.filter(name=text).first()
    )
    if found is None:
        raise ServiceError("category", _("choose one of the listed categories"))
    return found


def open_request(
    *,
    customer: Customer,
    subject: str,
    body: str,
    category: str | int | None = None,
    files: list[IncomingFile] | None = None,
) -> Request:
    """A signed-in customer opens a request in the portal."""
    subject = (subject or "").strip()
    if not subject:
        raise ServiceError("subject", _("a subject is required"))
    if len(subject) > 250:
        raise ServiceError("subject", _("the subject is longer than 250 characters"))
    if not (body or "").strip() and not files:
        raise ServiceError("body", _("write what it is about"))
    return desk.open_customer_request(
        customer=customer,
        subject=subject,
        body=body,
        channel=RequestChannel.PORTAL,
        category=_category(category),
        attachments=files,
    )


def reply(
    *, customer: Customer, request: Request, body: str, files: list[IncomingFile] | None = None
):
    """The customer answers on their request (reopens it within the reopen window)."""
    if not (body or "").strip() and not files:
        raise ServiceError("body", _("the message is empty"))
    return desk.customer_writes(
        request=request,
        body=body,
        channel=RequestChannel.PORTAL,
        attachments=files,
        author_name=customer.name,
    )


def close(*, customer: Customer, request: Request) -> Request:
    return desk.resolve_for_customer(request=request)


# -- the contact form -----------------------------------------------------------------------


def form_token(now: float | None = None) -> str:
    """Put in the form when it is shown: proves how long the person took to fill it in."""
    return signing.dumps({"t": now if now is not None else time.time()}, salt="contact-form")


class Spam(Exception):
    """Looks like a bot: answered as if accepted, nothing is stored."""


def check_form(*, token: str, honeypot: str, address: str, now: float | None = None) -> None:
    now = now if now is not None else time.time()
    if honeypot.strip():
        raise Spam("honeypot filled")
    try:
        shown = float(signing.loads(token or "", salt="contact-form", max_age=86400)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ServiceError("form", _("the form has expired; please reload the page")) from exc
    if now - shown < settings.CONTACT_FORM_MIN_SECONDS:
        raise Spam("sent faster than a person types")
    if _throttled(f"contact:{address}", settings.CONTACT_FORM_HOURLY_LIMIT, 3600):
        raise ServiceError("form", _("too many messages from your network; try again later"))


def submit_contact(
    *,
    name: str,
    email: str,
    text: str,
    category: str | int | None = None,
    subject: str = "",
    files: list[IncomingFile] | None = None,
    language: str = "en",
) -> Request:
    """Someone without an account writes to us: a request for the customer with this
    e-mail (created when new); the confirmation with the reference and the promised
    answer time goes to that address."""
    name = " ".join((name or "").split())
    email = (email or "").strip()
    if not name:
        raise ServiceError("name", _("tell us your name"))
    if len(name) > 200:
        raise ServiceError("name", _("the name is longer than 200 characters"))
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ServiceError("email", _("enter a valid e-mail address")) from exc
    if not (text or "").strip():
        raise ServiceError("text", _("write what it is about"))
    if len(text) > desk.MAX_BODY_CHARS:
        raise ServiceError("text", f"the message is longer than {desk.MAX_BODY_CHARS} characters")
    chosen = _category(category)
    with transaction.atomic():
        customer = customer_selectors.find_by_email(email) or customers.create_customer(
            actor=None,
            name=name,
            emails=[email],
            language=language if language in {c for c, _ in settings.LANGUAGES} else "en",
        )
        first_line = next((line for line in text.strip().splitlines() if line.strip()), "")
        return desk.open_customer_request(
            customer=customer,
            subject=(subject or "").strip() or first_line[:120] or (chosen.name if chosen else "…"),
            body=text,
            channel=RequestChannel.WEB,
            category=chosen,
            attachments=files,
            reply_address=email,
        )


def notifications_of(customer: Customer, *, limit: int = 50) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(customer=customer)
        .exclude(Q(state="skipped") | Q(sensitive=True))
        .order_by("-created_at")[:limit]
    )
