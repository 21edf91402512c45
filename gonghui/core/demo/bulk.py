"""Fast row writers for seeding: PostgreSQL COPY (psycopg 3) or batched inserts elsewhere.

Rows are tuples of Python values in the order of `columns` (model attnames), primary keys
included: the seed assigns ids itself so related rows can be written without reading ids back.
After writing with explicit ids, `reset_sequences` moves PostgreSQL's id sequences past them
(SQLite's AUTOINCREMENT follows explicit ids by itself).
"""

import datetime

from django.core.management.color import no_style
from django.db import models


class RowWriter:
    """Write rows of one model at a time. `method`: 'copy' (PostgreSQL), 'executemany' (a
    batched parameterised INSERT through the driver) or 'bulk_create' (Django's ORM)."""

    def __init__(self, connection, method=None, batch_size=5000):
        self.connection = connection
        self.vendor = connection.vendor
        self.method = method or ("copy" if self.vendor == "postgresql" else "executemany")
        if self.method == "copy" and self.vendor != "postgresql":
            raise ValueError("COPY needs PostgreSQL")
        self.batch_size = batch_size
        self.counts: dict[str, int] = {}

    def write(self, model, columns, rows):
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return 0
        getattr(self, f"_write_{self.method}")(model, columns, rows)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        return len(rows)

    # --- PostgreSQL COPY -------------------------------------------------------------------
    def _write_copy(self, model, columns, rows):
        quote = self.connection.ops.quote_name
        table = quote(model._meta.db_table)
        cols = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
        with self.connection.cursor() as django_cursor:
            raw = django_cursor.connection  # the psycopg Connection under Django's wrapper
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    # --- batched INSERT through the driver ---------------------------------------------------
    def _write_executemany(self, model, columns, rows):
        fields = [model._meta.get_field(c) for c in columns]
        converters = [self._converter(f) for f in fields]
        quote = self.connection.ops.quote_name
        placeholder = "?" if self.vendor == "sqlite" else "%s"
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields),
            ", ".join([placeholder] * len(fields)),
        )
        converting = [(i, conv) for i, conv in enumerate(converters) if conv]
        if converting:
            converted = []
            for row in rows:
                row = list(row)
                for i, conv in converting:
                    row[i] = conv(row[i])
                converted.append(row)
            rows = converted
        self.connection.ensure_connection()
        raw = self.connection.connection
        for start in range(0, len(rows), self.batch_size):
            batch = rows[start:start + self.batch_size]
            if self.vendor == "sqlite":
                raw.executemany(sql, batch)
            else:
                with raw.cursor() as cursor:
                    cursor.executemany(sql, batch)

    def _converter(self, field):
        """Date and time values as the backend stores them (sqlite3's own adapters are deprecated)."""
        if self.vendor != "sqlite":
            return None
        if isinstance(field, models.DateTimeField):
            return _memo(self.connection.ops.adapt_datetimefield_value)
        if isinstance(field, models.DateField):
            return _memo(lambda v: v.isoformat() if isinstance(v, datetime.date) else v)
        return None

    # --- Django's bulk_create ------------------------------------------------------------------
    def _write_bulk_create(self, model, columns, rows):
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=self.batch_size)

    # --- after explicit ids ---------------------------------------------------------------------
    def reset_sequences(self, model_list):
        sql = self.connection.ops.sequence_reset_sql(no_style(), model_list)
        if sql:
            with self.connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)


def _memo(fn):
    """fn(value) remembered per value (dates repeat a lot); None stays None."""
    cache = {None: None}

    def convert(value):
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = fn(value)
            return result

    return convert
