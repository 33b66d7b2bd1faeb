"""The REST API: one NinjaAPI, routers per app, errors in one shape.

Authentication: ``Authorization: Bearer <token>`` (``clientfocus token create USER``),
or the browser session (for the interactive docs at /api/docs).
Errors: 422 ``{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`` for invalid input,
403 ``{"detail": ...}`` for a forbidden action, 404 for unknown or invisible objects.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.security import django_auth

from clientfocus.core.api_json import OrjsonParser, OrjsonRenderer
from clientfocus.core.auth import BearerToken
from clientfocus.core.errors import InvalidItems, NotAllowed, ServiceError

ERROR_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        }
    },
    "required": ["detail"],
}
# What any operation may answer besides its success: every one of them parses input,
# authenticates, authorises and looks objects up.
COMMON_ERRORS = {
    "400": ("The request body could not be parsed.", ERROR_DETAIL),
    "401": ("Not signed in: no or an unknown token.", ERROR_DETAIL),
    "403": ("Signed in, but this action is not allowed.", ERROR_DETAIL),
    "404": ("Not found, or not visible to you.", ERROR_DETAIL),
    "422": ("Invalid input: which field and why.", VALIDATION_ERROR),
}


class ClientfocusAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The schema with the error answers every operation can give (RFC-style bodies:
        ``{"detail": …}``), so generated clients and schemathesis know them."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, (description, body) in COMMON_ERRORS.items():
                    responses.setdefault(
                        status,
                        {"description": description,
                         "content": {"application/json": {"schema": body}}},
                    )  # fmt: skip
        return schema


api = ClientfocusAPI(
    title="clientfocus API",
    version="1",
    description=__doc__ or "",
    auth=[BearerToken(), django_auth],
    parser=OrjsonParser(),
    renderer=OrjsonRenderer(),
    urls_namespace="api",
    # The interactive docs and the schema: signed-in people only.
    docs_decorator=login_required,
)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    return api.create_response(
        request,
        {"detail": [{"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}]},
        status=422,
    )


@api.exception_handler(InvalidItems)
def invalid_items(request, exc: InvalidItems):
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(NotAllowed)
def not_allowed(request, exc: NotAllowed):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(ObjectDoesNotExist)
def not_found(request, exc: ObjectDoesNotExist):
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
@api.exception_handler(ValidationError)
def out_of_range(request, exc: Exception):
    return api.create_response(
        request, {"detail": "a number, date or id in the request is out of range"}, status=400
    )


@api.exception_handler(Http404)
def http_404(request, exc: Http404):
    return api.create_response(request, {"detail": "Not found"}, status=404)


from clientfocus.catalogue.api import customer_router as customer_fees_router  # noqa: E402
from clientfocus.catalogue.api import router as catalogue_router  # noqa: E402
from clientfocus.customers.api import router as customers_router  # noqa: E402
from clientfocus.customers.api import tiers_router  # noqa: E402
from clientfocus.customers.privacy_api import customer_router as customer_privacy_router  # noqa: E402
from clientfocus.customers.privacy_api import router as privacy_router  # noqa: E402
from clientfocus.grants.api import customer_router as customer_grants_router  # noqa: E402
from clientfocus.grants.api import router as grants_router  # noqa: E402
from clientfocus.ideas.api import router as ideas_router  # noqa: E402
from clientfocus.knowledge.api import request_router as request_knowledge_router  # noqa: E402
from clientfocus.knowledge.api import router as knowledge_router  # noqa: E402
from clientfocus.knowledge.training_api import router as training_router  # noqa: E402
from clientfocus.mail.api import router as mail_router  # noqa: E402
from clientfocus.notify.api import router as notify_router  # noqa: E402
from clientfocus.orders.api import customer_router as customer_orders_router  # noqa: E402
from clientfocus.orders.api import router as orders_router  # noqa: E402
from clientfocus.orders.api import webhook_router  # noqa: E402
from clientfocus.people.api import router as people_router  # noqa: E402
from clientfocus.portal.api import router as portal_router  # noqa: E402
from clientfocus.portal.catalogue_api import router as portal_catalogue_router  # noqa: E402
from clientfocus.portal.help_api import router as portal_help_router  # noqa: E402
from clientfocus.portal.ideas_api import router as portal_ideas_router  # noqa: E402
from clientfocus.retention.api import router as at_risk_router  # noqa: E402
from clientfocus.scorecard.api import router as scorecard_router  # noqa: E402
from clientfocus.service.api import queues_router  # noqa: E402
from clientfocus.service.api import router as service_router  # noqa: E402
from clientfocus.staffing.api import router as staffing_router  # noqa: E402
from clientfocus.value.api import customer_router as customer_value_router  # noqa: E402
from clientfocus.value.api import router as value_router  # noqa: E402
from clientfocus.voice.api import router as voice_router  # noqa: E402
from clientfocus.voice.departments_api import router as departments_router  # noqa: E402
from clientfocus.voice.evaluation_api import router as voice_evaluation_router  # noqa: E402

# Requests first: what API clients call most is matched first.
api.add_router("/requests", service_router)
api.add_router("/requests", request_knowledge_router)
# Before the customers router: "/customers/at-risk" is not a customer's id.
api.add_router("/customers", at_risk_router)
api.add_router("/customers", customers_router)
api.add_router("/customers", customer_orders_router)
api.add_router("/customers", customer_value_router)
api.add_router("/customers", customer_privacy_router)
api.add_router("/customers", customer_fees_router)
api.add_router("/customers", customer_grants_router)
api.add_router("/privacy", privacy_router)
api.add_router("/queues", queues_router)
api.add_router("/orders", orders_router)
api.add_router("/webhooks", webhook_router)
api.add_router("/notifications", notify_router)
api.add_router("/value", value_router)
api.add_router("/voice", voice_router)
api.add_router("/voice", voice_evaluation_router)
api.add_router("/staffing", staffing_router)
api.add_router("/ideas", ideas_router)
api.add_router("/catalogue", catalogue_router)
api.add_router("/knowledge", knowledge_router)
api.add_router("/knowledge", training_router)
api.add_router("/departments", departments_router)
api.add_router("/grants", grants_router)
api.add_router("/scorecard", scorecard_router)
api.add_router("/mail", mail_router)
api.add_router("/portal", portal_router)
api.add_router("/portal", portal_ideas_router)
api.add_router("/portal", portal_catalogue_router)
api.add_router("/portal", portal_help_router)
api.add_router("/", people_router)
api.add_router("/", tiers_router)
