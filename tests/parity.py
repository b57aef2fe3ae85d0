"""What the dialect tests share: import a test site, and ask whether each of the old
site's addresses still answers (200, or one 301 to a page that answers 200)."""

from urllib.parse import quote

from blog.importing import ImportOptions, import_site


def answer(client, path):
    """(status, [hops]) of ``path``, following at most one redirect."""
    response = client.get(quote(path))
    if response.status_code != 301:
        return response.status_code, []
    target = response["Location"]
    final = client.get(target)
    return final.status_code, [target] + ([final["Location"]] if final.status_code == 301 else [])


def broken_addresses(client, paths):
    """{path: (status, hops)} of the old addresses that do not answer 200 in one hop."""
    broken = {}
    for path in paths:
        status, hops = answer(client, path)
        if status != 200 or len(hops) > 1:
            broken[path] = (status, hops)
    return broken


def imported(root, **options):
    """Import the site at ``root``; fails the test when any file or the run failed."""
    result = import_site(root, ImportOptions(**options))
    assert not result.failed, [(r.path, r.detail) for r in result.reports if r.detail]
    return result


def warnings_of(result, path):
    return [w for r in result.reports if r.path == path for w in r.warnings]
