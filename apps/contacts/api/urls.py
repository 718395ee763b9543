from django.urls import path

from apps.contacts.api import transfer, views

_C = "contacts/<int:contact_id>"

urlpatterns = [
    path("contacts/", views.ContactListView.as_view(), name="api-contacts"),
    path("contacts/window/", views.WindowView.as_view(), name="api-contacts-window"),
    path(
        "contacts/losing-touch/", views.LosingTouchView.as_view(), name="api-contacts-losing-touch"
    ),
    path(
        "contacts/preferences/",
        views.PreferencesView.as_view(),
        name="api-contacts-preferences",
    ),
    path(
        "contacts/import/preview/",
        transfer.ImportPreviewView.as_view(),
        name="api-contacts-import-preview",
    ),
    path("contacts/import/", transfer.ImportView.as_view(), name="api-contacts-import"),
    path("contacts/export.vcf", transfer.ExportVCardView.as_view(), name="api-contacts-export-vcf"),
    path("contacts/export.csv", transfer.ExportCSVView.as_view(), name="api-contacts-export-csv"),
    path("contacts/tags/", views.TagListView.as_view(), name="api-contact-tags"),
    path("contacts/tags/<int:tag_id>/", views.TagDetailView.as_view(), name="api-contact-tag"),
    path(f"{_C}/", views.ContactDetailView.as_view(), name="api-contact"),
    path(f"{_C}/touches/", views.TouchListView.as_view(), name="api-contact-touches"),
    path(
        f"{_C}/touches/<int:touch_id>/",
        views.TouchDetailView.as_view(),
        name="api-contact-touch",
    ),
    path(f"{_C}/occasions/", views.OccasionListView.as_view(), name="api-contact-occasions"),
    path(
        f"{_C}/occasions/<int:occasion_id>/",
        views.OccasionDetailView.as_view(),
        name="api-contact-occasion",
    ),
    path(f"{_C}/prepared/", views.PreparedListView.as_view(), name="api-contact-prepared"),
    path(
        f"{_C}/prepared/<int:prepared_id>/",
        views.PreparedDetailView.as_view(),
        name="api-contact-prepared-detail",
    ),
    path(
        f"{_C}/prepared/<int:prepared_id>/sent/",
        views.PreparedSentView.as_view(),
        name="api-contact-prepared-sent",
    ),
    path(
        f"{_C}/prepared/<int:prepared_id>/drop/",
        views.PreparedDropView.as_view(),
        name="api-contact-prepared-drop",
    ),
]
