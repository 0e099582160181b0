"""Every write to an agreement: starting it, editing clauses and values, confirming the SKR rules,
accepting a version, and putting it in force.

The rules they enforce:
- an agreement is started only at the agreement step of an active partnership, once;
- the text is rendered from the clause library in the agreement's language; a change of text
  makes a new version with its SHA-256, and any acceptance of an earlier version is voided and
  everyone concerned is told ("any change after an acceptance creates a new version");
- a party accepts the latest version only, by its number and checksum as they saw it, and only
  once every collaboration rule (samverkansregel) is confirmed;
- when every party has accepted the latest version the agreement is in force and final.

Each write locks the Agreement row, writes an audit row and a timeline event, and touches the
partnership's `last_activity_at`. Mail goes out after commit.

The parts:
- `values`: clause variables: labels, defaults, `clean_value`, amounts (`format_amount`,
  `compensation_totals`);
- `text`: the fixed wording per language, `agreement_render_text`, `checksum_of`, `region_first`;
- `versions`: writing a new version when the text changes and voiding earlier acceptances;
- `editing`: `agreement_start`, `agreement_update`, `agreement_refresh`;
- `acceptance`: `rule_check_set`, `agreement_accept`;
- `_common`: helpers every write shares (lock, timeline event, refusal once final) and
  `agreement_people`.
"""

from ._common import agreement_people
from .acceptance import agreement_accept, rule_check_set
from .editing import (
    DEFAULT_ROLE,
    ROLE_CLAUSES,
    agreement_refresh,
    agreement_start,
    agreement_update,
)
from .text import WORDING, agreement_render_text, checksum_of, region_first
from .values import (
    AMOUNT,
    DECIMAL_MAX,
    NUMBER_MAX,
    TEXT_MAX,
    WHOLE_NUMBER,
    clean_value,
    compensation_totals,
    format_amount,
    variable_default,
    variable_label,
)

__all__ = [
    "AMOUNT",
    "DECIMAL_MAX",
    "DEFAULT_ROLE",
    "NUMBER_MAX",
    "ROLE_CLAUSES",
    "TEXT_MAX",
    "WHOLE_NUMBER",
    "WORDING",
    "agreement_accept",
    "agreement_people",
    "agreement_refresh",
    "agreement_render_text",
    "agreement_start",
    "agreement_update",
    "checksum_of",
    "clean_value",
    "compensation_totals",
    "format_amount",
    "region_first",
    "rule_check_set",
    "variable_default",
    "variable_label",
]
