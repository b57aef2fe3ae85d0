"""The two search engines behind one interface, chosen by the database in use.

SQLite gets an FTS5 virtual table (porter stemming, bm25 ranking, snippet());
PostgreSQL gets a weighted ``tsvector`` with a GIN index, ``websearch_to_tsquery``,
``ts_rank`` and ``ts_headline``. Both index every post and page (a page's document
keyed by minus its id: search.indexing.page_key) and both restrict matches to the
``published()`` posts and pages at query time, so the reader-visibility rule stays in
one place and a scheduled post appears in results the moment its time comes.

Everything above this module (the results page, the benchmark, the index
maintenance) talks to :func:`get_backend` only.
"""

import functools
import html
import operator
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection as default_connection
from django.db.models import F, Q
from django.utils.safestring import SafeString, mark_safe

from blog.models import Post
from pages.models import Page

from .models import SearchDocument
from .query import Query, Term

#: Marks around highlighted words in snippets: private-use characters, which the
#: indexed text never contains (see search.indexing), so they can be found again
#: after the snippet has been HTML-escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_WORDS = 30


def _marked(escaped_snippet: str) -> SafeString:
    """An HTML-escaped snippet with the backend's marks turned into <mark> elements."""
    return mark_safe(escaped_snippet.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


@dataclass(frozen=True)
class Document:
    """One post's or page's searchable text (plain text, not markup)."""

    #: The post's id; for a page, minus the page's id (search.indexing.page_key).
    post_id: int
    title: str
    subtitle: str
    excerpt: str
    body: str
    tags: str  # one name per line
    author: str


COLUMNS = ("title", "subtitle", "excerpt", "body", "tags", "author")


class _Backend:
    def __init__(self, connection):
        self.connection = connection

    def published_ids(self):
        """The post ids readers may see, as a subquery: matches are restricted to these
        and to :meth:`published_page_keys`."""
        return Post.objects.using(self.connection.alias).published().order_by().values("pk")

    def published_page_keys(self):
        """The document keys of the pages readers may see (minus their ids), as a subquery."""
        pages = Page.objects.using(self.connection.alias).published().order_by()
        return pages.annotate(key=-F("pk")).values("key")


class SQLiteBackend(_Backend):
    table = "search_post_fts"
    # bm25 weights per column, in COLUMNS order: a word in the title counts ten times
    # a word in the body.
    weights = (10.0, 4.0, 2.0, 1.0, 4.0, 3.0)

    def create_schema(self, schema_editor):
        # The porter tokenizer stems English ("networking" -> "network"); unicode61
        # folds case and accents. No prefix indexes: they triple the cost of every
        # write (and so of every imported post), while a prefix of three or more
        # letters (query.MIN_PREFIX_LENGTH) is a cheap range scan of the term index.
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {self.table} USING fts5({', '.join(COLUMNS)}, "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )

    def drop_schema(self, schema_editor):
        schema_editor.execute(f"DROP TABLE IF EXISTS {self.table}")

    def replace(self, post_ids, documents):
        post_ids = list(post_ids)
        with self.connection.cursor() as cursor:
            for start in range(0, len(post_ids), 500):
                chunk = post_ids[start : start + 500]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {self.table} WHERE rowid IN ({placeholders})", chunk)
            cursor.executemany(
                f"INSERT INTO {self.table} (rowid, {', '.join(COLUMNS)}) "
                f"VALUES (%s, {', '.join(['%s'] * len(COLUMNS))})",
                [(doc.post_id, *(getattr(doc, column) for column in COLUMNS)) for doc in documents],
            )

    def clear(self):
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")

    def optimize(self):
        """Merge the index's segments into one (after a rebuild): faster queries."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {self.table}({self.table}) VALUES ('optimize')")

    def indexed_names(self, post_id):
        """(author, tags) as last indexed for this post, or None."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT author, tags FROM {self.table} WHERE rowid = %s", [post_id])
            return cursor.fetchone()

    def count(self, query: Query) -> int:
        where, params = self._where(query)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.table} WHERE {where}", params)
            return cursor.fetchone()[0]

    def hits(self, query: Query, offset: int, limit: int) -> list[tuple[int, SafeString]]:
        """(post id, snippet HTML) of the best matches, best first."""
        where, params = self._where(query)
        weights = ", ".join(str(weight) for weight in self.weights)
        body_column = COLUMNS.index("body")
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({self.table}, {body_column}, %s, %s, '…', %s) "
                f"FROM {self.table} WHERE {where} "
                f"ORDER BY bm25({self.table}, {weights}), rowid DESC LIMIT %s OFFSET %s",
                [MARK_START, MARK_END, SNIPPET_WORDS, *params, limit, offset],
            )
            return [(post_id, _marked(html.escape(snippet))) for post_id, snippet in cursor]

    def _where(self, query):
        posts = self.published_ids().query.get_compiler(connection=self.connection)
        posts_sql, posts_params = posts.as_sql()
        pages = self.published_page_keys().query.get_compiler(connection=self.connection)
        pages_sql, pages_params = pages.as_sql()
        return (
            f"{self.table} MATCH %s AND (+rowid IN ({posts_sql}) OR +rowid IN ({pages_sql}))",
            [self.match_expression(query), *posts_params, *pages_params],
        )

    @staticmethod
    def match_expression(query: Query) -> str:
        """FTS5 query syntax. Every term is quoted: words are letters and digits only,
        so nothing inside the quotes can be an operator (NEAR, AND, *, ^, :...)."""

        def quoted(term: Term):
            return f'"{" ".join(term.words)}"' + ("*" if term.prefix else "")

        expression = "(" + " AND ".join(quoted(term) for term in query.include) + ")"
        for term in query.exclude:
            expression += f" NOT {quoted(term)}"
        return expression


class PostgresBackend(_Backend):
    config = "english"

    def create_schema(self, schema_editor):
        schema_editor.create_model(SearchDocument)
        # create_model() skips the indexes of a model Django does not manage.
        for index in SearchDocument._meta.indexes:
            schema_editor.add_index(SearchDocument, index)

    def drop_schema(self, schema_editor):
        schema_editor.delete_model(SearchDocument)

    def replace(self, post_ids, documents):
        # Stored HTML-escaped: PostgreSQL's text parser takes anything like <tag> for
        # markup and drops it (from the vector and from ts_headline), while code
        # samples in posts are full of such text. Escaped, "<div>" is two entities
        # around the word "div", and ts_headline returns it still escaped.
        self._documents().filter(post_id__in=list(post_ids)).delete()
        self._documents().bulk_create(
            [
                SearchDocument(
                    post_id=doc.post_id,
                    **{
                        column: html.escape(getattr(doc, column), quote=False) for column in COLUMNS
                    },
                )
                for doc in documents
            ],
            batch_size=500,
        )
        # The title weighs most, then subtitle, tags and author, then the excerpt;
        # the body least. ts_rank gives A..D the weights 1.0, 0.4, 0.2 and 0.1.
        self._documents().filter(post_id__in=[doc.post_id for doc in documents]).update(
            vector=SearchVector("title", weight="A", config=self.config)
            + SearchVector("subtitle", "tags", "author", weight="B", config=self.config)
            + SearchVector("excerpt", weight="C", config=self.config)
            + SearchVector("body", weight="D", config=self.config)
        )

    def clear(self):
        self._documents().all().delete()

    def optimize(self):
        """Fresh planner statistics (after a rebuild), so matching uses the GIN index."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")

    def indexed_names(self, post_id):
        names = self._documents().filter(pk=post_id).values_list("author", "tags").first()
        return names and tuple(html.unescape(name) for name in names)

    def count(self, query: Query) -> int:
        return self._matches(self.search_query(query)).count()

    def hits(self, query: Query, offset: int, limit: int) -> list[tuple[int, SafeString]]:
        search_query = self.search_query(query)
        rows = (
            self._matches(search_query)
            .annotate(
                rank=SearchRank(F("vector"), search_query),
                snippet=SearchHeadline(
                    "body",
                    search_query,
                    config=self.config,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-post_id")
            .values_list("post_id", "snippet")[offset : offset + limit]
        )
        return [(post_id, _marked(snippet)) for post_id, snippet in rows]

    def _matches(self, search_query):
        published = Q(post__in=self.published_ids()) | Q(post_id__in=self.published_page_keys())
        return self._documents().filter(published, vector=search_query)

    def _documents(self):
        return SearchDocument.objects.using(self.connection.alias)

    def search_query(self, query: Query) -> SearchQuery:
        """websearch_to_tsquery for words, phrases and exclusions; to_tsquery for the
        prefix (which websearch syntax lacks). The websearch text is rebuilt from the
        parsed terms, which hold letters and digits only."""
        websearch = " ".join(
            ("-" if term.exclude else "") + f'"{" ".join(term.words)}"'
            for term in query.terms
            if not term.prefix
        )
        parts = (
            [SearchQuery(websearch, search_type="websearch", config=self.config)]
            if websearch
            else []
        )
        parts += [
            SearchQuery(f"{term.words[0]}:*", search_type="raw", config=self.config)
            for term in query.terms
            if term.prefix
        ]
        return functools.reduce(operator.and_, parts)


_BACKENDS = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}


def get_backend(connection=None):
    """The search backend for this database connection (the default one if omitted)."""
    connection = connection or default_connection
    try:
        return _BACKENDS[connection.vendor](connection)
    except KeyError:
        raise NotImplementedError(f"Search does not support {connection.vendor!r}.") from None
