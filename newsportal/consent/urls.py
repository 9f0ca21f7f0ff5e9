from django.urls import path

from newsportal.consent import views

app_name = "consent"
urlpatterns = [
    path("cookies/", views.cookie_page, name="cookies"),
    path("cookies/my-record.json", views.download_record, name="record"),
    path("consent/", views.decide, name="decide"),
    path("consent/forget/", views.forget, name="forget"),
]
