"""URLs of the `articles` area."""

from django.urls import path

from .views import articles as views

urlpatterns = [
    path("articles/", views.article_list, name="article_list"),
    path("articles/export/", views.article_export, name="article_export"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/step/<slug:name>/", views.article_step, name="article_step"),
    path("articles/<int:pk>/images/", views.article_image_add, name="article_image_add"),
    path("articles/<int:pk>/images/<int:image_pk>/", views.article_image, name="article_image"),
    path("articles/<int:pk>/images/<int:image_pk>/delete/", views.article_image_delete,
         name="article_image_delete"),
    path("news/", views.news_list, name="news_list"),
    path("news/<int:pk>/", views.news_detail, name="news_detail"),
]
