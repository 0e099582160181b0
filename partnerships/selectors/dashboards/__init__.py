"""Reads for the Co-sharing entry page, the region pipeline and its CSV export.

Every read here runs a fixed number of queries however many rows there are: the facts a page
needs per partnership (is the gate waiting, are required checklist items open, is the agreement
waiting for a party) are computed in SQL as annotations, and rows are grouped in Python.

The parts, all importable from here:

- `_common`: the constants, the annotations every partnership read shares and the per-row facts
  (`is_gate_waiting`, `is_stale`, `companies_of`, `unit_of`).
- `pipeline`: the region pipeline (lanes, gates waiting, stale and paused, intake counts) and who
  may see it.
- `entry`: the entry page (company dashboards, open calls, the sponsor's waiting gates, the
  regions a sponsor or coordinator sees).
"""

from ._common import (
    DEFAULT_FAMILY,
    OPEN_STATUSES,
    PERSON_GATES,
    STALE_AFTER,
    companies_of,
    is_gate_waiting,
    is_stale,
    unit_of,
)
from .entry import (
    CompanyDashboard,
    CompanyPartnership,
    company_dashboards,
    coordinator_regions,
    open_calls,
    sponsor_gates_waiting,
    sponsor_regions,
)
from .pipeline import (
    INTAKE_STATUSES,
    Lane,
    RegionPipeline,
    build_lanes,
    can_view_region_pipeline,
    default_template,
    get_pipeline_region_for_user_or_404,
    region_partnerships,
    region_pipelines,
)

__all__ = [
    "DEFAULT_FAMILY",
    "INTAKE_STATUSES",
    "OPEN_STATUSES",
    "PERSON_GATES",
    "STALE_AFTER",
    "CompanyDashboard",
    "CompanyPartnership",
    "Lane",
    "RegionPipeline",
    "build_lanes",
    "can_view_region_pipeline",
    "companies_of",
    "company_dashboards",
    "coordinator_regions",
    "default_template",
    "get_pipeline_region_for_user_or_404",
    "is_gate_waiting",
    "is_stale",
    "open_calls",
    "region_partnerships",
    "region_pipelines",
    "sponsor_gates_waiting",
    "sponsor_regions",
    "unit_of",
]
