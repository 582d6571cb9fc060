-- The pharmacist desk at scale (issue #12: 10,000 patients, 1,000,000 events, every desk request within 50 ms).
-- Indexes for every desk query, and `site_events`: the events of each site in time order, which no index on
-- `events` can give (the site is the patient's, in another table). Checked with EXPLAIN QUERY PLAN in
-- server/tests/desk_paging.rs; measured with scripts/bench-desk.sh.

-- Every event under its patient's site, newest first for the queue (`GET /api/pharmacy/queue`, keyset-paged on
-- the primary key), and the site's check-ins by arrival with whether one raised an alert (the 30-day figures).
-- Derived from `events` by the triggers below, so whoever stores an event keeps it current; like `events`, rows are
-- never updated or deleted, except `alerted` (set once, when the check-in's alert is stored) and a patient moved to
-- another site.
CREATE TABLE site_events (
    site_id     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    -- 1 when this check-in raised an alert.
    alerted     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, recorded_at, received_at, event_id)
) WITHOUT ROWID;

INSERT INTO site_events (site_id, recorded_at, received_at, event_id, kind, alerted)
SELECT p.site_id, e.recorded_at, e.received_at, e.id, e.kind,
       e.kind = 'check_in' AND EXISTS (SELECT 1 FROM alerts a WHERE a.event_id = e.id)
FROM events e JOIN patients p ON p.id = e.patient_id
ORDER BY p.site_id, e.recorded_at, e.received_at, e.id;

-- Covering (kind is in it too, or SQLite reads each row to check the partial index's condition).
CREATE INDEX site_events_check_ins ON site_events(site_id, kind, received_at, alerted) WHERE kind = 'check_in';

CREATE TRIGGER events_site_events AFTER INSERT ON events BEGIN
    INSERT INTO site_events (site_id, recorded_at, received_at, event_id, kind)
    SELECT site_id, NEW.recorded_at, NEW.received_at, NEW.id, NEW.kind FROM patients WHERE id = NEW.patient_id;
END;

CREATE TRIGGER alerts_site_events AFTER INSERT ON alerts WHEN NEW.event_id IS NOT NULL BEGIN
    UPDATE site_events SET alerted = 1
    WHERE site_id = (SELECT site_id FROM patients WHERE id = NEW.patient_id) AND kind = 'check_in'
      AND (recorded_at, received_at, event_id) = (SELECT recorded_at, received_at, id FROM events WHERE id = NEW.event_id);
END;

CREATE TRIGGER patients_site_events AFTER UPDATE OF site_id ON patients WHEN OLD.site_id IS NOT NEW.site_id BEGIN
    UPDATE site_events SET site_id = NEW.site_id
    WHERE site_id = OLD.site_id AND event_id IN (SELECT id FROM events WHERE patient_id = NEW.id);
END;

-- One patient's events of a kind in time order: the timeline's check-ins, the diary's dose records, triage's
-- previous check-in. Replaces events_patient_kind (its prefix).
CREATE INDEX events_patient_kind_recorded ON events(patient_id, kind, recorded_at);
DROP INDEX events_patient_kind;

-- The patient list: a site's patients, newest first (keyset-paged), with the name for the search (covering: a search
-- reads names without visiting the rows). Replaces patients_site (its prefix).
CREATE INDEX patients_site_created ON patients(site_id, created_at, id, display_name);
DROP INDEX patients_site;

-- Enrolled devices per patient (the patient list) and per caregiver (the diary).
CREATE INDEX devices_patient ON devices(patient_id, revoked_at);
CREATE INDEX devices_caregiver ON devices(caregiver_id, revoked_at) WHERE caregiver_id IS NOT NULL;

-- The open alert queue in desk order: unacknowledged before acknowledged, urgent before routine, then oldest report.
-- `GET /api/pharmacy/alerts` orders by exactly these expressions.
CREATE INDEX alerts_open_queue ON alerts(site_id, (acknowledged_at IS NOT NULL), (tier <> 'urgent'), reported_at, raised_at, id)
    WHERE resolved_at IS NULL;

-- Acknowledged alerts by when they were raised: the count and median time to acknowledge over 30 days (covering).
CREATE INDEX alerts_site_acknowledged ON alerts(site_id, raised_at, acknowledged_at) WHERE acknowledged_at IS NOT NULL;

-- An alert's replies (alert_notes(alert_id) already has its index).
CREATE INDEX messages_alert ON messages(alert_id, sent_at) WHERE alert_id IS NOT NULL;
