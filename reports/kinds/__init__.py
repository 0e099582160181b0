"""The kinds of report, one module each; `get_kind` finds the one a request names."""

from django.http import Http404

from ..models import ReportKind
from .agreement import AgreementReport
from .base import ReportKindBase
from .obstacles import ObstacleCompilationReport
from .partnership import PartnershipReport
from .process_guide import ProcessGuideReport
from .region_activity import RegionActivityReport

REGISTRY: dict[str, ReportKindBase] = {
    spec.kind.value: spec
    for spec in (
        ProcessGuideReport(),
        PartnershipReport(),
        AgreementReport(),
        ObstacleCompilationReport(),
        RegionActivityReport(),
    )
}
assert set(REGISTRY) == set(ReportKind.values)


def get_kind(kind: str) -> ReportKindBase:
    """The kind named in a URL or a stored request; 404 for anything else."""
    try:
        return REGISTRY[str(kind)]
    except KeyError as exc:
        raise Http404 from exc
