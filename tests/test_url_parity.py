"""Every address the old site served answers after an import: 200, or one 301 to a page
that answers 200 — on one site of each Stackbit generation (tests/stackbit_sites.py)."""

import pytest

from blog.importing import ImportOptions, import_site
from blog.models import Post
from tests import stackbit_sites
from tests.parity import answer, broken_addresses

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("generation", ["site_2020", "site_2019"])
def test_every_old_address_answers(generation, tmp_path, client):
    root = tmp_path / generation
    old_addresses = getattr(stackbit_sites, generation)(root)
    result = import_site(root, ImportOptions())
    assert not result.failed, [(r.path, r.detail) for r in result.reports if r.detail]
    broken = broken_addresses(client, old_addresses)
    assert not broken, broken


def test_re_importing_keeps_every_address_and_writes_nothing(tmp_path, client):
    root = tmp_path / "site"
    old_addresses = stackbit_sites.site_2019(root)
    import_site(root, ImportOptions())
    again = import_site(root, ImportOptions())
    assert {report.action.value for report in again.reports} <= {"unchanged", "skipped"}
    assert all(answer(client, path)[0] == 200 for path in old_addresses)


def test_the_2019_sites_images_and_alt_text_come_through(tmp_path, client):
    stackbit_sites.site_2019(tmp_path / "site")
    import_site(tmp_path / "site", ImportOptions())
    post = Post.objects.get(slug="hello")
    assert post.image and post.thumb_image and post.image_alt == "A photo"
    assert 'alt="A photo"' in client.get(post.get_absolute_url()).content.decode()
