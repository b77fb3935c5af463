from django.http import HttpRequest, HttpResponse


def queue(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def review(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def approve(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def reject(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def request_changes(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def feature(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def unfeature(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def audit_log(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError

