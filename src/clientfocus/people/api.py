"""Departments over the API."""

from typing import cast

from django.db import IntegrityError
from django.db.models import Model
from ninja import Router, Schema, Status
from pydantic import Field

from clientfocus.core.errors import NotAllowed, ServiceError
from clientfocus.core.schemas import Input
from clientfocus.people.models import Department
from clientfocus.people.selectors import is_admin
from clientfocus.people.services import create_department

router = Router(tags=["departments"])


class DepartmentOut(Schema):
    id: int
    name: str
    code: str
    tier: str | None = None

    @staticmethod
    def resolve_tier(obj: Department) -> str | None:
        return obj.tier.code if obj.tier else None


class DepartmentIn(Input):
    name: str = Field(min_length=1, max_length=120)
    code: str = Field(default="", max_length=40, pattern=r"^[-a-zA-Z0-9_]*$")
    tier: str | None = None


@router.get("/departments", response=list[DepartmentOut])
def list_departments(request):
    return Department.objects.select_related("tier").order_by("name")


@router.post("/departments", response={201: DepartmentOut})
def add_department(request, payload: DepartmentIn):
    if not is_admin(request.auth):
        raise NotAllowed("only administrators create departments")
    tier = None
    if payload.tier:
        # The tier model belongs to the customers app, a layer above: reached through
        # the relation this app's model declares, not imported.
        tier_model = cast(type[Model], Department._meta.get_field("tier").related_model)
        tier = tier_model._default_manager.filter(code=payload.tier).first()
        if tier is None:
            raise ServiceError("tier", f"unknown tier {payload.tier!r}")
    try:
        return Status(201, create_department(name=payload.name, code=payload.code, tier=tier))
    except IntegrityError as exc:
        raise ServiceError("name", "a department with this name or code exists") from exc


@router.get("/departments/{department_id}", response=DepartmentOut)
def get_department(request, department_id: int):
    return Department.objects.select_related("tier").get(pk=department_id)
