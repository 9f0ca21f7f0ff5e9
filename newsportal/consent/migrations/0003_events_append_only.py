"""PostgreSQL refuses to change a consent event once written: the log is proof."""

from django.db import migrations

CREATE = """
CREATE FUNCTION consent_event_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consent_event_append_only BEFORE UPDATE ON consent_consentevent
    FOR EACH ROW EXECUTE FUNCTION consent_event_refuse_update();
"""
DROP = """
DROP TRIGGER consent_event_append_only ON consent_consentevent;
DROP FUNCTION consent_event_refuse_update();
"""


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_default_policy")]
    operations = [migrations.RunSQL(CREATE, DROP)]
