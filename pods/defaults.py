"""The pod roles every new organization starts with (editable afterwards)."""

DEFAULT_POD_ROLES = [
    ("pod_lead", "Pod lead", "Owns the pod's outcomes, charter and escalations.", True),
    ("domain_expert", "Domain expert", "Brings the business domain's knowledge.", False),
    ("data_quality_specialist", "Data quality specialist", "Keeps the pod's data fit for use.", False),
    (
        "operations_support_specialist",
        "Operations & support specialist",
        "Runs what the pod ships and supports its users.",
        False,
    ),
    ("ml_engineer", "ML engineer", "Builds, evaluates and serves the pod's models.", False),
    ("product_manager", "Product manager", "Shapes what the pod builds and for whom.", False),
]
