"""Writes for departments and employees."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from clientfocus.people.models import Department, Employee, Role


@transaction.atomic
def create_department(*, name: str, code: str = "", tier=None) -> Department:
    """Create a department; the code defaults to a slug of the name."""
    return Department.objects.create(
        name=name.strip(), code=code or slugify(name)[:40] or "department", tier=tier
    )


@transaction.atomic
def create_employee(
    *,
    username: str,
    password: str | None,
    role: str = Role.AGENT,
    department: Department | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "",
) -> Employee:
    """Create a Django user and its employee record. Admins get Django admin access."""
    user_model = get_user_model()
    user = user_model.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    return Employee.objects.create(user=user, role=role, department=department, language=language)
