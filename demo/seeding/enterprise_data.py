"""Vocabulary for the generated enterprise organization (names come from Faker, seeded)."""

from __future__ import annotations

ORG_SLUG = "enterprise"
ORG_NAME = "Northwind Holdings"
LOGIN_DOMAIN = "enterprise.podium"
PEOPLE_DOMAIN = "northwind.example"

# Latin-script locales, so every name slugifies to an ASCII email address.
NAME_LOCALES = ["en_US", "en_GB", "en_IN", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_BR", "nl_NL",
                "pl_PL", "sv_SE", "en_NG"]

GENERAL_SKILLS = ["Python", "SQL", "Responsible AI", "Stakeholder management", "Technical writing"]

# A person's family decides their title, the pod role they usually play and their skills.
FAMILIES: dict[str, dict[str, object]] = {
    "ml_engineer": {
        "weight": 34,
        "titles": ["ML Engineer", "Senior ML Engineer", "Staff ML Engineer", "Applied Scientist",
                   "Data Scientist", "Senior Data Scientist", "Research Scientist"],
        "skills": ["PyTorch", "MLOps", "LLM evaluation", "Prompt engineering", "Retrieval (RAG)",
                   "Computer vision", "NLP", "Forecasting", "Recommender systems",
                   "Experiment design", "Feature engineering", "Causal inference",
                   "Speech recognition", "Graph analytics", "Reinforcement learning"],
    },
    "data_quality_specialist": {
        "weight": 18,
        "titles": ["Data Quality Analyst", "Data Engineer", "Senior Data Engineer",
                   "Analytics Engineer", "Data Steward"],
        "skills": ["Data quality", "Data engineering", "dbt", "Spark", "Data contracts",
                   "Privacy engineering", "Master data management", "Airflow"],
    },
    "operations_support_specialist": {
        "weight": 15,
        "titles": ["MLOps Engineer", "Site Reliability Engineer", "Platform Engineer",
                   "Support Engineer", "Operations Specialist"],
        "skills": ["Kubernetes", "Terraform", "Observability", "MLOps", "Incident management",
                   "GPU scheduling", "Security engineering"],
    },
    "product_manager": {
        "weight": 12,
        "titles": ["Product Manager", "Senior Product Manager", "Product Owner",
                   "Group Product Manager"],
        "skills": ["Product discovery", "Roadmapping", "Experiment design", "UX research",
                   "Pricing strategy"],
    },
    "domain_expert": {
        "weight": 21,
        "titles": ["Claims Specialist", "Senior Underwriter", "Actuary", "Fraud Analyst",
                   "Finance Business Partner", "Supply Chain Analyst", "Compliance Officer",
                   "Customer Operations Lead", "Legal Counsel", "Marketing Analyst",
                   "Risk Manager", "HR Business Partner"],
        "skills": ["Claims domain", "Underwriting domain", "Actuarial science", "Fraud analytics",
                   "Regulatory compliance", "Supply chain", "Corporate finance",
                   "Customer operations", "Contract law", "Marketing analytics",
                   "Credit risk", "People analytics"],
    },
}

DOMAINS = ["Claims", "Underwriting", "Fraud", "Pricing", "Retention", "Supply Chain",
           "Marketing", "Customer Service", "Finance", "HR", "Legal", "Procurement", "Risk",
           "Compliance", "Sales", "Logistics", "Payments", "Onboarding", "Collections",
           "Treasury", "Field Operations", "Product Catalog", "Partner Network", "Billing",
           "Security Operations"]

CAPABILITIES = [
    ("Copilot", "give {d} staff a copilot that drafts the routine work and cites its sources"),
    ("Forecasting", "forecast {d} volumes weekly so capacity is planned, not guessed"),
    ("Triage", "route {d} requests to the right team within minutes"),
    ("Insights", "turn {d} data into decisions leaders act on every week"),
    ("Assistant", "answer {d} questions for customers and colleagues around the clock"),
    ("Anomaly Detection", "spot unusual {d} activity before it becomes a loss"),
    ("Search", "make every {d} document findable in seconds"),
    ("Summaries", "summarise {d} cases so nobody reads a file twice"),
    ("Recommendations", "recommend the next best action in {d}"),
    ("Document AI", "extract structured data from {d} documents with measured accuracy"),
    ("Agents", "automate multi-step {d} workflows with governed agents"),
    ("Evaluation", "measure the quality of every {d} model before and after release"),
    ("Data Products", "publish trusted {d} data products other pods can build on"),
    ("Optimization", "optimise {d} decisions under real-world constraints"),
    ("Quality Monitoring", "watch {d} models in production and intervene by exception"),
]

SCOPE_OUT = ["Changes to contracts or policy wording", "Decisions that need a licensed human",
             "Systems owned by other pods", "Vendor selection", "Real-time use cases"]

# Titles are unique across families, so a person's family can be read back from the directory.
TITLE_FAMILY = {title: family for family, spec in FAMILIES.items()
                for title in spec["titles"]}  # type: ignore[attr-defined]
