from django.apps import AppConfig
from django.db.models.signals import post_init


class FolioConfig(AppConfig):
    name = "folio"

    def ready(self):
        from folio import images

        # imagekit listens to post_init on every model instance to record hashes of
        # its source fields, for its post_save handler to compare. What it records are
        # hashes of the field objects, which never equal the hashes of the files that
        # post_save compares them with, so a save dispatches a changed source whenever
        # the field holds a file, with or without them (imagekit 6.1). The receiver
        # changes nothing and costs 4% of a post page's render: it goes.
        post_init.disconnect(dispatch_uid=images.IMAGEKIT_RECEIVERS)
