"""Who may see and act on requests: the one place these rules live (UI, API, exports).

Agents: their department's queues and requests assigned to them.
Department staff: internal requests their department filed or received.
Managers: everything their department files, receives or is assigned.
Admins: everything.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clientfocus.people.models import Employee, Role
from clientfocus.people.selectors import department_of, role_of
from clientfocus.service.models import Queue, Request, RequestQuerySet


def _remembered(user, name: str, department, ids: QuerySet) -> list[int]:
    """``ids`` of the user's department, remembered on the user object like its
    employee record (one page draws several panels that each ask)."""
    cache: dict = user.__dict__.setdefault("_department_ids_cache", {})
    key = (name, department.pk)
    if key not in cache:
        cache[key] = list(ids)
    return cache[key]


def _department_queue_ids(user, department) -> list[int]:
    queues = Queue.objects.filter(department=department).values_list("pk", flat=True)
    return _remembered(user, "queues", department, queues)


def _colleague_ids(user, department) -> list[int]:
    colleagues = Employee.objects.filter(department=department).values_list("user_id", flat=True)
    return _remembered(user, "colleagues", department, colleagues)


def requests_visible_to(user) -> RequestQuerySet:
    role = role_of(user)
    requests: RequestQuerySet = Request.objects.all()
    if role is None:
        return requests.none()
    if role == Role.ADMIN:
        return requests
    department = department_of(user)
    if department is None:
        return requests.filter(assignee=user)
    # Queue and colleague ids are few; filtering on them (not on joins) lets the
    # database walk the due-time index and stop after the first page.
    queue_ids = _department_queue_ids(user, department)
    if role == Role.AGENT:
        return requests.filter(Q(assignee=user) | Q(queue_id__in=queue_ids))
    if role == Role.MANAGER:
        colleagues = _colleague_ids(user, department)
        return requests.filter(
            Q(queue_id__in=queue_ids)
            | Q(requesting_department=department)
            | Q(assignee_id__in=colleagues)
        )
    # Department staff: internal requests only.
    return requests.filter(requesting_department__isnull=False).filter(
        Q(requesting_department=department) | Q(queue_id__in=queue_ids)
    )


def queues_visible_to(user) -> QuerySet[Queue]:
    role = role_of(user)
    if role is None:
        return Queue.objects.none()
    if role == Role.ADMIN:
        return Queue.objects.select_related("department")
    department = department_of(user)
    return Queue.objects.filter(department=department).select_related("department")


def can_see_request(user, request: Request) -> bool:
    return requests_visible_to(user).filter(pk=request.pk).exists()


def is_requester_side(user, request: Request) -> bool:
    """True when ``user`` belongs to the department that filed this internal request
    (and not to the department handling it): their messages are the requester's."""
    if request.requesting_department_id is None:
        return False
    department = department_of(user)
    return (
        department is not None
        and department.pk == request.requesting_department_id
        and department.pk != request.queue.department_id
    )


def can_handle_request(user, request: Request) -> bool:
    """May reply, change state and assign (the handling side)."""
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    if role is None or is_requester_side(user, request):
        return False
    if role == Role.DEPARTMENT_STAFF:
        return request.requesting_department_id is not None and (
            department_of(user) is not None
            and department_of(user).pk == request.queue.department_id  # type: ignore[union-attr]
        )
    return can_see_request(user, request)


def can_file_external_requests(user) -> bool:
    return role_of(user) in {Role.AGENT, Role.MANAGER, Role.ADMIN}


def can_see_overview(user) -> bool:
    return role_of(user) in {Role.MANAGER, Role.ADMIN}
