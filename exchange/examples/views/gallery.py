from django.http import HttpRequest, HttpResponse


def gallery(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def example_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def campaign_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def campaign_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def attachment_download(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError

