from django.urls import path

from .views import benefits as views

urlpatterns = [
    path("benefits/merchants/", views.merchant_list, name="merchant_list"),
    path("benefits/merchants/export/", views.merchant_export, name="merchant_export"),
    path("benefits/merchants/new/", views.merchant_create, name="merchant_create"),
    path("benefits/merchants/<int:pk>/", views.merchant_detail, name="merchant_detail"),
    path("benefits/merchants/<int:pk>/edit/", views.merchant_edit, name="merchant_edit"),
    path("benefits/merchants/<int:merchant_pk>/offers/new/", views.offer_create, name="offer_create"),
    path("benefits/merchants/<int:pk>/<slug:step>/", views.merchant_step, name="merchant_step"),
    path("benefits/offers/", views.offer_list, name="offer_list"),
    path("benefits/offers/export/", views.offer_export, name="offer_export"),
    path("benefits/offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("benefits/offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("benefits/offers/<int:pk>/<slug:step>/", views.offer_step, name="offer_step"),
    path("benefits/redemptions/", views.redemption_list, name="redemption_list"),
    path("benefits/redemptions/export/", views.redemption_export, name="redemption_export"),
    path("benefits/stats/", views.redemption_stats, name="benefit_stats"),
    path("benefits/stats/export/", views.redemption_stats_export, name="benefit_stats_export"),
    path("my/card/", views.my_card, name="my_card"),
    path("card/verify/", views.card_verify, name="card_verify"),
]
