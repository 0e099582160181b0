from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.region_list, name="list"),
    path("<slug:slug>/", views.region_detail, name="detail"),
    path("<slug:slug>/edit/", views.region_edit, name="edit"),
    path("<slug:slug>/units/new/", views.unit_create, name="unit_create"),
    path("<slug:slug>/units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<slug:slug>/units/<int:pk>/delete/", views.unit_delete, name="unit_delete"),
    path("<slug:slug>/people/", views.region_people, name="people"),
    path(
        "<slug:slug>/people/<int:pk>/remove/",
        views.region_people_remove,
        name="people_remove",
    ),
]
