"""What every new organization's governance starts with (all editable afterwards)."""

from decimal import Decimal

RISK_TIERS = [  # key, name, rank
    ("low", "Low", 10), ("medium", "Medium", 20), ("high", "High", 30),
    ("unacceptable", "Unacceptable", 40),
]
DECISION_TYPES = [  # key, name, has_amount, unit
    ("select_model", "Select a model", False, ""),
    ("deploy_to_users", "Deploy to users", False, ""),
    ("compute_spend", "Spend on compute", True, "EUR"),
    ("onboard_vendor", "Onboard a vendor", False, ""),
    ("personal_data_training", "Use personal data for training", False, ""),
    ("data_retention", "Change data retention", False, ""),
]
DECISION_TIERS = [  # level, name, approver role, SLA hours, informs guild
    (1, "Pod decides", "pod", 0, False),
    (2, "Pod decides and informs its guild", "pod", 0, True),
    (3, "Approval by a leader", "leader", 72, False),
    (4, "Executive council", "owner", 120, False),
]
SPEND_THRESHOLD = Decimal("10000")
# risk tier key -> decision tier level per type (None: not allowed); compute spend is banded.
MATRIX: dict[str, dict[str, int | tuple[int, int] | None]] = {
    "low": {"select_model": 1, "deploy_to_users": 1, "onboard_vendor": 2,
            "personal_data_training": 3, "data_retention": 2, "compute_spend": (1, 3)},
    "medium": {"select_model": 2, "deploy_to_users": 2, "onboard_vendor": 3,
               "personal_data_training": 3, "data_retention": 3, "compute_spend": (2, 3)},
    "high": {"select_model": 3, "deploy_to_users": 3, "onboard_vendor": 3,
             "personal_data_training": 4, "data_retention": 3, "compute_spend": (3, 4)},
    "unacceptable": {k: None for k in ("select_model", "deploy_to_users", "onboard_vendor",
                                       "personal_data_training", "data_retention", "compute_spend")},
}
# risk tier key -> [(check, direction, threshold)]; scores are 0..1.
POLICIES: dict[str, list[tuple[str, str, float]]] = {
    "low": [("performance", "min", 0.7), ("security", "min", 0.6)],
    "medium": [("performance", "min", 0.75), ("security", "min", 0.7), ("bias", "max", 0.2),
               ("privacy", "min", 0.7)],
    "high": [("performance", "min", 0.8), ("security", "min", 0.8), ("bias", "max", 0.1),
             ("fairness", "min", 0.8), ("privacy", "min", 0.8), ("compliance", "min", 0.9)],
    "unacceptable": [],
}
DEPLOY_TYPE_KEY = "deploy_to_users"
REVIEW_OVERDUE_DAYS = 90
