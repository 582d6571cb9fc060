-- The site admin's audit viewer (issue #15 item 7): which site each audit row belongs to, so the viewer reads one
-- site's rows newest first through an index. The audit log itself stays append-only (no column is added to rows
-- written before): a trigger files each new row here, by its patient's site, else its pharmacist's, else its
-- device's patient's. Rows of nobody's site (a sign-in refused for an unknown username) are the operator's.
CREATE TABLE audit_sites (
    site_id  TEXT NOT NULL,
    audit_id INTEGER NOT NULL,
    PRIMARY KEY (site_id, audit_id)
) WITHOUT ROWID;

INSERT INTO audit_sites (site_id, audit_id)
SELECT site_id, id FROM (
    SELECT a.id, COALESCE(
        (SELECT p.site_id FROM patients p WHERE p.id = a.patient_id),
        CASE WHEN a.actor_kind = 'pharmacist' THEN (SELECT ph.site_id FROM pharmacists ph WHERE ph.id = a.actor_id) END,
        CASE WHEN a.actor_kind = 'device' THEN (SELECT p.site_id FROM devices d JOIN patients p ON p.id = d.patient_id WHERE d.id = a.actor_id) END
    ) AS site_id
    FROM audit_log a
) WHERE site_id IS NOT NULL;

CREATE TRIGGER audit_log_site AFTER INSERT ON audit_log
BEGIN
    INSERT INTO audit_sites (site_id, audit_id)
    SELECT site_id, NEW.id FROM (
        SELECT COALESCE(
            (SELECT p.site_id FROM patients p WHERE p.id = NEW.patient_id),
            CASE WHEN NEW.actor_kind = 'pharmacist' THEN (SELECT ph.site_id FROM pharmacists ph WHERE ph.id = NEW.actor_id) END,
            CASE WHEN NEW.actor_kind = 'device' THEN (SELECT p.site_id FROM devices d JOIN patients p ON p.id = d.patient_id WHERE d.id = NEW.actor_id) END
        ) AS site_id
    ) WHERE site_id IS NOT NULL;
END;
