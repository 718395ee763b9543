"""Web pages of contact care, under /contacts/ (a person's own, not a tandem's)."""

from django.urls import path

from apps.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_new, name="new"),
    path("import/", views.import_contacts, name="import"),
    path("export.vcf", views.export_vcf, name="export_vcf"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("window/", views.window, name="window"),
    path("losing-touch/", views.losing_touch, name="losing_touch"),
    path("tags/", views.tags, name="tags"),
    path("tags/<int:tag_id>/", views.tag_update, name="tag_update"),
    path("tags/<int:tag_id>/delete/", views.tag_delete, name="tag_delete"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:contact_id>/", views.detail, name="detail"),
    path("<int:contact_id>/edit/", views.contact_edit, name="edit"),
    path("<int:contact_id>/delete/", views.contact_delete, name="delete"),
    path("<int:contact_id>/touches/", views.touch_log, name="touch_log"),
    path(
        "<int:contact_id>/touches/<int:touch_id>/delete/",
        views.touch_delete,
        name="touch_delete",
    ),
    path("<int:contact_id>/occasions/", views.occasion_add, name="occasion_add"),
    path("<int:contact_id>/occasions/natural/", views.occasion_natural, name="occasion_natural"),
    path(
        "<int:contact_id>/occasions/<int:occasion_id>/delete/",
        views.occasion_delete,
        name="occasion_delete",
    ),
    path("<int:contact_id>/prepared/", views.prepared_create, name="prepared_create"),
    path(
        "<int:contact_id>/prepared/<int:prepared_id>/edit/",
        views.prepared_edit,
        name="prepared_edit",
    ),
    path(
        "<int:contact_id>/prepared/<int:prepared_id>/sent/",
        views.prepared_sent,
        name="prepared_sent",
    ),
    path(
        "<int:contact_id>/prepared/<int:prepared_id>/drop/",
        views.prepared_drop,
        name="prepared_drop",
    ),
]
