from django.urls import path

from newsportal.consent import views

app_name = "consent"
urlpatterns = [
    path("cookies/", views.cookie_page, name="cookies"),
    path("consent/", views.decide, name="decide"),
]
