from django.http import HttpRequest, HttpResponse


def example_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def my_examples(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def example_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def example_preview(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def example_submit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def example_withdraw(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def attachment_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError

