"""The SKR / Swedish Medtech collaboration rules (samverkansregler) every agreement confirms.

Before any party may accept an agreement, the people working on it tick each rule here; the
ticks are kept as `RuleCheck` rows (who, when). The keys are stored, so never rename one.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COLLABORATION_RULES: list[tuple[str, Promise]] = [
    (
        "formalised",
        _("The collaboration is formalised by a written agreement or a documented decision."),
    ),
    (
        "management_approved",
        _("The collaboration is approved by the region's management (anchored with a sponsor)."),
    ),
    (
        "market_value",
        _(
            "Compensation between the parties reflects market value, covers only work actually "
            "done and is documented."
        ),
    ),
    (
        "no_benefits",
        _(
            "No gifts, hospitality or other benefits are given to the region's staff beyond "
            "what the rules allow."
        ),
    ),
    (
        "open_purpose",
        _(
            "The collaboration is open about its purpose and parties, and may be made public "
            "at any time."
        ),
    ),
    (
        "procurement_neutral",
        _(
            "The collaboration does not distort a later public procurement and gives no party "
            "a head start."
        ),
    ),
    (
        "employers_informed",
        _(
            "The employers of the people taking part are informed and have agreed to their "
            "participation."
        ),
    ),
    (
        "documented",
        _("The agreement, decisions and payments are documented and kept as public records."),
    ),
]

RULE_KEYS: frozenset[str] = frozenset(key for key, _text in COLLABORATION_RULES)
