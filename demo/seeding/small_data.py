"""The small demo organization's content: who works there, its pods and their charters.

Written out by hand (not generated) so every run produces the same rows, names and emails, which
is what makes the seed idempotent, and so a demo tells a story: three healthy pods, one that lost
its lead, one too small, one with an overdue charter review, one with no protected time, one
sunset, and someone allocated at 140%.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ORG_SLUG = "demo"
ORG_NAME = "Meridian Mutual"
EMAIL_DOMAIN = "demo.podium"

# key, email, full name, org role. `admin` becomes the organization's owner.
USERS = [
    ("admin", "admin@demo.podium", "Alex Morgan", "owner"),
    ("leader", "leader@demo.podium", "Dana Whitfield", "leader"),
    ("lead", "lead@demo.podium", "Jordan Avery", "member"),
    ("member", "member@demo.podium", "Sam Okafor", "member"),
]

SKILLS = [
    ("Python", "General-purpose programming for data and ML work."),
    ("SQL", "Querying and modelling relational data."),
    ("MLOps", "Shipping, monitoring and retraining models in production."),
    ("LLM evaluation", "Designing evals, rubrics and regression suites for language models."),
    ("Prompt engineering", "Prompt and context design for LLM features."),
    ("Retrieval (RAG)", "Indexing, chunking and ranking for retrieval-augmented generation."),
    ("Data quality", "Profiling, validation rules and data contracts."),
    ("Data engineering", "Pipelines, orchestration and warehousing."),
    ("Forecasting", "Time-series modelling and demand planning."),
    ("Experiment design", "A/B tests, power analysis and causal inference."),
    ("Responsible AI", "Fairness, bias testing and model risk documentation."),
    ("Privacy engineering", "PII handling, retention and privacy reviews."),
    ("Kubernetes", "Running services and batch jobs on Kubernetes."),
    ("Product discovery", "Finding the problem worth solving with users."),
    ("Claims domain", "How insurance claims are filed, assessed and settled."),
    ("Underwriting domain", "Risk selection and pricing of policies."),
]

# key (email local part, or a USERS key for people who sign in), full name, title, kind,
# weekly hours, {skill: level}
PEOPLE = [
    ("lead", "Jordan Avery", "Senior ML Lead", "employee", 40,
     {"Python": 5, "MLOps": 4, "LLM evaluation": 4, "Claims domain": 3}),
    ("member", "Sam Okafor", "ML Engineer", "employee", 40,
     {"Python": 4, "Retrieval (RAG)": 4, "Prompt engineering": 3}),
    ("priya.raman", "Priya Raman", "Staff Data Scientist", "employee", 40,
     {"Python": 5, "Experiment design": 5, "Forecasting": 4, "SQL": 4}),
    ("mateo.alvarez", "Mateo Álvarez", "ML Engineer", "employee", 40,
     {"Python": 4, "Kubernetes": 3, "MLOps": 3}),
    ("hannah.schmidt", "Hannah Schmidt", "Product Manager", "employee", 40,
     {"Product discovery": 5, "Claims domain": 3}),
    ("kwame.mensah", "Kwame Mensah", "Data Quality Specialist", "employee", 40,
     {"Data quality": 5, "SQL": 4}),
    ("li.wei", "Li Wei", "ML Engineer", "employee", 40,
     {"Python": 4, "MLOps": 3, "Responsible AI": 2}),
    ("sofia.rossi", "Sofia Rossi", "Senior Claims Adjuster", "employee", 40,
     {"Claims domain": 5, "Product discovery": 2}),
    ("ahmed.haddad", "Ahmed Haddad", "MLOps Engineer", "employee", 40,
     {"MLOps": 5, "Kubernetes": 4, "Python": 3}),
    ("emily.carter", "Emily Carter", "Product Manager", "employee", 40,
     {"Product discovery": 4, "Experiment design": 3}),
    ("rafael.costa", "Rafael Costa", "Data Engineer", "employee", 40,
     {"Data engineering": 5, "Data quality": 3, "SQL": 5}),
    ("yuki.tanaka", "Yuki Tanaka", "Research Scientist", "employee", 40,
     {"LLM evaluation": 5, "Python": 4, "Prompt engineering": 4}),
    ("olivia.brown", "Olivia Brown", "Fraud Analyst", "employee", 40,
     {"Claims domain": 4, "SQL": 3}),
    ("noah.fischer", "Noah Fischer", "ML Engineer", "employee", 40,
     {"Python": 4, "Experiment design": 3}),
    ("aisha.bello", "Aisha Bello", "Operations & Support Specialist", "employee", 40,
     {"MLOps": 3, "Kubernetes": 2}),
    ("lucas.martin", "Lucas Martin", "Lead Data Scientist", "employee", 40,
     {"Python": 5, "Experiment design": 4, "SQL": 4}),
    ("grace.kim", "Grace Kim", "Product Manager", "employee", 40,
     {"Product discovery": 5, "LLM evaluation": 2}),
    ("ivan.petrov", "Ivan Petrov", "Principal Platform Engineer", "employee", 40,
     {"Kubernetes": 5, "MLOps": 5, "Python": 4}),
    ("chloe.dubois", "Chloé Dubois", "Pricing Actuary", "employee", 40,
     {"Underwriting domain": 5, "Experiment design": 3}),
    ("daniel.nguyen", "Daniel Nguyen", "ML Engineer", "employee", 40,
     {"Forecasting": 4, "Python": 4}),
    ("fatima.zahra", "Fatima Zahra", "Data Quality Specialist", "employee", 40,
     {"Data quality": 4, "Privacy engineering": 3}),
    ("ben.oconnor", "Ben O'Connor", "Site Reliability Engineer", "employee", 40,
     {"Kubernetes": 4, "MLOps": 3}),
    ("elena.popescu", "Elena Popescu", "Supply Chain Analyst", "employee", 40,
     {"Forecasting": 3, "SQL": 3}),
    ("marcus.johnson", "Marcus Johnson", "Senior ML Engineer", "employee", 40,
     {"Forecasting": 5, "Python": 5, "MLOps": 3}),
    ("nadia.hassan", "Nadia Hassan", "Data Scientist", "employee", 32,
     {"Data quality": 3, "Retrieval (RAG)": 3}),
    ("tom.becker", "Tom Becker", "Data Engineer", "employee", 40,
     {"Data engineering": 4, "Data quality": 4}),
    ("isabel.garcia", "Isabel García", "Senior Underwriter", "employee", 40,
     {"Underwriting domain": 5}),
    ("arjun.mehta", "Arjun Mehta", "ML Engineer", "employee", 40,
     {"Prompt engineering": 4, "Retrieval (RAG)": 4, "Python": 4}),
    ("zoe.williams", "Zoe Williams", "Product Manager", "employee", 40,
     {"Product discovery": 4, "Underwriting domain": 2}),
    ("omar.farouk", "Omar Farouk", "Operations Specialist", "employee", 40,
     {"MLOps": 2, "SQL": 3}),
    ("mia.jensen", "Mia Jensen", "NLP Engineer", "employee", 40,
     {"Retrieval (RAG)": 5, "Prompt engineering": 4, "Python": 4}),
    ("samuel.adeyemi", "Samuel Adeyemi", "Staff ML Engineer", "employee", 40,
     {"Python": 5, "Responsible AI": 4, "MLOps": 4}),
    ("laura.bianchi", "Laura Bianchi", "Data Quality Specialist", "employee", 24,
     {"Data quality": 4, "Privacy engineering": 2}),
    ("kenji.watanabe", "Kenji Watanabe", "Applied Scientist", "employee", 40,
     {"LLM evaluation": 3, "Python": 4}),
    ("ruth.levi", "Ruth Levi", "Knowledge Manager", "contractor", 20,
     {"Claims domain": 3, "Data quality": 2}),
    ("diego.morales", "Diego Morales", "ML Engineer (contract)", "contractor", 40,
     {"Python": 4, "Kubernetes": 3}),
    ("anna.kowalski", "Anna Kowalski", "Evaluation Specialist", "bench", 30,
     {"LLM evaluation": 5, "Responsible AI": 4}),
    ("victor.silva", "Victor Silva", "Privacy Engineer", "bench", 20,
     {"Privacy engineering": 5, "Responsible AI": 3}),
    ("jessica.taylor", "Jessica Taylor", "Customer Operations Lead", "employee", 40,
     {"Product discovery": 3, "Claims domain": 2}),
    ("paul.andersen", "Paul Andersen", "Solutions Architect", "employee", 40,
     {"Kubernetes": 3, "Data engineering": 3}),
]


@dataclass(frozen=True)
class Member:
    person: str  # a PEOPLE key
    role: str  # a PodRole key
    allocation: int
    started_days_ago: int
    ended_days_ago: int | None = None  # negative: ends in the future (time-boxed)


@dataclass(frozen=True)
class PodSpec:
    name: str
    mission: str
    status: str
    sponsor: str  # a USERS key
    members: list[Member]
    scope_in: list[str]
    scope_out: list[str]
    needed_skills: str
    versions: int = 2
    # The latest charter version's review: days from today (negative: overdue).
    review_in_days: int = 60
    later_status: str = ""  # set through pod_update after creation, so the trail shows it
    extra: dict[str, str] = field(default_factory=dict)


M = Member

PODS = [
    PodSpec(
        "Claims Triage Assistant",
        "Route every incoming claim to the right handler within minutes, with a summary and a "
        "fraud-risk flag the adjuster can trust.",
        "active", "leader",
        [M("lead", "pod_lead", 100, 400), M("member", "ml_engineer", 80, 300),
         M("sofia.rossi", "domain_expert", 80, 380), M("kwame.mensah", "data_quality_specialist", 60, 200),
         M("hannah.schmidt", "product_manager", 90, 350)],
        ["First notice of loss intake for motor and home claims",
         "Claim summarisation for adjusters", "Routing rules and their evaluation"],
        ["Settlement decisions", "Commercial lines claims"],
        "LLM evaluation, retrieval, claims domain knowledge",
        versions=3, review_in_days=75,
    ),
    PodSpec(
        "Fraud Signals",
        "Catch organised claims fraud earlier while sending fewer honest customers to review.",
        "active", "leader",
        [M("samuel.adeyemi", "pod_lead", 100, 520), M("olivia.brown", "domain_expert", 100, 500),
         M("li.wei", "ml_engineer", 100, 480), M("rafael.costa", "data_quality_specialist", 80, 450),
         M("aisha.bello", "operations_support_specialist", 80, 300),
         M("priya.raman", "ml_engineer", 50, 260),
         M("anna.kowalski", "ml_engineer", 50, 10, -40)],
        ["Network analysis of claimants, garages and witnesses", "Fraud score in claims intake",
         "Quarterly bias review of referrals"],
        ["Criminal investigations", "Payments fraud"],
        "Graph analytics, responsible AI, claims domain knowledge",
        versions=3, review_in_days=40,
    ),
    PodSpec(
        "Customer Retention Models",
        "Predict which policyholders are about to leave and give agents the one offer that keeps them.",
        "active", "admin",
        [M("lucas.martin", "pod_lead", 100, 610), M("emily.carter", "product_manager", 100, 600),
         M("noah.fischer", "ml_engineer", 90, 420), M("fatima.zahra", "data_quality_specialist", 80, 390),
         M("priya.raman", "domain_expert", 30, 200)],
        ["Churn propensity for personal lines", "Next-best-offer for renewal calls"],
        ["Pricing changes", "Marketing campaigns"],
        "Experiment design, uplift modelling, SQL",
        review_in_days=20,
    ),
    PodSpec(
        "Underwriting Copilot",
        "Give underwriters a copilot that reads submissions and drafts a risk summary with sources.",
        "active", "leader",
        [M("marcus.johnson", "pod_lead", 100, 330, 14),
         M("isabel.garcia", "domain_expert", 100, 320), M("arjun.mehta", "ml_engineer", 100, 300),
         M("zoe.williams", "product_manager", 80, 280), M("laura.bianchi", "data_quality_specialist", 50, 150)],
        ["Submission reading for small commercial", "Risk summary drafts with citations"],
        ["Binding authority", "Large corporate risks"],
        "Retrieval, prompt engineering, underwriting domain knowledge",
        review_in_days=50,
    ),
    PodSpec(
        "Pricing Experiments",
        "Run safe, well-powered pricing experiments so rate changes are decided on evidence.",
        "forming", "admin",
        [M("priya.raman", "pod_lead", 60, 45), M("chloe.dubois", "domain_expert", 50, 40)],
        ["Experiment platform for renewal pricing", "Guardrail metrics for fairness"],
        ["Filing rates with regulators"],
        "Experiment design, actuarial pricing, responsible AI",
        review_in_days=85,
    ),
    PodSpec(
        "Supply Chain Forecasting",
        "Forecast repair-parts demand for partner garages so claims are not delayed by missing parts.",
        "active", "leader",
        [M("marcus.johnson", "pod_lead", 100, 12), M("elena.popescu", "domain_expert", 100, 540),
         M("daniel.nguyen", "ml_engineer", 100, 500), M("tom.becker", "data_quality_specialist", 80, 470),
         M("omar.farouk", "operations_support_specialist", 80, 400)],
        ["Weekly parts demand forecast per region", "Supplier lead-time alerts"],
        ["Procurement contracts"],
        "Forecasting, data engineering",
        review_in_days=-23,
    ),
    PodSpec(
        "Document Intelligence",
        "Extract structured data from medical reports and repair invoices with measured accuracy.",
        "active", "admin",
        [M("mia.jensen", "pod_lead", 50, 230), M("kenji.watanabe", "ml_engineer", 40, 220),
         M("ruth.levi", "domain_expert", 30, 200), M("nadia.hassan", "data_quality_specialist", 40, 180)],
        ["Invoice and medical report extraction", "Accuracy dashboards per document type"],
        ["Handwriting recognition"],
        "Retrieval, LLM evaluation, privacy engineering",
        review_in_days=30, later_status="paused",
    ),
    PodSpec(
        "Contact Center Summaries",
        "Summarise every customer call so agents stop writing notes by hand.",
        "active", "leader",
        [M("jessica.taylor", "pod_lead", 100, 420, 30), M("yuki.tanaka", "ml_engineer", 80, 400, 30),
         M("ben.oconnor", "operations_support_specialist", 60, 380, 30)],
        ["Call summaries in the CRM", "Quality sampling by team leads"],
        ["Real-time agent assist"],
        "Speech analytics, prompt engineering",
        review_in_days=10, later_status="sunset",
    ),
    PodSpec(
        "Agent Platform",
        "Offer every pod a governed way to build, evaluate and run LLM agents on shared components.",
        "active", "leader",
        [M("ivan.petrov", "pod_lead", 100, 700), M("ahmed.haddad", "operations_support_specialist", 100, 650),
         M("ben.oconnor", "operations_support_specialist", 80, 25), M("yuki.tanaka", "ml_engineer", 100, 25),
         M("mateo.alvarez", "ml_engineer", 100, 560), M("grace.kim", "product_manager", 80, 500),
         M("diego.morales", "ml_engineer", 100, 30, -60)],
        ["Agent runtime and tool registry", "Shared evaluation harness", "Guardrail hooks"],
        ["Building pod-specific agents"],
        "Kubernetes, MLOps, LLM evaluation",
        versions=3, review_in_days=65,
    ),
]
