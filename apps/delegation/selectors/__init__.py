"""Every read of the delegation app, scoped through the requesting person's membership.

Another tandem's area or decision is a NotFound, exactly like a missing one.

One module per part, re-exported here: `areas` (the matrix's areas, their growth
suggestions, its history, elevations), `decisions` (decisions, the review queue, the rows
of the log and of the review page), `pages` (what the web pages add: recent decisions per
area, the log's counts, the classification preview, templates), `for_home` (what
delegation contributes to apps.home, the export's rows).
"""

from apps.delegation.selectors.areas import (
    RECENT_DAYS_DEFAULT,
    GrowthSuggestion,
    area_get,
    areas_at_a_glance,
    areas_of,
    elevations_of,
    growth_suggestions,
    growth_window,
    matrix_changes_of,
    with_growth_suggestions,
)
from apps.delegation.selectors.decisions import (
    LOG_ROW_FIELDS,
    REVIEW_ROW_FIELDS,
    REVIEW_ROW_VALUES,
    decision_get,
    decisions_of,
    log_rows,
    overdue_q,
    review_page_rows,
    review_queue,
    review_values,
    with_review_reminder,
)
from apps.delegation.selectors.for_home import (
    WAITING_LISTS,
    DecisionsForHome,
    decisions_for_home,
    decisions_waiting_for_home,
    delegation_export_rows,
)
from apps.delegation.selectors.pages import (
    ClassificationPreview,
    DecisionCounts,
    TemplateSource,
    decision_classification_preview,
    decision_counts,
    recent_decisions_by_area,
    template_sources,
)

__all__ = [
    "LOG_ROW_FIELDS",
    "RECENT_DAYS_DEFAULT",
    "REVIEW_ROW_FIELDS",
    "REVIEW_ROW_VALUES",
    "WAITING_LISTS",
    "ClassificationPreview",
    "DecisionCounts",
    "DecisionsForHome",
    "GrowthSuggestion",
    "TemplateSource",
    "area_get",
    "areas_at_a_glance",
    "areas_of",
    "decision_classification_preview",
    "decision_counts",
    "decision_get",
    "decisions_for_home",
    "decisions_of",
    "decisions_waiting_for_home",
    "delegation_export_rows",
    "elevations_of",
    "growth_suggestions",
    "growth_window",
    "log_rows",
    "matrix_changes_of",
    "overdue_q",
    "recent_decisions_by_area",
    "review_page_rows",
    "review_queue",
    "review_values",
    "template_sources",
    "with_growth_suggestions",
    "with_review_reminder",
]
