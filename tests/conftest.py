import pytest


@pytest.fixture(autouse=True, scope="session")
def jinja2_rendering_is_recorded():
    """``response.templates`` and ``response.context`` for the Jinja2 pages too.

    Django's test client records what its own template engine renders (it instruments
    that engine for tests); this does the same for the Jinja2 backend of readers' pages.
    """
    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    render = Template.render

    def recorded_render(self, context=None, request=None):
        html = render(self, context, request)
        template_rendered.send(sender=self, template=self, context=dict(context or {}))
        return html

    Template.render = recorded_render
    yield
    Template.render = render


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads into its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: imagekit remembers there which renditions
    exist, and a rendition from another test's MEDIA_ROOT must not count as made."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_settings_cached(db):
    """The site's settings already read, as every page after the first one after a
    change finds them (sitesettings.snapshot): query counts pinned with this fixture
    are those of a warm cache. The cold read is pinned in tests/test_site_settings.py."""
    from sitesettings.snapshot import current

    current()


@pytest.fixture
def site(tmp_path):
    from tests.sites import SiteBuilder

    return SiteBuilder(tmp_path / "site")


def _member(django_user_model, username, group_name):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group_name))  # the groups come from a migration
    return user


@pytest.fixture
def editor(db, django_user_model):
    """A member of the "Editors" group."""
    return _member(django_user_model, "eddie", "Editors")


@pytest.fixture
def writer(db, django_user_model):
    """A member of the "Writers" group, writing as an author linked to the account."""
    from tests.factories import make_author

    user = _member(django_user_model, "wanda", "Writers")
    make_author(first_name="Wanda", user=user)
    return user


@pytest.fixture
def other_writer(db, django_user_model):
    from tests.factories import make_author

    user = _member(django_user_model, "walt", "Writers")
    make_author(first_name="Walt", user=user)
    return user
