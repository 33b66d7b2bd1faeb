"""Reads about departments and employees used by several apps."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from clientfocus.people.models import Department, Employee, Role


def employee_of(user: AbstractBaseUser | AnonymousUser) -> Employee | None:
    """The employee record of ``user`` (cached on the user object), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_employee_cache", "missing")
    if cached != "missing":
        return cached  # type: ignore[return-value]
    employee = (
        Employee.objects.select_related("department").filter(user_id=getattr(user, "pk", 0)).first()
    )
    user._employee_cache = employee  # type: ignore[union-attr]
    return employee


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    employee = employee_of(user)
    return employee is not None and employee.role == Role.ADMIN


def role_of(user: AbstractBaseUser | AnonymousUser) -> str | None:
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    employee = employee_of(user)
    return employee.role if employee else None


def department_of(user: AbstractBaseUser | AnonymousUser) -> Department | None:
    employee = employee_of(user)
    return employee.department if employee else None


def managers_of(department_id: int | None) -> list[Employee]:
    if department_id is None:
        return []
    return list(
        Employee.objects.select_related("user").filter(
            department_id=department_id, role=Role.MANAGER, user__is_active=True
        )
    )
