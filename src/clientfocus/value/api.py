"""Value figures over the API: segment and tier summaries (S7, S9, S13)."""

from ninja import Router, Schema

from clientfocus.core.errors import NotAllowed
from clientfocus.core.schemas import AwareDateTime
from clientfocus.service.permissions import can_see_overview
from clientfocus.value import selectors

router = Router(tags=["value"])


class GroupOut(Schema):
    name: str
    customers: int
    revenue: float
    cost_to_serve: float
    profitability: float
    average_value_12m: float | None


class FitOut(Schema):
    computed_at: AwareDateTime
    customers: int
    bgnbd: dict | None
    gammagamma: dict | None
    note: str


class SummaryOut(Schema):
    fit: FitOut | None
    segments: list[GroupOut]
    tiers: list[GroupOut]
    revenue_concentration: dict[str, float]
    rfm_grid: list[list[int]]


@router.get("/summary", response=SummaryOut)
def summary(request):
    """Customers, revenue, cost to serve and profitability per segment and tier, revenue
    concentration and the RFM grid (rows: recency 5 → 1, columns: frequency 1 → 5)."""
    if not can_see_overview(request.auth):
        raise NotAllowed("managers and administrators only")
    return {
        "fit": selectors.latest_fit(),
        "segments": selectors.by_segment(),
        "tiers": selectors.by_tier(),
        "revenue_concentration": selectors.revenue_concentration(),
        "rfm_grid": selectors.rfm_grid(),
    }
