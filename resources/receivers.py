from governance.models import Escalation
from governance.signals import escalation_decided
from resources.services.approval import allocation_escalation_decided

escalation_decided.connect(allocation_escalation_decided, sender=Escalation, dispatch_uid="resources.approval")
