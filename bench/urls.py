"""The app's URLs, plus the benchmark's baseline and reference views (never deployed)."""

from django.urls import path

from bench import views
from tandem.urls import urlpatterns as app_urlpatterns

T = "bench/baseline/tandems/<int:tandem_id>"

urlpatterns = [
    *app_urlpatterns,
    path(f"{T}/decisions/", views.baseline_decisions),
    path(f"{T}/review-queue/", views.baseline_review_queue),
    path(f"{T}/checkins/<int:series_id>/occurrences/", views.baseline_occurrences),
    path("bench/baseline/notices/", views.baseline_inbox),
    path(f"{T}/feedback/history/", views.baseline_feedback_history),
    path("bench/baseline/contacts/", views.baseline_contacts),
    path("bench/reference/<path:rest>", views.reference),
]
