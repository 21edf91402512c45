from django.urls import path

from .views import campaigns as views

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/export/", views.campaign_export, name="campaign_export"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/budget/", views.campaign_budget, name="campaign_budget"),
    path("campaigns/<int:pk>/<slug:step>/", views.campaign_status, name="campaign_status"),
    path("campaigns/<int:pk>/goods/new/", views.goods_create, name="goods_create"),
    path("campaign-applications/", views.application_list, name="application_list"),
    path("campaign-applications/export/", views.application_export, name="application_export"),
    path("campaign-applications/new/", views.application_create, name="application_create"),
    path("campaign-applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("campaign-applications/<int:pk>/<slug:step>/", views.application_step, name="application_step"),
    path("campaign-payments/", views.payment_list, name="payment_list"),
    path("campaign-payments/export/", views.payment_export, name="payment_export"),
    path("campaign-goods/", views.goods_list, name="goods_list"),
    path("campaign-goods/export/", views.goods_export, name="goods_export"),
    path("campaign-goods/<int:pk>/", views.goods_detail, name="goods_detail"),
    path("my/applications/", views.my_applications, name="my_applications"),
    path("my/applications/apply/<int:campaign_pk>/", views.my_apply, name="my_apply"),
    path("my/applications/<int:pk>/withdraw/", views.my_withdraw, name="my_withdraw"),
]
