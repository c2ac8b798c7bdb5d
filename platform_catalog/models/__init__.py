"""The platform catalog's tables: the catalog itself, and experiment tracking."""

from platform_catalog.models.catalog import *  # noqa: F401,F403
from platform_catalog.models.catalog import (  # noqa: F401
    ADOPTABLE_KINDS,
    INVERSE,
    AccessPolicy,
    AccessRequest,
    Adoption,
    ApprovalStatus,
    CatalogModel,
    Component,
    ContractState,
    DataProduct,
    DuplicateDecision,
    DuplicatePair,
    EntityKind,
    Maturity,
    Modality,
    ModelAlias,
    ModelApproval,
    ModelEvaluation,
    ModelStatus,
    QualityRun,
    Relation,
    RelationKind,
    SchemaVersion,
)
from platform_catalog.models.tracking import *  # noqa: F401,F403
from platform_catalog.models.tracking import (  # noqa: F401
    Experiment,
    LatestMetric,
    LifecycleStage,
    MetricPoint,
    Run,
    RunParam,
    RunStatus,
    RunTag,
)
