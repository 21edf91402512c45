from django.urls import path

from .views import committees as views

# Included by urls.py under the `grassroots:` namespace.
urlpatterns = [
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/export/", views.committee_export, name="committee_export"),
    path("committees/record/", views.committee_record_choose, name="committee_record_choose"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committees/unions/<int:pk>/", views.union_committees, name="union_committees"),
    path("committees/unions/<int:pk>/record/", views.committee_record, name="committee_record"),
]
