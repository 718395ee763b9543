from django.urls import path

from apps.accounts.api import views

urlpatterns = [
    path("auth/signup/", views.SignUpView.as_view(), name="api-signup"),
    path("auth/verify/", views.EmailVerifyView.as_view(), name="api-email-verify"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/tokens/", views.ApiTokenListView.as_view(), name="api-me-tokens"),
    path("me/tokens/<int:token_id>/", views.ApiTokenDetailView.as_view(), name="api-me-token"),
]
