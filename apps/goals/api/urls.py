from django.urls import path

from apps.goals.api import views

GOAL = "tandems/<int:tandem_id>/goals/<int:goal_id>/"

urlpatterns = [
    path(GOAL + "report/", views.GoalReportView.as_view(), name="api-goal-report"),
    path(GOAL + "checkins/", views.GoalCheckInListView.as_view(), name="api-goal-checkins"),
    path(GOAL + "milestones/", views.GoalMilestoneListView.as_view(), name="api-goal-milestones"),
    path(
        GOAL + "milestones/<int:milestone_id>/",
        views.GoalMilestoneDetailView.as_view(),
        name="api-goal-milestone",
    ),
]
