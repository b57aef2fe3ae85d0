from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .uploads import ImageRejected, store_image


@require_POST
def editor_image_upload(request):
    """The markdown editor's image upload (replaces markdownx's own, which checks nobody).

    Answers in markdownx's shape: ``{"image_code": markdown}``, or ``{"error": message}``
    with status 400 (bad file) or 403 (not logged-in staff).
    """
    user = request.user
    if not (user.is_active and user.is_staff):
        return JsonResponse({"error": "Log in to the admin to upload images."}, status=403)
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": "No file came with the upload (field 'image')."}, status=400)
    try:
        image = store_image(upload)
    except ImageRejected as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"image_code": image.markdown, "url": image.url})
