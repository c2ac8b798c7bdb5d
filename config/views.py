from django.http import HttpRequest, HttpResponse, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def trivial(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the same server and middleware, no queries, no template."""
    return HttpResponse("ok", content_type="text/plain")
