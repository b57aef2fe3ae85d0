"""The site's identity and menus: title, tagline, logo, favicon, canonical address,
header, footer and social links, footer text. Kept in the database, edited in the
admin, filled by ``import_posts`` from the site's own configuration, and read by every
page, feed and meta tag through :func:`sitesettings.snapshot.current`.
"""
