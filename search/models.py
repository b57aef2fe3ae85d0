from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """The searchable text of one post, on PostgreSQL.

    Only the PostgreSQL backend uses this table (SQLite keeps the same columns in an
    FTS5 virtual table), so migration 0001 creates it only there and Django never
    manages it. Documents exist for every post, drafts included: what readers may see
    is decided at query time by ``Post.objects.published()``, which is how a scheduled
    post turns up in results at its time with nothing re-indexed.
    """

    post = models.OneToOneField(
        "blog.Post",
        primary_key=True,
        # No database constraint and no cascade from Django: the table does not exist
        # on SQLite, and the index is kept in step by search.indexing instead.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    title = models.TextField()
    subtitle = models.TextField()
    excerpt = models.TextField()
    body = models.TextField()
    tags = models.TextField()
    author = models.TextField()
    vector = SearchVectorField(null=True)

    class Meta:
        managed = False
        db_table = "search_document"
        indexes = [GinIndex(fields=["vector"], name="search_document_vector_gin")]

    def __str__(self):
        return self.title
