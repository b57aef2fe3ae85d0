"""Contact-form sections as working forms.

A form section's ``form_fields`` (``input_type``, ``name``, ``label``,
``is_required``, ``options``) become a Django form, validated here and stored as a
:class:`~pages.models.FormSubmission`; an optional notification e-mail goes through
Django's e-mail backend.

Landing pages are kept by the page cache (folio/pagecache.py), which never stores a
page holding a CSRF token, so the page itself carries none: its form posts to
:func:`send` (never cached), and a small script (static/js/forms.js) asks
:func:`token` for a token when the page opens. A form sent without a valid token
(no script, or a token that expired) is not stored: it comes back, with what the
visitor typed and a fresh token, asking to send it again. Spam meets a honeypot
field (people do not see it; bots fill it in) and a per-address rate limit
(folio/throttle.py).
"""

import logging
import re

from django import forms
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from folio.security import client_ip
from folio.throttle import over_limit

from . import sections
from .models import FormSubmission, Page, Section

logger = logging.getLogger(__name__)

#: The honeypot: a field people never see (hidden by CSS, skipped by keyboards and
#: screen readers) that form-filling bots fill in.
HONEYPOT = "website_url_confirm"
#: Names a form field may not take (Django's own, and the honeypot).
RESERVED_NAMES = {"csrfmiddlewaretoken", HONEYPOT}
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
MAX_LENGTH = {"textarea": 5000}
DEFAULT_MAX_LENGTH = 300
EXPIRED_MESSAGE = (
    "Your form could not be checked (it was open for a long time, or your browser "
    "blocks cookies). Nothing was sent yet: check it and send it again."
)


def field_problems(entry, index) -> list[str]:
    """What keeps a ``form_fields`` entry from being an input, for the importer and
    the admin; [] when it can be one."""
    where = f"form_fields[{index}]"
    if not isinstance(entry, dict):
        return [f"{where} is not a mapping; the form leaves it out"]
    problems = []
    name = entry.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        problems.append(
            f"{where}.name {name!r:.40} is not a field name (letters, digits, _ and -); "
            "the form leaves it out"
        )
    elif name in RESERVED_NAMES:
        problems.append(f"{where}.name {name!r} is reserved; the form leaves it out")
    input_type = entry.get("input_type", "text")
    if input_type not in sections.INPUT_TYPES:
        problems.append(f"{where}.input_type {input_type!r:.40} is unknown; shown as text")
    elif input_type == "select" and not isinstance(entry.get("options"), list):
        problems.append(f"{where}.options: a select needs a list of options; it has none")
    return problems


def inputs(section) -> list[dict]:
    """The usable form fields of a form section, in order (first of each name)."""
    seen = set()
    found = []
    for item in section.items.all():
        entry = item.data
        if not isinstance(entry, dict):
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not NAME.match(name) or name in RESERVED_NAMES:
            continue
        if name in seen:
            continue
        seen.add(name)
        found.append(entry)
    return found


def form_for(section, data=None):
    """The Django form of a form section (bound to ``data`` when given)."""
    form = forms.Form(data=data, prefix=None)
    for entry in inputs(section):
        form.fields[entry["name"]] = _field(entry)
    form.fields[HONEYPOT] = forms.CharField(required=False, label="Leave this empty")
    return form


def _field(entry):
    input_type = entry.get("input_type", "text")
    if input_type not in sections.INPUT_TYPES:
        input_type = "text"
    label = sections.text(entry.get("label")) or entry["name"].replace("_", " ").capitalize()
    required = entry.get("is_required") is True
    placeholder = sections.text(entry.get("default_value")) or sections.text(
        entry.get("placeholder")
    )
    attrs = {"placeholder": placeholder} if placeholder else {}
    length = MAX_LENGTH.get(input_type, DEFAULT_MAX_LENGTH)
    if input_type == "email":
        return forms.EmailField(
            label=label,
            required=required,
            max_length=254,
            widget=_w(forms.EmailInput, attrs, autocomplete="email"),
        )
    if input_type == "url":
        return forms.URLField(
            label=label,
            required=required,
            max_length=length,
            assume_scheme="https",
            widget=_w(forms.URLInput, attrs),
        )
    if input_type == "checkbox":
        return forms.BooleanField(label=label, required=required)
    if input_type == "select":
        written = entry.get("options")
        options = [sections.text(option) for option in written] if isinstance(written, list) else []
        choices = [("", "—")] + [(option, option) for option in dict.fromkeys(options) if option]
        return forms.ChoiceField(label=label, required=required, choices=choices)
    if input_type == "textarea":
        return forms.CharField(
            label=label,
            required=required,
            max_length=length,
            widget=_w(forms.Textarea, {"rows": 5, **attrs}),
        )
    widget = {"tel": forms.TextInput, "number": forms.TextInput}.get(input_type, forms.TextInput)
    extra = {"inputmode": "tel", "autocomplete": "tel"} if input_type == "tel" else {}
    if input_type == "number":
        extra = {"inputmode": "decimal"}
    return forms.CharField(
        label=label, required=required, max_length=length, widget=_w(widget, {**attrs, **extra})
    )


def _w(widget, attrs, **more):
    return widget(attrs={**attrs, **more})


# -- The endpoints ------------------------------------------------------------------


@never_cache
def token(request):
    """A CSRF token for a form on a cached page (and the cookie that goes with it)."""
    return JsonResponse({"token": get_token(request)})


@csrf_exempt  # checked in the view, so that a failed check keeps what was typed
def send(request, pk):
    """Receive a form section's submission; PRG to the page's thank-you on success."""
    section = get_object_or_404(Section.objects.select_related("page"), pk=pk)
    page = section.page
    if section.kind.name != "form" or not _visible(page, request.user):
        raise Http404("No form here")
    if request.method != "POST":
        return HttpResponseRedirect(_page_url(page, section))
    limit, window = settings.FOLIO_FORM_RATE
    if retry := over_limit("form", client_ip(request), limit, window):
        response = HttpResponse(
            "Too many forms sent from your address; try again later.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(retry)
        return response
    if request.POST.get(HONEYPOT):
        logger.info("Form %s on %s: refused, the honeypot was filled in", pk, page.path)
        return HttpResponse(
            "This form was not accepted.", status=400, content_type="text/plain; charset=utf-8"
        )
    form = form_for(section, request.POST)
    if CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}):
        form.is_valid()  # show what is wrong with the rest too
        form.add_error(None, EXPIRED_MESSAGE)
        return _again(request, page, section, form, status=403)
    if not form.is_valid():
        return _again(request, page, section, form, status=400)
    submission = _store(page, section, form)
    if settings.FOLIO_FORM_NOTIFY_EMAIL:
        transaction.on_commit(lambda: _notify(submission, form))
    return HttpResponseRedirect(_page_url(page, section, sent=True), status=303)


def _visible(page, user):
    if Page.objects.published().filter(pk=page.pk).exists():
        return page.is_served
    return user.is_authenticated and page.is_editable_by(user)


def _page_url(page, section, sent=False):
    url = page.get_absolute_url()
    if sent:
        url += f"?sent={section.pk}"
    return url + (f"#{section.anchor}" if section.anchor else f"#section-{section.pk}")


def _again(request, page, section, form, status):
    """The page again, with this form bound: its errors and what was typed."""
    from .views import PageView  # the page view renders the page; it imports this module

    view = PageView()
    view.setup(request, path=page.path.lstrip("/"))
    view.object = page
    context = view.get_context_data(object=page, bound_forms={section.pk: form})
    response = view.render_to_response(context, status=status)
    add_never_cache_headers(response)
    return response


def _store(page, section, form):
    names = [name for name in form.fields if name != HONEYPOT]
    return FormSubmission.objects.create(
        page=page,
        section=section,
        form_id=sections.text(section.data.get("form_id"))[:100],
        page_title=page.title,
        page_path=page.path,
        fields={name: form.cleaned_data.get(name) for name in names},
        labels={name: str(form.fields[name].label) for name in names},
    )


def _notify(submission, form):
    """E-mail a submission to FOLIO_FORM_NOTIFY_EMAIL; a failure is logged (the
    submission is stored and listed in the admin all the same)."""
    lines = [
        f"{submission.labels.get(name, name)}: {value}" for name, value in submission.fields.items()
    ]
    body = "\n".join(
        [
            f"A visitor sent the form on {submission.page_title} ({submission.page_path}):",
            "",
            *lines,
        ]
    )
    reply_to = [
        value
        for name, value in submission.fields.items()
        if isinstance(form.fields.get(name), forms.EmailField) and value
    ][:1]
    message = EmailMessage(
        subject=f"{settings.SITE_TITLE}: {submission.form_id or 'form'} on {submission.page_title}",
        body=body,
        to=settings.FOLIO_FORM_NOTIFY_EMAIL,
        reply_to=reply_to,
    )
    try:
        message.send()
    except Exception:  # an SMTP server away: the submission is kept, and listed
        logger.exception("Form submission %s: the notification e-mail failed", submission.pk)
        return
    FormSubmission.objects.filter(pk=submission.pk).update(notified=True)
