"""Full-text and trigram search on PostgreSQL: triggers keep `search_vector` current on every
write (whoever writes: services, the admin, a bulk load), GIN indexes make it fast.

The entry's own language picks the text-search configuration (swedish or english, so inflected
words match their stems), and the title is also indexed with the `simple` configuration, so a
name or an acronym written in the other language still matches. The trigram index on the title
serves the misspelling fallback. On SQLite (the embedded default) this migration does nothing;
the selectors fall back to a simpler search there.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION {table}_search_update() RETURNS trigger AS $$
DECLARE cfg regconfig;
BEGIN
    cfg := CASE WHEN NEW.language = 'en' THEN 'english'::regconfig ELSE 'swedish'::regconfig END;
    NEW.search_vector :=
        setweight(to_tsvector(cfg, coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector(cfg, coalesce({b}, '')), 'B') ||
        setweight(to_tsvector(cfg, {c}), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_search ON {table};
CREATE TRIGGER {table}_search BEFORE INSERT OR UPDATE OF {columns}
    ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_search_update();
CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_vector);
CREATE INDEX IF NOT EXISTS {table}_title_trgm ON {table} USING gin (title gin_trgm_ops);
UPDATE {table} SET title = title;
"""

TABLES = {
    "obstacles_obstacle": {
        "b": "NEW.description",
        "c": "coalesce(NEW.evidence, '') || ' ' || coalesce(NEW.known_mitigation, '')",
        "columns": "title, description, evidence, known_mitigation, language",
    },
    "obstacles_knowledgearticle": {
        "b": "NEW.summary",
        "c": "coalesce(NEW.body, '') || ' ' || coalesce(NEW.\"references\", '')",
        "columns": "title, summary, body, \"references\", language",
    },
}


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, parts in TABLES.items():
        schema_editor.execute(FUNCTION.format(table=table, **parts))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {table}_search ON {table};"
            f"DROP FUNCTION IF EXISTS {table}_search_update();"
            f"DROP INDEX IF EXISTS {table}_search_gin;"
            f"DROP INDEX IF EXISTS {table}_title_trgm;"
        )


class Migration(migrations.Migration):
    dependencies = [("obstacles", "0002_categories_and_actors")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(install, uninstall),
    ]
