from django.urls import path

from clientfocus.customers import privacy_views, views

app_name = "customers"
urlpatterns = [
    path("customers/", views.search, name="search"),
    path("customers/lookup/", views.lookup, name="lookup"),
    path("customers/access/", views.access, name="access"),
    path("customers/privacy/", privacy_views.privacy, name="privacy"),
    path("customers/new/", views.create, name="create"),
    path("customers/import/", views.import_csv, name="import"),
    path("customers/<uuid:customer_id>/", views.record, name="record"),
    path("customers/<uuid:customer_id>/edit/", views.edit, name="edit"),
    path("customers/<uuid:customer_id>/export/", views.export, name="export"),
    path("customers/<uuid:customer_id>/erase/", privacy_views.erase, name="erase"),
    path("customers/<uuid:customer_id>/legal-hold/", privacy_views.legal_hold, name="legal_hold"),
]
