import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("podium")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule is code: one commented entry per periodic task.
app.conf.beat_schedule = {
    # --- governance ---
    # --- knowledge ---
}
