from django.urls import include, path

urlpatterns = [path("elsewhere/", include("exchange.urls"))]
