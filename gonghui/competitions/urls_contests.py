from django.urls import path

from .views import contests as views

urlpatterns = [
    path("contests/", views.contest_list, name="contest_list"),
    path("contests/export/", views.contest_export, name="contest_export"),
    path("contests/new/", views.contest_create, name="contest_create"),
    path("contests/trades/", views.trade_list, name="contest_trade_list"),
    path("contests/trades/export/", views.trade_export, name="contest_trade_export"),
    path("contests/<int:pk>/", views.contest_detail, name="contest_detail"),
    path("contests/<int:pk>/edit/", views.contest_edit, name="contest_edit"),
    path("contests/<int:pk>/scores/", views.contest_scores, name="contest_scores"),
    path("contests/<int:pk>/register/", views.contest_register, name="contest_register"),
    path("contests/<int:pk>/entries/<int:entry_pk>/withdraw/", views.entry_withdraw, name="contest_entry_withdraw"),
    path("contests/<int:pk>/entries/<int:entry_pk>/certificate/", views.entry_certificate,
         name="contest_certificate"),
    path("contests/<int:pk>/<slug:step>/", views.contest_step, name="contest_step"),
]
