"""Signals governance sends; higher apps (the catalog) listen, so governance never imports them."""

from django.dispatch import Signal

# Sent inside the deciding transaction once an escalation is approved or rejected:
# sender=Escalation, organization, escalation, actor.
escalation_decided = Signal()
