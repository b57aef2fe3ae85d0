import contextlib

import pilkit.utils
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core.signals import setting_changed
from django.db.models.signals import post_init


class FolioConfig(AppConfig):
    name = "folio"

    def ready(self):
        from folio import images, renditions, routing, templating

        # imagekit listens to post_init on every model instance to record hashes of
        # its source fields, for its post_save handler to compare. What it records are
        # hashes of the field objects, which never equal the hashes of the files that
        # post_save compares them with: with the receiver or without, the first save of
        # a loaded object finds no matching hash and dispatches its source as changed
        # (imagekit 6.1). The receiver changes nothing and costs 4% of a post page's
        # render: it goes (tests/test_images.py checks what a save still generates).
        post_init.disconnect(dispatch_uid=images.IMAGEKIT_RECEIVERS)

        # pilkit (imagekit's image library) points the process's stderr at /dev/null
        # around every image it saves, to hush the old PIL's C libraries, by dup2() on
        # file descriptor 2 and back. That is not thread-safe: two threads making
        # renditions at once (the importer's) can leave fd 2 on /dev/null for good,
        # and every error line the import printed afterwards was lost (found by
        # bench/faults.py). Pillow writes nothing there; the redirection goes.
        pilkit.utils.quiet = contextlib.nullcontext

        # The per-worker memos keep what settings decide (formats, the URLconf, media
        # URLs); settings change only in tests, which then start afresh.
        def forget(**kwargs):
            for memo in (routing._reverse, renditions._local_url, templating._date):
                memo.cache_clear()

        setting_changed.connect(forget, weak=False, dispatch_uid="folio-forget-memos")


class FolioAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with Folio's site (folio/admin.py) as ``admin.site``."""

    default = False  # not the folio app's own config
    default_site = "folio.admin.AdminSite"
