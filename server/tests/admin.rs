//! The site admin (issue #15 item 2): accounts (create, turn off and on, reset the second factor), open sessions
//! and the site's settings; only for admins, only at their own site, every change audited.

mod common;

use carepath_domain::admin::{Account, OpenSession};
use carepath_domain::sync::DeviceProfile;
use common::*;
use reqwest::StatusCode;
use serde_json::json;

async fn make_admin(app: &TestApp, pharmacist: &Pharmacist) {
    sqlx::query("UPDATE pharmacists SET role = 'admin' WHERE id = ?").bind(&pharmacist.id).execute(&app.db).await.unwrap();
}

async fn accounts(app: &TestApp, client: &reqwest::Client) -> Vec<Account> {
    let response = client.get(app.url("/api/pharmacy/admin/accounts")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn audited(action: &str) -> String {
    format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND outcome = 'success'")
}

#[tokio::test]
async fn only_a_site_admin_reaches_the_admin_routes() {
    let app = spawn_app().await;
    let alice = app.pharmacist_at_new_site("North", "alice").await;
    let client = app.login_as(&alice).await;
    for (method, path) in [
        ("GET", "/api/pharmacy/admin/accounts"),
        ("POST", "/api/pharmacy/admin/accounts"),
        ("POST", &format!("/api/pharmacy/admin/accounts/{}/disable", alice.id)),
        ("POST", &format!("/api/pharmacy/admin/accounts/{}/enable", alice.id)),
        ("POST", &format!("/api/pharmacy/admin/accounts/{}/reset-second-factor", alice.id)),
        ("GET", "/api/pharmacy/admin/sessions"),
        ("POST", "/api/pharmacy/admin/sessions/0123456789abcdef0123/end"),
        ("PUT", "/api/pharmacy/admin/site"),
    ] {
        let request = match method {
            "GET" => client.get(app.url(path)),
            "POST" => client.post(app.url(path)).json(&json!({})),
            _ => client.put(app.url(path)).json(&json!({})),
        };
        assert_error(request.send().await.unwrap(), 403, "forbidden").await;
    }
    let me: serde_json::Value = client.get(app.url("/api/pharmacy/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "pharmacist");
    make_admin(&app, &alice).await;
    let me: serde_json::Value = client.get(app.url("/api/pharmacy/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "admin");
    assert_eq!(accounts(&app, &client).await.len(), 1);
}

#[tokio::test]
async fn an_admin_creates_an_account_that_sets_up_its_second_factor_at_its_first_sign_in() {
    let app = spawn_app().await;
    let admin = app.pharmacist_at_new_site("North", "admin").await;
    make_admin(&app, &admin).await;
    let client = app.login_as(&admin).await;
    let create = |body: serde_json::Value| client.post(app.url("/api/pharmacy/admin/accounts")).json(&body).send();
    let created = create(json!({ "username": " J.Doe ", "display_name": "J. Doe", "password": PASSWORD })).await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let list: Vec<Account> = created.json().await.unwrap();
    let doe = list.iter().find(|a| a.username == "j.doe").expect("the new account is listed");
    assert_eq!((doe.role, doe.second_factor, doe.sessions), (carepath_domain::admin::Role::Pharmacist, false, 0));
    assert_eq!(app.scalar(&audited("admin.account.create")).await, 1);

    let login = app.login_response("j.doe", PASSWORD).await;
    assert_eq!(login.json::<serde_json::Value>().await.unwrap(), json!({ "next": "set_up_second_factor" }));

    // Refused, with nothing stored: a taken username (any site's), a short password, a bad username.
    let before = app.count("pharmacists").await;
    assert_error(create(json!({ "username": "j.doe", "display_name": "Other", "password": PASSWORD })).await.unwrap(), 409, "username_taken").await;
    assert_error(create(json!({ "username": "k.doe", "display_name": "K", "password": "short" })).await.unwrap(), 422, "invalid").await;
    assert_error(create(json!({ "username": "k doe", "display_name": "K", "password": PASSWORD })).await.unwrap(), 422, "invalid").await;
    assert_error(create(json!({ "username": "k.doe", "display_name": "K", "password": PASSWORD, "role": "root" })).await.unwrap(), 400, "bad_json").await;
    assert_eq!(app.count("pharmacists").await, before);
}

#[tokio::test]
async fn a_turned_off_account_loses_its_sessions_and_cannot_sign_in_until_turned_on() {
    let app = spawn_app().await;
    let admin = app.pharmacist_at_new_site("North", "admin").await;
    make_admin(&app, &admin).await;
    let bob = app.add_pharmacist(&admin.site_id, "bob").await;
    let client = app.login_as(&admin).await;
    let bobs = app.login_as(&bob).await;
    assert_eq!(bobs.get(app.url("/api/pharmacy/me")).send().await.unwrap().status(), StatusCode::OK);

    let off = client.post(app.url(&format!("/api/pharmacy/admin/accounts/{}/disable", bob.id))).send().await.unwrap();
    assert_eq!(off.status(), StatusCode::OK);
    assert_error(bobs.get(app.url("/api/pharmacy/me")).send().await.unwrap(), 401, "unauthorized").await;
    assert_error(app.login_response("bob", PASSWORD).await, 403, "account_disabled").await;
    // A wrong password still reads as a wrong password: a guesser learns nothing of the account.
    assert_error(app.login_response("bob", "not bob's password").await, 401, "bad_credentials").await;
    let listed = accounts(&app, &client).await;
    assert!(listed.iter().find(|a| a.username == "bob").unwrap().disabled_at.is_some());

    // Not their own account.
    let own = client.post(app.url(&format!("/api/pharmacy/admin/accounts/{}/disable", admin.id))).send().await.unwrap();
    assert_error(own, 422, "invalid").await;

    let on = client.post(app.url(&format!("/api/pharmacy/admin/accounts/{}/enable", bob.id))).send().await.unwrap();
    assert_eq!(on.status(), StatusCode::OK);
    assert_eq!(app.login_response("bob", PASSWORD).await.status(), StatusCode::OK);
    assert_eq!((app.scalar(&audited("admin.account.disable")).await, app.scalar(&audited("admin.account.enable")).await), (1, 1));
}

#[tokio::test]
async fn an_admin_resets_a_lost_second_factor_and_ends_sessions() {
    let app = spawn_app().await;
    let admin = app.pharmacist_at_new_site("North", "admin").await;
    make_admin(&app, &admin).await;
    let bob = app.add_pharmacist(&admin.site_id, "bob").await;
    let client = app.login_as(&admin).await;
    let laptop = app.login_as(&bob).await;
    let desktop = app.login_as(&bob).await;

    let sessions: Vec<OpenSession> = client.get(app.url("/api/pharmacy/admin/sessions")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1, "the admin's own is marked");
    assert!(sessions.iter().all(|s| s.second_factor_passed));
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM pharmacist_sessions").fetch_all(&app.db).await.unwrap();
    assert!(sessions.iter().all(|s| !stored.contains(&s.id)), "only a prefix of the hash is shown");

    // End one of Bob's two sessions.
    let bobs: Vec<&OpenSession> = sessions.iter().filter(|s| s.username == "bob").collect();
    let ended = client.post(app.url(&format!("/api/pharmacy/admin/sessions/{}/end", bobs[0].id))).send().await.unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    let statuses = [
        laptop.get(app.url("/api/pharmacy/me")).send().await.unwrap().status(),
        desktop.get(app.url("/api/pharmacy/me")).send().await.unwrap().status(),
    ];
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    let again = client.post(app.url(&format!("/api/pharmacy/admin/sessions/{}/end", bobs[0].id))).send().await.unwrap();
    assert_error(again, 404, "not_found").await;

    let reset = client.post(app.url(&format!("/api/pharmacy/admin/accounts/{}/reset-second-factor", bob.id))).send().await.unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    let listed: Vec<Account> = reset.json().await.unwrap();
    let b = listed.iter().find(|a| a.username == "bob").unwrap();
    assert_eq!((b.second_factor, b.sessions), (false, 0));
    let login = app.login_response("bob", PASSWORD).await;
    assert_eq!(login.json::<serde_json::Value>().await.unwrap(), json!({ "next": "set_up_second_factor" }));
    assert_eq!(app.scalar(&audited("admin.second_factor.reset")).await, 1);
    assert_eq!(app.scalar(&audited("admin.session.end")).await, 1);
}

#[tokio::test]
async fn an_admin_reaches_nothing_of_another_site() {
    let app = spawn_app().await;
    let admin = app.pharmacist_at_new_site("North", "admin").await;
    make_admin(&app, &admin).await;
    let carol = app.pharmacist_at_new_site("South", "carol").await;
    let client = app.login_as(&admin).await;
    let carols = app.login_as(&carol).await;
    assert!(accounts(&app, &client).await.iter().all(|a| a.username != "carol"));
    for action in ["disable", "enable", "reset-second-factor"] {
        let response = client.post(app.url(&format!("/api/pharmacy/admin/accounts/{}/{action}", carol.id))).send().await.unwrap();
        assert_error(response, 404, "not_found").await;
    }
    let sessions: Vec<OpenSession> = client.get(app.url("/api/pharmacy/admin/sessions")).send().await.unwrap().json().await.unwrap();
    assert!(sessions.iter().all(|s| s.username != "carol"));
    let hash: String = sqlx::query_scalar("SELECT token_hash FROM pharmacist_sessions WHERE pharmacist_id = ?").bind(&carol.id).fetch_one(&app.db).await.unwrap();
    let response = client.post(app.url(&format!("/api/pharmacy/admin/sessions/{}/end", &hash[..20]))).send().await.unwrap();
    assert_error(response, 404, "not_found").await;
    assert_eq!(carols.get(app.url("/api/pharmacy/me")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn an_admin_sets_the_sites_numbers_and_triage_settings_within_the_safe_bounds() {
    let app = spawn_app().await;
    let admin = app.pharmacist_at_new_site("North", "admin").await;
    make_admin(&app, &admin).await;
    let client = app.login_as(&admin).await;
    let ana = app.new_patient(&client, "Ana", Frequency::OnceDaily).await;
    let put = |body: serde_json::Value| client.put(app.url("/api/pharmacy/admin/site")).json(&body).send();

    let changed = put(json!({ "phone": "+1 555 0142", "after_hours_phone": "+1 555 0143", "fever_threshold_c_tenths": 380, "acknowledged_window_hours": 48 }))
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let profile: DeviceProfile = app.profile_response(&ana.token).await.json().await.unwrap();
    assert_eq!((profile.site.phone.as_str(), profile.site.after_hours_phone.as_str()), ("+1 555 0142", "+1 555 0143"));
    assert_eq!(profile.triage.fever_threshold_c_tenths, 380);
    assert_eq!(profile.triage.acknowledged_window_hours, 48);

    // Outside the bounds, or a "number" without digits: refused, nothing changed.
    for body in [
        json!({ "fever_threshold_c_tenths": 390 }),
        json!({ "acknowledged_window_hours": 1000 }),
        json!({ "phone": "call the front desk" }),
        json!({ "phone": "" }),
        json!({ "fax": "+1 555 0100" }),
    ] {
        let response = put(body.clone()).await.unwrap();
        assert!(matches!(response.status().as_u16(), 400 | 422), "{body}: {}", response.status());
    }
    let profile: DeviceProfile = app.profile_response(&ana.token).await.json().await.unwrap();
    assert_eq!((profile.site.phone.as_str(), profile.triage.fever_threshold_c_tenths), ("+1 555 0142", 380));
    assert_eq!(app.scalar(&audited("admin.site.update")).await, 1);
}
