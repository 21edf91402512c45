from django.urls import path

from .views import rewards as views

urlpatterns = [
    path("rewards/", views.reward_list, name="reward_list"),
    path("rewards/export/", views.reward_export, name="reward_export"),
    path("rewards/new/", views.reward_create, name="reward_create"),
    path("rewards/pay/", views.reward_pay, name="reward_pay"),
    path("rewards/totals/", views.reward_totals, name="reward_totals"),
    path("rewards/batches/", views.reward_batch_list, name="reward_batch_list"),
    path("rewards/batches/export/", views.reward_batch_export, name="reward_batch_export"),
    path("rewards/batches/<int:pk>/", views.reward_batch_detail, name="reward_batch_detail"),
    path("rewards/<int:pk>/", views.reward_detail, name="reward_detail"),
    path("rewards/<int:pk>/scan/", views.reward_scan, name="reward_scan"),
    path("rewards/<int:pk>/scan/upload/", views.reward_scan_add, name="reward_scan_add"),
    path("rewards/<int:pk>/<slug:step>/", views.reward_step, name="reward_step"),
]
