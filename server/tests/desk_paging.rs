//! The desk's lists at any size: the alert queue, the event queue and the patient list come a page at a time
//! (`?limit=&cursor=`), every item exactly once across the pages and in the list's order; the alert queue puts
//! unacknowledged alerts first; limits are bounded and bad cursors are JSON errors; and every desk query reads
//! through an index (EXPLAIN QUERY PLAN), never a whole table or a sort of one. The timings at 10,000 patients and
//! 1,000,000 events are measured by `scripts/bench-desk.sh`, not here.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use carepath_domain::checkin::{CheckInAnswers, Temperature, TemperatureUnit};
use carepath_domain::regimen::DoseSlot;
use carepath_domain::sync::{AlertQueue, EventBody, PatientEvent, Queue};
use carepath_domain::triage::Tier;
use carepath_server::store;
use chrono::{DateTime, Duration, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

// ---- helpers ------------------------------------------------------------------------------------------------

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.unwrap()
}

async fn get_json<T: serde::de::DeserializeOwned>(client: &reqwest::Client, app: &TestApp, path: &str) -> T {
    let response = get(client, app, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

fn with_cursor(path: &str, cursor: Option<&str>) -> String {
    match cursor {
        None => path.to_string(),
        Some(c) => format!("{path}{}cursor={c}", if path.contains('?') { '&' } else { '?' }),
    }
}

/// An alert stored straight into the database (the alert's triage is not under test here).
struct Seeded {
    id: String,
    urgent: bool,
    acknowledged: bool,
    reported_minutes_ago: i64,
}

#[allow(clippy::too_many_arguments)]
async fn insert_alert(
    app: &TestApp,
    pharmacist: &Pharmacist,
    patient: Uuid,
    urgent: bool,
    reported_minutes_ago: i64,
    acknowledged_after: Option<i64>,
    resolved: bool,
) -> String {
    // One instant for the whole test binary: alerts "reported at the same minute" are reported at the same instant.
    static BASE: OnceLock<DateTime<Utc>> = OnceLock::new();
    let now = *BASE.get_or_init(Utc::now);
    let id = Uuid::new_v4().to_string();
    let reported = now - Duration::minutes(reported_minutes_ago);
    let raised = reported + Duration::minutes(1);
    let acknowledged = acknowledged_after.map(|m| raised + Duration::minutes(m));
    sqlx::query(
        "INSERT INTO alerts (id, patient_id, site_id, tier, reasons, reported_at, raised_at, acknowledged_at, acknowledged_by,
                             resolved_at, resolved_by, patient_action)
         VALUES (?, ?, ?, ?, '[{\"reason\":\"note\"}]', ?, ?, ?, ?, ?, ?, 'within_a_day')",
    )
    .bind(&id)
    .bind(patient.to_string())
    .bind(&pharmacist.site_id)
    .bind(if urgent { "urgent" } else { "routine" })
    .bind(store::ts(reported))
    .bind(store::ts(raised))
    .bind(acknowledged.map(store::ts))
    .bind(acknowledged.map(|_| pharmacist.id.clone()))
    .bind(resolved.then(|| store::ts(now)))
    .bind(resolved.then(|| pharmacist.id.clone()))
    .execute(&app.db)
    .await
    .unwrap();
    id
}

/// Every page of a list, following `next_cursor` from `path`: the ids in the order received, and the pages.
async fn all_alert_pages(client: &reqwest::Client, app: &TestApp, path: &str) -> (Vec<String>, Vec<AlertQueue>) {
    let (mut ids, mut pages, mut cursor) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        let page: AlertQueue = get_json(client, app, &with_cursor(path, cursor.as_deref())).await;
        ids.extend(page.open.iter().map(|a| a.id.to_string()));
        cursor = page.next_cursor.clone();
        pages.push(page);
        if cursor.is_none() {
            return (ids, pages);
        }
        assert!(pages.len() < 100, "the pages never end");
    }
}

fn assert_once(ids: &[String]) {
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an item came twice: {ids:?}");
}

fn fever(celsius: &str) -> PatientEvent {
    let temperature = Temperature::parse(celsius, TemperatureUnit::Celsius).expect("temperature");
    check_in_with(CheckInAnswers { temperature: Some(temperature), ..CheckInAnswers::default() })
}

// ---- the alert queue ----------------------------------------------------------------------------------------

#[tokio::test]
async fn alert_pages_hold_every_open_alert_once_in_desk_order() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("Northside", "alice").await;
    let client = app.login_as(&pharmacist).await;
    let ana = app.new_patient(&client, "Ana Lopez", Frequency::OnceDaily).await;
    let ben = app.new_patient(&client, "Ben Ortiz", Frequency::OnceDaily).await;
    // Another site's open alert never shows.
    let other = app.pharmacist_at_new_site("Southside", "sam").await;
    let other_client = app.login_as(&other).await;
    let sol = app.new_patient(&other_client, "Sol South", Frequency::OnceDaily).await;
    let foreign = insert_alert(&app, &other, sol.id, true, 5, None, false).await;

    // 27 open alerts in every state, some reported at the same minute; and 3 resolved ones.
    let mut seeded = Vec::new();
    for i in 0..27i64 {
        let (urgent, acknowledged) = (i % 3 == 0, i % 4 == 1);
        let minutes = 600 - (i / 2) * 10;
        let patient = if i % 2 == 0 { ana.id } else { ben.id };
        let id = insert_alert(&app, &pharmacist, patient, urgent, minutes, acknowledged.then_some(5), false).await;
        seeded.push(Seeded { id, urgent, acknowledged, reported_minutes_ago: minutes });
    }
    for _ in 0..3 {
        insert_alert(&app, &pharmacist, ana.id, false, 900, Some(10), true).await;
    }
    // Desk order: unacknowledged urgent, unacknowledged routine, acknowledged urgent, acknowledged routine; then the
    // oldest report (then raised time, then id).
    let mut expected: Vec<&Seeded> = seeded.iter().collect();
    expected.sort_by_key(|s| (s.acknowledged, !s.urgent, -s.reported_minutes_ago, s.id.clone()));
    let expected: Vec<String> = expected.into_iter().map(|s| s.id.clone()).collect();

    // The default page holds them all (fewer than 50), in that order, with the counts.
    let first: AlertQueue = get_json(&client, &app, "/api/pharmacy/alerts").await;
    let ids: Vec<String> = first.open.iter().map(|a| a.id.to_string()).collect();
    assert_eq!(ids, expected);
    assert_eq!(first.next_cursor, None);
    assert_eq!(first.open_total, 27);
    assert_eq!(first.open_unacknowledged, seeded.iter().filter(|s| !s.acknowledged).count() as u64);
    assert_eq!(first.open_unacknowledged_urgent, seeded.iter().filter(|s| !s.acknowledged && s.urgent).count() as u64);
    assert_eq!(first.resolved.len(), 3);
    assert!(!ids.contains(&foreign));

    // Pages of 4: every alert exactly once, the same order; the resolved list only on the first page.
    let (paged, pages) = all_alert_pages(&client, &app, "/api/pharmacy/alerts?limit=4").await;
    assert_once(&paged);
    assert_eq!(paged, expected);
    assert_eq!(pages.len(), 7, "27 alerts in pages of 4");
    assert!(pages.iter().all(|p| p.open.len() <= 4 && p.open_total == 27));
    assert_eq!(pages[0].resolved.len(), 3);
    assert!(pages[1..].iter().all(|p| p.resolved.is_empty()));
    assert!(pages.iter().all(|p| p.stats.acknowledged == pages[0].stats.acknowledged));
}

#[tokio::test]
async fn an_acknowledged_urgent_alert_comes_after_an_unacknowledged_routine_one() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("Northside", "alice").await).await;
    let ana = app.new_patient(&client, "Ana Lopez", Frequency::TwiceDaily).await;
    // An older routine alert (fatigue worse by two grades), then a fever: urgent.
    app.sync_ok(&ana.token, &[minutes_ago(check_in(Symptom::Fatigue, 0, None), 60)]).await;
    app.sync_ok(&ana.token, &[minutes_ago(check_in(Symptom::Fatigue, 2, None), 30)]).await;
    app.sync_ok(&ana.token, &[fever("38.5")]).await;

    let queue: AlertQueue = get_json(&client, &app, "/api/pharmacy/alerts").await;
    let tiers: Vec<Tier> = queue.open.iter().map(|a| a.tier).collect();
    assert_eq!(tiers, vec![Tier::Urgent, Tier::Routine], "unacknowledged: urgent first");
    assert_eq!((queue.open_unacknowledged, queue.open_unacknowledged_urgent), (2, 1));
    let urgent = queue.open[0].id;

    let r = client.post(app.url(&format!("/api/pharmacy/alerts/{urgent}/acknowledge"))).json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let queue: AlertQueue = get_json(&client, &app, "/api/pharmacy/alerts").await;
    let order: Vec<(Tier, bool)> = queue.open.iter().map(|a| (a.tier, a.acknowledged.is_some())).collect();
    assert_eq!(order, vec![(Tier::Routine, false), (Tier::Urgent, true)], "the routine alert no one has seen comes first");
    assert_eq!(queue.open[1].id, urgent);
    assert_eq!((queue.open_total, queue.open_unacknowledged, queue.open_unacknowledged_urgent), (2, 1, 0));
    // The 30-day figures still count every check-in and the one acknowledged.
    assert_eq!((queue.stats.check_ins, queue.stats.check_ins_with_alert), (3, 2));
    assert_eq!(queue.stats.acknowledged, 1);
    assert_eq!(queue.stats.median_minutes_to_acknowledge, Some(0));
}

#[tokio::test]
async fn the_median_time_to_acknowledge_is_the_lower_middle_of_the_window() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("Northside", "alice").await;
    let client = app.login_as(&pharmacist).await;
    let ana = app.new_patient(&client, "Ana Lopez", Frequency::OnceDaily).await;
    let median = || async { get_json::<AlertQueue>(&client, &app, "/api/pharmacy/alerts").await.stats };
    assert_eq!(median().await.median_minutes_to_acknowledge, None);
    for minutes in [30, 1, 5] {
        insert_alert(&app, &pharmacist, ana.id, false, 120, Some(minutes), false).await;
    }
    let stats = median().await;
    assert_eq!((stats.acknowledged, stats.median_minutes_to_acknowledge), (3, Some(5)));
    insert_alert(&app, &pharmacist, ana.id, true, 120, Some(2), true).await;
    let stats = median().await;
    assert_eq!((stats.acknowledged, stats.median_minutes_to_acknowledge), (4, Some(2)), "even count: the lower middle");
    // Raised more than 30 days ago: outside the figures.
    insert_alert(&app, &pharmacist, ana.id, false, 31 * 24 * 60, Some(1), true).await;
    assert_eq!(median().await.acknowledged, 4);
}

// ---- the event queue ----------------------------------------------------------------------------------------

#[tokio::test]
async fn queue_pages_hold_every_event_once_newest_first() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("Northside", "alice").await).await;
    let ana = app.new_patient(&client, "Ana Lopez", Frequency::TwiceDaily).await;
    let ben = app.new_patient(&client, "Ben Ortiz", Frequency::OnceDaily).await;
    let south = app.login_as(&app.pharmacist_at_new_site("Southside", "sam").await).await;
    let sol = app.new_patient(&south, "Sol South", Frequency::OnceDaily).await;
    app.sync_ok(&sol.token, &[dose_taken(sol.line_id, DoseSlot::Daily)]).await;

    // 23 events of two patients: dose records and check-ins, three of them recorded at the same instant.
    let now = Utc::now();
    let same = now - Duration::minutes(100);
    let (mut ana_events, mut ben_events) = (Vec::new(), Vec::new());
    for i in 0..20i64 {
        let at = if i < 3 { same } else { now - Duration::minutes(i * 7) };
        match i % 4 {
            0 => ana_events.push(recorded_at(check_in(Symptom::Nausea, 0, None), at)),
            1 => ana_events.push(recorded_at(dose_taken(ana.line_id, DoseSlot::Morning), at)),
            _ => ben_events.push(recorded_at(dose_taken(ben.line_id, DoseSlot::Daily), at)),
        }
    }
    app.sync_ok(&ana.token, &ana_events).await;
    app.sync_ok(&ben.token, &ben_events).await;
    // A later batch, recorded earlier.
    let late: Vec<PatientEvent> = (0..3).map(|i| minutes_ago(dose_taken(ana.line_id, DoseSlot::Evening), 300 + i)).collect();
    app.sync_ok(&ana.token, &late).await;
    let stored = ana_events.len() + ben_events.len() + late.len();

    // The expected order, from the store: recorded time, then arrival, then id, newest first.
    let expected: Vec<String> = sqlx::query_scalar(
        "SELECT e.id FROM events e JOIN patients p ON p.id = e.patient_id JOIN sites s ON s.id = p.site_id
         WHERE s.name = 'Northside' ORDER BY e.recorded_at DESC, e.received_at DESC, e.id DESC",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(expected.len(), stored);

    let whole: Queue = get_json(&client, &app, "/api/pharmacy/queue").await;
    let ids: Vec<String> = whole.items.iter().map(|i| i.event_id.to_string()).collect();
    assert_eq!(ids, expected, "the default page holds them all");
    assert_eq!(whole.next_cursor, None);
    let doses = whole.items.iter().filter(|i| matches!(i.body, EventBody::DoseTaken { .. }));
    assert!(doses.clone().count() > 0 && doses.clone().all(|i| i.drug_name.as_deref() == Some(DRUG)), "each dose names its drug");
    assert!(whole.items.iter().filter(|i| matches!(i.body, EventBody::CheckIn(_))).all(|i| i.drug_name.is_none()));
    assert!(whole.items.iter().all(|i| i.patient_name != "Sol South"));
    // A check-in reads in the symptoms' names (issue #14: the desk showed "hand foot skin").
    let hand_foot = whole.term_names.get("hand_foot_skin").and_then(|by_lang| by_lang.get("en")).map(String::as_str);
    assert_eq!(hand_foot, Some("Hand-foot skin problems (red, sore, swollen or peeling skin)"));

    let (mut paged, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let page: Queue = get_json(&client, &app, &with_cursor("/api/pharmacy/queue?limit=5", cursor.as_deref())).await;
        assert!(page.items.len() <= 5);
        paged.extend(page.items.iter().map(|i| i.event_id.to_string()));
        pages += 1;
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_once(&paged);
    assert_eq!(paged, expected);
    assert_eq!(pages, 5, "23 events in pages of 5");
}

// ---- the patient list ---------------------------------------------------------------------------------------

#[tokio::test]
async fn patient_pages_hold_every_patient_once_and_search_ignores_case_and_accents() {
    let app = spawn_app().await;
    let client = app.login_as(&app.pharmacist_at_new_site("Northside", "alice").await).await;
    let south = app.login_as(&app.pharmacist_at_new_site("Southside", "sam").await).await;
    app.enroll_patient(&south, "Rosa Diaz South", Frequency::OnceDaily).await;
    let mut names = vec!["Rosa Díaz".to_string(), "ROSARIO DIAZ".to_string(), "Ana Lopez".to_string()];
    for i in 0..9 {
        names.push(format!("Patient {i}"));
    }
    for name in &names {
        app.enroll_patient(&client, name, Frequency::OnceDaily).await;
    }
    let expected: Vec<String> = sqlx::query_scalar(
        "SELECT p.id FROM patients p JOIN sites s ON s.id = p.site_id WHERE s.name = 'Northside' ORDER BY p.created_at DESC, p.id DESC",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(expected.len(), 12);

    // Called as it always was: the plain array (all 12 fit the default page), no cursor.
    let response = get(&client, &app, "/api/pharmacy/patients").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("x-next-cursor").is_none());
    let plain: Value = response.json().await.unwrap();
    let ids: Vec<String> = plain.as_array().unwrap().iter().map(|p| p["patient_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, expected);

    // Pages of 5: an object with the patients and the next cursor (also in the header).
    let (mut paged, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let response = get(&client, &app, &with_cursor("/api/pharmacy/patients?limit=5", cursor.as_deref())).await;
        assert_eq!(response.status(), StatusCode::OK);
        let header = response.headers().get("x-next-cursor").map(|v| v.to_str().unwrap().to_string());
        let page: Value = response.json().await.unwrap();
        let rows = page["patients"].as_array().unwrap();
        assert!(rows.len() <= 5);
        paged.extend(rows.iter().map(|p| p["patient_id"].as_str().unwrap().to_string()));
        pages += 1;
        cursor = page["next_cursor"].as_str().map(str::to_string);
        assert_eq!(header, cursor);
        if cursor.is_none() {
            break;
        }
    }
    assert_once(&paged);
    assert_eq!(paged, expected);
    assert_eq!(pages, 3);

    // Search: every word typed, ignoring case and accents; only the pharmacist's own site.
    let found = |q: &'static str| {
        let (client, app) = (&client, &app);
        async move {
            let page: Value = get_json(client, app, &format!("/api/pharmacy/patients?q={q}")).await;
            let mut names: Vec<String> =
                page["patients"].as_array().unwrap().iter().map(|p| p["display_name"].as_str().unwrap().to_string()).collect();
            names.sort();
            names
        }
    };
    assert_eq!(found("diaz").await, vec!["ROSARIO DIAZ", "Rosa Díaz"]);
    assert_eq!(found("D%C3%8DAZ%20rosa").await, vec!["ROSARIO DIAZ", "Rosa Díaz"]);
    assert_eq!(found("rosa%20lopez").await, Vec::<String>::new());
    assert_eq!(found("lopez").await, vec!["Ana Lopez"]);
    // A search pages too.
    let page: Value = get_json(&client, &app, "/api/pharmacy/patients?q=patient&limit=4").await;
    assert_eq!(page["patients"].as_array().unwrap().len(), 4);
    let next = page["next_cursor"].as_str().unwrap().to_string();
    let mut seen: Vec<String> = page["patients"].as_array().unwrap().iter().map(|p| p["display_name"].as_str().unwrap().into()).collect();
    let mut cursor = Some(next);
    while let Some(c) = cursor {
        let page: Value = get_json(&client, &app, &format!("/api/pharmacy/patients?q=patient&limit=4&cursor={c}")).await;
        seen.extend(page["patients"].as_array().unwrap().iter().map(|p| p["display_name"].as_str().unwrap().to_string()));
        cursor = page["next_cursor"].as_str().map(str::to_string);
    }
    seen.sort();
    assert_eq!(seen, (0..9).map(|i| format!("Patient {i}")).collect::<Vec<_>>());
}

// ---- limits and cursors -------------------------------------------------------------------------------------

#[tokio::test]
async fn limits_are_bounded_and_bad_cursors_are_json_errors() {
    let app = spawn_app().await;
    let pharmacist = app.pharmacist_at_new_site("Northside", "alice").await;
    let client = app.login_as(&pharmacist).await;
    let ana = app.new_patient(&client, "Ana Lopez", Frequency::OnceDaily).await;
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..205i64 {
        let now = Utc::now() - Duration::minutes(i);
        sqlx::query(
            "INSERT INTO alerts (id, patient_id, site_id, tier, reasons, reported_at, raised_at) VALUES (?, ?, ?, 'routine', '[]', ?, ?)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(ana.id.to_string())
        .bind(&pharmacist.site_id)
        .bind(store::ts(now))
        .bind(store::ts(now))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    // The default page is 50; a huge limit is clamped to 200, with a cursor for the rest.
    let page: AlertQueue = get_json(&client, &app, "/api/pharmacy/alerts").await;
    assert_eq!((page.open.len(), page.open_total), (50, 205));
    assert!(page.next_cursor.is_some());
    let page: AlertQueue = get_json(&client, &app, "/api/pharmacy/alerts?limit=100000").await;
    assert_eq!(page.open.len(), 200);
    let rest: AlertQueue = get_json(&client, &app, &format!("/api/pharmacy/alerts?limit=100000&cursor={}", page.next_cursor.unwrap())).await;
    assert_eq!((rest.open.len(), rest.next_cursor), (5, None));
    let queue: Queue = get_json(&client, &app, "/api/pharmacy/queue?limit=100000").await;
    assert!(queue.items.len() <= 500);
    let patients: Value = get_json(&client, &app, "/api/pharmacy/patients?limit=100000").await;
    assert_eq!(patients["patients"].as_array().unwrap().len(), 1);

    // Limits that are not a whole number from 1, and cursors no list gave (or another list gave): JSON 422s.
    let queue_cursor = {
        app.sync_ok(&ana.token, &[dose_taken(ana.line_id, DoseSlot::Daily), dose_taken(ana.line_id, DoseSlot::Daily)]).await;
        get_json::<Queue>(&client, &app, "/api/pharmacy/queue?limit=1").await.next_cursor.expect("a second page")
    };
    for list in ["/api/pharmacy/alerts", "/api/pharmacy/queue", "/api/pharmacy/patients"] {
        for query in ["limit=0", "limit=-3", "limit=ten", "limit=1.5", "cursor=not-a-cursor", "cursor=eyJhIjoxfQ", "cursor=%FF%FE"] {
            assert_error(get(&client, &app, &format!("{list}?{query}")).await, 422, "invalid").await;
        }
        if list != "/api/pharmacy/queue" {
            assert_error(get(&client, &app, &format!("{list}?cursor={queue_cursor}")).await, 422, "invalid").await;
        }
    }
    let long = "x".repeat(2000);
    assert_error(get(&client, &app, &format!("/api/pharmacy/alerts?cursor={long}")).await, 422, "invalid").await;
    assert_error(get(&client, &app, &format!("/api/pharmacy/patients?q={}", "a".repeat(200))).await, 422, "invalid").await;
    // An empty cursor or limit is the first page.
    let page: AlertQueue = get_json(&client, &app, "/api/pharmacy/alerts?cursor=&limit=").await;
    assert_eq!(page.open.len(), 50);
}

// ---- query plans --------------------------------------------------------------------------------------------

/// Each desk query reads through an index: no full scan of a table, and no sort of a whole list. Sorting a page's
/// few rows (notes of a page, the timeline's 400 check-ins) or one window (the 30-day median) is allowed.
#[tokio::test]
async fn every_desk_query_reads_through_an_index() {
    let app = spawn_app().await;
    let mut queries = carepath_server::routes::alerts::desk_queries();
    queries.extend(carepath_server::routes::pharmacy::desk_queries());
    queries.extend(carepath_server::messages::desk_queries());
    queries.extend(carepath_server::routes::identity::desk_queries());
    queries.extend(carepath_server::routes::worklists::desk_queries());
    queries.extend(carepath_server::routes::program::desk_queries());
    queries.extend(carepath_server::routes::patient_filters::desk_queries());
    queries.extend(carepath_server::audit_trail::queries());
    queries.extend(carepath_server::admin::queries());
    queries.extend(carepath_server::routes::patient_devices::desk_queries());
    queries.extend(carepath_server::regimens::device_queries());
    let sorts_allowed = [
        "program: median by tier",
        "program: interventions",
        "alerts: notes of a page",
        "alerts: replies of a page",
        "alerts: 30-day median",
        "timeline: check-ins",
        "timeline: messages",
        "patients: devices of a page",
        // One patient's caregivers: a handful, sorted by when they were added.
        "header: caregivers",
        // One patient's phones: a handful, sorted by access and when they were enrolled.
        "devices: a patient's phones",
        // One patient's last 60 days of dose records, put in recorded order.
        "profile: the diary's last days",
    ];
    let mut plans: HashMap<&str, String> = HashMap::new();
    for (name, sql) in &queries {
        let explain_sql = format!("EXPLAIN QUERY PLAN {sql}");
        let mut explain = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain_sql);
        for _ in 0..sql.matches('?').count() {
            explain = explain.bind("x");
        }
        let plan: Vec<String> = explain.fetch_all(&app.db).await.unwrap_or_else(|e| panic!("{name}: {e}")).into_iter().map(|r| r.3).collect();
        for step in &plan {
            // Scanning a subquery's page, a JSON list of a page's ids or the VALUES list of a patient's due items is
            // fine; scanning a table is not.
            let full_scan = step.starts_with("SCAN ")
                && !step.starts_with("SCAN json_each")
                && !(*name == "worklist refresh: items not done" && (step == "SCAN due" || step.ends_with("VALUES CLAUSE") || step.contains("CONSTANT ROW")))
                && !step.starts_with("SCAN se")
                && !step.starts_with("SCAN audit_page")
                && !step.contains("(subquery");
            assert!(!full_scan, "{name} scans a whole table: {step}\n{sql}");
            if step.contains("TEMP B-TREE") {
                assert!(sorts_allowed.contains(name), "{name} sorts: {step}\n{sql}");
            }
        }
        assert!(plan.iter().any(|s| s.contains("INDEX") || s.contains("PRIMARY KEY")), "{name}: {plan:?}");
        if std::env::var_os("DESK_PLANS").is_some() {
            eprintln!("{name}:\n  {}", plan.join("\n  "));
        }
        plans.insert(name, plan.join("\n"));
    }
    let expect = [
        ("worklists: page", "PRIMARY KEY (site_id=? AND list=?)"),
        ("worklists: page after a cursor", "(due_on,patient_id,item_key)>(?,?,?)"),
        ("program: cadences", "COVERING INDEX patients_site_cadence (site_id=?)"),
        ("program: PDC bands", "COVERING INDEX patient_status_site_pdc (site_id=?"),
        ("program: median by tier", "COVERING INDEX alerts_site_tier_acknowledged (site_id=? AND tier=? AND raised_at>?)"),
        ("alerts: open page", "alerts_open_queue (site_id=?)"),
        ("alerts: open page after a cursor", "alerts_open_queue (site_id=?)"),
        ("alerts: open counts", "alerts_open_queue (site_id=?)"),
        ("alerts: resolved", "alerts_site_open (site_id=? AND resolved_at>?)"),
        ("alerts: notes of a page", "alert_notes_alert (alert_id=?)"),
        ("alerts: replies of a page", "messages_alert (alert_id=?)"),
        ("alerts: 30-day check-ins", "COVERING INDEX site_events_check_ins (site_id=? AND kind=? AND received_at>?)"),
        ("alerts: 30-day acknowledged", "COVERING INDEX alerts_site_acknowledged (site_id=? AND raised_at>?)"),
        ("alerts: 30-day median", "COVERING INDEX alerts_site_acknowledged (site_id=? AND raised_at>?)"),
        ("timeline: check-ins", "events_patient_kind_recorded (patient_id=? AND kind=?)"),
        ("patients: page", "COVERING INDEX patients_site_created (site_id=?)"),
        ("patients: page after a cursor", "COVERING INDEX patients_site_created (site_id=? AND (created_at,id)<(?,?))"),
        ("patients: devices of a page", "devices_patient (patient_id=? AND revoked_at=?)"),
        ("devices: a patient's phones", "devices_patient (patient_id=?)"),
        ("queue: page", "site_events USING PRIMARY KEY (site_id=?)"),
        ("patients: born on a date", "patients_site_dob (site_id=? AND date_of_birth=?)"),
        ("patients: by MRN", "patients_site_mrn (site_id=? AND mrn=?)"),
        ("header: last event of a kind", "events_patient_kind_recorded (patient_id=? AND kind=?)"),
        ("codes: end the open ones", "enrollment_codes_patient_open (patient_id=?)"),
        ("queue: page after a cursor", "site_events USING PRIMARY KEY (site_id=? AND (recorded_at,received_at,event_id)<(?,?,?))"),
    ];
    for (name, needle) in expect {
        let plan = plans.get(name).unwrap_or_else(|| panic!("no query {name}"));
        assert!(plan.contains(needle), "{name} does not use {needle}:\n{plan}");
    }
}
