from django.db import migrations

# Kept literal (not imported from exchange.examples.search) so that this migration does not
# change when the search code does.
FTS_TABLE = "examples_example_fts"
FTS_CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, summary, organisation, tags, what_changed, enablers, campaign, evidence, "
    "risks_of_reverting, "
    "tokenize='porter unicode61')"
)
FILL_SQL = (
    f"INSERT INTO {FTS_TABLE} (rowid, title, summary, organisation, tags, what_changed, "
    "enablers, campaign, evidence, risks_of_reverting) "
    "SELECT e.id, e.title, e.summary, "
    "CASE WHEN e.show_as_anonymous THEN '' ELSE e.organisation END, "
    "COALESCE((SELECT group_concat(t.name, ' ') FROM examples_example_tags et "
    "JOIN examples_tag t ON t.id = et.tag_id WHERE et.example_id = e.id), ''), "
    "e.what_changed, e.enablers, "
    "COALESCE((SELECT c.title FROM examples_campaign c WHERE c.id = e.campaign_id), ''), "
    "e.evidence, e.risks_of_reverting FROM examples_example e"
)

# PostgreSQL: the search vector now includes the campaign's title (weight C), as
# exchange.examples.search.search_vector_expression builds it; refresh the stored vectors.
POSTGRES_REFRESH_SQL = """
UPDATE examples_example e SET search_vector =
    setweight(to_tsvector('english', COALESCE(e.title, '')), 'A')
    || setweight(to_tsvector('english', COALESCE(e.summary, '') || ' '
        || CASE WHEN e.show_as_anonymous THEN '' ELSE COALESCE(e.organisation, '') END), 'B')
    || setweight(to_tsvector('english', COALESCE((SELECT string_agg(t.name, ' ')
        FROM examples_example_tags et JOIN examples_tag t ON t.id = et.tag_id
        WHERE et.example_id = e.id), '')), 'B')
    || setweight(to_tsvector('english', COALESCE(e.what_changed, '') || ' '
        || COALESCE(e.enablers, '')), 'C')
    || setweight(to_tsvector('english', COALESCE((SELECT c.title FROM examples_campaign c
        WHERE c.id = e.campaign_id), '')), 'C')
    || setweight(to_tsvector('english', COALESCE(e.evidence, '') || ' '
        || COALESCE(e.risks_of_reverting, '')), 'D')
"""


def create_fts_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REFRESH_SQL)
    # The FTS5 table is SQLite's only: PostgreSQL searches its stored search vector (0002).
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(FTS_CREATE_SQL)
        schema_editor.execute(f"DELETE FROM {FTS_TABLE}")
        schema_editor.execute(FILL_SQL)


def drop_fts_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("examples", "0005_example_taken_down_state")]

    operations = [migrations.RunPython(create_fts_table, drop_fts_table, elidable=False)]
