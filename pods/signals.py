from django.dispatch import Signal

# A pod took a decision itself that its communities should hear about (decision tier 2: "the
# pod decides and informs its guild"). Sent by governance inside the deciding transaction with
# organization, pod, actor, title, body and url; knowledge tells the guilds the pod's members
# belong to. Defined here, below both, so neither sibling imports the other.
pod_decision_recorded = Signal()
