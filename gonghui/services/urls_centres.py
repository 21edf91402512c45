from django.urls import path

from .views import centres as views

urlpatterns = [
    path("centres/", views.centre_list, name="centre_list"),
    path("centres/export/", views.centre_export, name="centre_export"),
    path("centres/new/", views.centre_create, name="centre_create"),
    path("centres/<int:pk>/", views.centre_detail, name="centre_detail"),
    path("centres/<int:pk>/edit/", views.centre_edit, name="centre_edit"),
    path("catalogue/", views.item_list, name="item_list"),
    path("catalogue/export/", views.item_export, name="item_export"),
    path("catalogue/new/", views.item_create, name="item_create"),
    path("catalogue/<int:pk>/", views.item_edit, name="item_edit"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/export/", views.order_export, name="order_export"),
    path("orders/new/", views.order_create, name="order_create"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/<slug:step>/", views.order_step, name="order_step"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/export/", views.project_export, name="project_export"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/deliveries/", views.project_delivery, name="project_delivery"),
    path("projects/<int:pk>/rate/", views.project_rate, name="project_rate"),
    path("projects/<int:pk>/<slug:step>/", views.project_step, name="project_step"),
]
