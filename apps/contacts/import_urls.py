"""The pages of contacts import and export, for `apps.contacts.urls` (namespace "contacts")."""

from django.urls import path

from apps.contacts import views_import

urlpatterns = [
    path("import/", views_import.import_contacts, name="import"),
    path("export.vcf", views_import.export_vcf, name="export_vcf"),
    path("export.csv", views_import.export_csv, name="export_csv"),
]
