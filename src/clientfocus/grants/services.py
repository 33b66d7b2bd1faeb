"""Granting: within the employee's limit at once, above it waiting for someone whose
limit covers it, who approves or declines with a reason in one click; both sides told
by a notice. Limits per role, kind and tier (``grants.limits`` decides)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.customers.models import Customer
from clientfocus.grants import limits
from clientfocus.grants.models import Grant, GrantLimit, GrantState, Kind
from clientfocus.grants.permissions import can_grant, can_set_limits
from clientfocus.people.models import Role
from clientfocus.people.selectors import role_of
from clientfocus.service.models import AgentNotice, Request
from clientfocus.service.permissions import can_see_request

MAX_AMOUNT = Decimal("1000000")
MAX_APPROVERS_TOLD = 20


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError("amount", _("The amount is not a number.")) from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ServiceError("amount", _("An amount is from 0 to 1,000,000."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ServiceError("amount", _("An amount has at most two decimals."))
    return amount.quantize(Decimal("0.01"))


def limit_of(role: str | None, kind: str, tier_id: int | None) -> limits.Limit | None:
    rows = GrantLimit.objects.filter(role=role or "", kind=kind).filter(
        Q(tier_id=tier_id) | Q(tier__isnull=True)
    )
    return limits.pick(
        [(r.tier_id, limits.Limit(r.per_grant, r.per_customer, r.period_days)) for r in rows],
        tier_id,
    )


def already_granted(
    customer: Customer, kind: str, days: int, *, exclude: int | None = None
) -> Decimal:
    """What the customer received (or is waiting for) of this kind in the last ``days``."""
    rows = Grant.objects.filter(
        customer=customer,
        kind=kind,
        state__in=[GrantState.APPROVED, GrantState.PENDING],
        created_at__gte=timezone.now() - timedelta(days=days),
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def verdict(
    user, customer: Customer, kind: str, amount: Decimal, *, exclude: int | None = None
) -> limits.Verdict:
    return role_verdict(role_of(user), customer, kind, amount, exclude=exclude)


def role_verdict(
    role: str | None, customer: Customer, kind: str, amount: Decimal, *, exclude: int | None = None
) -> limits.Verdict:
    """Whether a role's limit covers the grant (administrators' always does)."""
    if role == Role.ADMIN:
        return limits.Verdict(True, "")
    limit = limit_of(role, kind, customer.tier_id)
    period = limit.period_days if limit else 30
    return limits.judge(limit, amount, already_granted(customer, kind, period, exclude=exclude))


def approvers(grant: Grant) -> list:
    """Active employees (not the asker) whose limit covers the grant: the limit is the
    role's, so each role is judged once."""
    covering = [
        role
        for role in (Role.MANAGER, Role.ADMIN, Role.AGENT)
        if role_verdict(role, grant.customer, grant.kind, grant.amount, exclude=grant.pk).within
    ]
    return list(
        get_user_model()
        .objects.filter(is_active=True, employee__role__in=covering)
        .exclude(pk=grant.granted_by_id or 0)[:MAX_APPROVERS_TOLD]
    )


@transaction.atomic
def grant(
    *,
    actor,
    customer: Customer,
    kind: str,
    amount,
    reason: str,
    request: Request | None = None,
    fee_code: str = "",
    currency: str = "EUR",
) -> Grant:
    if not can_grant(actor):
        raise NotAllowed(_("You may not grant anything to customers."))
    if kind not in Kind.values:
        raise ServiceError("kind", _("Unknown kind of grant."))
    amount = _amount(amount)
    reason = (reason or "").strip()
    if not 3 <= len(reason) <= 300:
        raise ServiceError("reason", _("Say why, in 3 to 300 characters."))
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        raise ServiceError("currency", _("A currency is a three-letter ISO code."))
    if request is not None:
        if request.customer_id != customer.pk:
            raise ServiceError("request", _("The request is not this customer's."))
        if not can_see_request(actor, request):
            raise NotAllowed(_("You may not see this request."))
    if customer.erased_at is not None:
        raise ServiceError("customer", _("This customer's data was erased."))
    customer = Customer.objects.select_for_update().get(pk=customer.pk)  # one grant at a time
    judged = verdict(actor, customer, kind, amount)
    made = Grant.objects.create(
        customer=customer,
        request=request,
        kind=kind,
        amount=amount,
        currency=currency,
        reason=reason,
        fee_code=(fee_code or "")[:60],
        tier_code=customer.tier.code if customer.tier_id else "",
        state=GrantState.APPROVED if judged.within else GrantState.PENDING,
        granted_by=actor,
        exceeds=judged.reason[:200],
    )
    if not judged.within:
        text = _("Grant to approve: %(kind)s %(amount)s %(currency)s for %(customer)s") % {
            "kind": made.get_kind_display(),
            "amount": amount,
            "currency": currency,
            "customer": customer.name,
        }
        link = reverse("grants:pending")
        AgentNotice.objects.bulk_create(
            [
                AgentNotice(recipient=u, kind="grant", text=text[:300], link=link, request=request)
                for u in approvers(made)
            ]
        )
    return made


@transaction.atomic
def decide(*, actor, grant: Grant, approve: bool, note: str = "") -> Grant:
    found = Grant.objects.select_for_update().select_related("customer").get(pk=grant.pk)
    if found.state != GrantState.PENDING:
        raise ServiceError("state", _("This grant was decided already."))
    if found.granted_by_id == actor.pk:
        raise NotAllowed(_("Someone else decides a grant you asked for."))
    if not verdict(actor, found.customer, found.kind, found.amount, exclude=found.pk).within:
        raise NotAllowed(_("Your limit does not cover this grant."))
    note = (note or "").strip()[:300]
    if not approve and len(note) < 3:
        raise ServiceError("note", _("Say why the grant is declined."))
    found.state = GrantState.APPROVED if approve else GrantState.DECLINED
    found.decided_by, found.decided_at, found.decision_note = actor, timezone.now(), note
    found.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if found.granted_by_id:
        text = (
            _("Grant approved: %(kind)s %(amount)s %(currency)s for %(customer)s")
            if approve
            else _("Grant declined: %(kind)s %(amount)s %(currency)s for %(customer)s")
        ) % {
            "kind": found.get_kind_display(),
            "amount": found.amount,
            "currency": found.currency,
            "customer": found.customer.name,
        }
        if note:
            text += f" — {note}"
        AgentNotice.objects.create(
            recipient_id=found.granted_by_id,
            kind="grant",
            text=text[:300],
            request=found.request,
            link=reverse("customers:record", args=[found.customer.public_id]),
        )
    return found


def set_limit(
    *,
    actor,
    role: str,
    kind: str,
    tier=None,
    per_grant=None,
    per_customer=None,
    period_days: int = 30,
) -> GrantLimit:
    if not can_set_limits(actor):
        raise NotAllowed(_("Only administrators set grant limits."))
    if role not in Role.values:
        raise ServiceError("role", _("Unknown role."))
    if kind not in Kind.values:
        raise ServiceError("kind", _("Unknown kind of grant."))
    if not 1 <= period_days <= 3650:
        raise ServiceError("period_days", _("A period is 1 to 3650 days."))
    values = {
        "per_grant": None if per_grant in (None, "") else _amount(per_grant),
        "per_customer": None if per_customer in (None, "") else _amount(per_customer),
        "period_days": period_days,
    }
    found, _created = GrantLimit.objects.update_or_create(
        role=role, kind=kind, tier=tier, defaults=values
    )
    return found


def costs_by_customer() -> dict[int, float]:
    """What granted things cost, per customer: the value engine adds it to the cost to serve."""
    return {
        cid: float(total)
        for cid, total in Grant.objects.filter(state=GrantState.APPROVED)
        .values("customer_id")
        .annotate(total=Sum("amount"))
        .values_list("customer_id", "total")
        .order_by()
    }


def pending_for(user) -> list[Grant]:
    """Waiting grants this user may decide."""
    waiting = (
        Grant.objects.filter(state=GrantState.PENDING)
        .exclude(granted_by=user)
        .select_related("customer", "customer__tier", "granted_by", "request")[:500]
    )
    return [g for g in waiting if verdict(user, g.customer, g.kind, g.amount, exclude=g.pk).within]
