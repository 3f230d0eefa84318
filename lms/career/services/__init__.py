"""The career area's services, one module per idea: ``rules`` (levels and promotion rules,
loaded from content/career and edited by HR as versions), ``eligibility`` (facts gathered in
bulk and the pure evaluation), ``decisions`` (HR's promotions and deferrals, with what HR
saw) and ``kpis`` (monthly figures, imported).

Other areas import this package only.
"""

from lms.career.services.decisions import (
    DecisionForm,
    DecisionLine,
    decisions_of,
    fingerprint,
    record_decision,
)
from lms.career.services.eligibility import (
    Eligibility,
    evaluate,
    evaluate_agent,
    evaluate_agents,
    gather_facts,
)
from lms.career.services.rules import (
    CareerSyncReport,
    RuleSpec,
    level_profile,
    level_profiles,
    next_level,
    rule_in_force,
    rule_versions,
    rules_in_force,
    save_rule_version,
    sync_career,
)

__all__ = [
    "CareerSyncReport",
    "DecisionForm",
    "DecisionLine",
    "Eligibility",
    "RuleSpec",
    "decisions_of",
    "evaluate",
    "evaluate_agent",
    "evaluate_agents",
    "fingerprint",
    "gather_facts",
    "level_profile",
    "level_profiles",
    "next_level",
    "record_decision",
    "rule_in_force",
    "rule_versions",
    "rules_in_force",
    "save_rule_version",
    "sync_career",
]
