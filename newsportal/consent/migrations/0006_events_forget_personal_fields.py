"""Events stay append-only, with one exception: "forget me" blanks the network and browser.

The proof (which decision, when, under which version) is never changed; the two fields that
describe the visitor may be emptied, and nothing else.
"""

from django.db import migrations

ALLOW_FORGETTING = """
CREATE OR REPLACE FUNCTION consent_event_refuse_update() RETURNS trigger AS $$
BEGIN
    IF NEW.client_ip_prefix = '' AND NEW.user_agent_family = ''
       AND (NEW.id, NEW.record_id, NEW.action, NEW.choices, NEW.policy_version, NEW.created_at,
            NEW.language, NEW.gpc)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.record_id, OLD.action, OLD.choices, OLD.policy_version, OLD.created_at,
            OLD.language, OLD.gpc) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent events are append-only';
END;
$$ LANGUAGE plpgsql;
"""
REFUSE_ALL = """
CREATE OR REPLACE FUNCTION consent_event_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent events are append-only';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("consent", "0005_policy_versions_are_proof")]
    operations = [migrations.RunSQL(ALLOW_FORGETTING, REFUSE_ALL)]
