from django.dispatch import Signal

# A pod took a decision itself that its communities should hear about (decision tier 2: "the
# pod decides and informs its guild"). Sent by governance inside the deciding transaction with
# organization, pod, actor, title, body and url; knowledge tells the guilds the pod's members
# belong to. Defined here, below both, so neither sibling imports the other.
pod_decision_recorded = Signal()

# An assignment's dates or allocation changed, or it ended or was removed, through the pods services.
# Sent inside the write's transaction with organization, actor, assignment and removed (True when the
# row is about to be deleted); a receiver may raise a ValidationError to refuse the change (bench:
# the engagement's budget hold follows the change, and a hold the budget cannot take refuses it).
assignment_changed = Signal()
