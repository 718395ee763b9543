"""The goal page, under /t/<tandem_id>/goals/<goal_id>/."""

from django.urls import path

from apps.goals import views

GOAL = "goals/<int:goal_id>/"

app_name = "goals"
urlpatterns = [
    path(GOAL, views.goal, name="goal"),
    path(GOAL + "check-ins/", views.checkin_add, name="checkin_add"),
    path(GOAL + "milestones/", views.milestone_add, name="milestone_add"),
    path(GOAL + "milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path(
        GOAL + "milestones/<int:milestone_id>/delete/",
        views.milestone_delete,
        name="milestone_delete",
    ),
]
