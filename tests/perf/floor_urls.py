from django.http import HttpResponse
from django.urls import path

# About the size of a cached article page.
PAGE = ("<!doctype html><html lang=en><title>Floor</title><p>" + "word " * 4800 + "</p>").encode()


def page(request):
    return HttpResponse(PAGE)


urlpatterns = [path("page", page)]
