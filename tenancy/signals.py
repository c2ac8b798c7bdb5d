from django.dispatch import Signal

# Sent inside the transaction that creates an organization, so apps seed their defaults
# (pod roles, risk tiers …) without tenancy importing them.
organization_created = Signal()
