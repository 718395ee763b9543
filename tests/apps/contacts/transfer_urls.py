"""The project's URLs with the contacts import and export included the way `tandem/urls.py`
and `apps/contacts/urls.py` are to include them (first, so that their names win)."""

from django.urls import include, path

from apps.contacts import import_urls
from apps.contacts import urls as contacts_urls
from apps.contacts.api import transfer
from tandem import urls as project

urlpatterns = [
    path("api/v1/", include(transfer.urlpatterns)),
    path(
        "contacts/",
        include((contacts_urls.urlpatterns + import_urls.urlpatterns, "contacts")),
    ),
    *project.urlpatterns,
]
