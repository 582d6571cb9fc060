//! The site admin's page (`/pharmacy/admin`, issue #15 items 2 and 7): the site's accounts (add, turn off and on,
//! reset the second step), who is signed in (end a session), the site's numbers and triage settings, and the audit
//! log with its CSV export. Only for an admin: anyone else reads that it is not theirs. The server checks it too.

use carepath_domain::admin::{Account, AuditEntry, AuditPage, NewAccount, OpenSession, Role, SiteChange};
use carepath_domain::sync::{ErrorCode, PharmacistInfo};
use carepath_ui::api::{self, ApiError};
use carepath_ui::format;
use carepath_ui::i18n::current;
use carepath_ui::{text, tr};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::pharmacy::{desk_title, error_text, DeskNav, DeskPage, Login};

#[component]
pub fn AdminPage() -> impl IntoView {
    desk_title(|| tr!("admin-title"));
    let me = LocalResource::new(|| api::get::<PharmacistInfo>("/api/pharmacy/me", None));
    move || match me.get() {
        None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
        Some(Err(ApiError::Server { status: 401, code, .. })) => view! { <Login on_login=move || me.refetch() after=code/> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
        Some(Ok(info)) if info.role != Role::Admin => view! {
            <DeskNav current=DeskPage::Admin/>
            <section class="card narrow" aria-labelledby="admin-title">
                <h1 id="admin-title">{text!("admin-title")}</h1>
                <p>{text!("admin-only")}</p>
            </section>
        }
        .into_any(),
        Some(Ok(info)) => view! {
            <DeskNav current=DeskPage::Admin/>
            <h1>{text!("admin-title")}</h1>
            <p class="subtitle">{info.site.name.clone()}</p>
            <div class="admin-page">
                <Accounts me=info.username.clone()/>
                <Sessions/>
                <SiteSettingsForm/>
                <AuditLog/>
            </div>
        }
        .into_any(),
    }
}

/// A table of the page: its column heads and its rows, scrolling sideways on a narrow window.
#[component]
fn AdminTable(heads: Vec<Signal<String>>, children: Children) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="program-table admin-table">
                <thead><tr>{heads.into_iter().map(|head| view! { <th scope="col">{head}</th> }).collect_view()}</tr></thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| format::date_time(t, &current())).unwrap_or_else(|| "—".to_string())
}

fn admin_error(e: &ApiError) -> String {
    match e.code() {
        Some(ErrorCode::UsernameTaken) => tr!("admin-error-username-taken"),
        Some(ErrorCode::Invalid) => tr!("site-admin-error-invalid"),
        Some(ErrorCode::Forbidden) => tr!("admin-only"),
        _ => error_text(e),
    }
}

#[component]
fn Accounts(me: String) -> impl IntoView {
    let accounts = LocalResource::new(|| api::get::<Vec<Account>>("/api/pharmacy/admin/accounts", None));
    let change = Action::new_local(move |(id, what): &(String, &'static str)| {
        let path = format!("/api/pharmacy/admin/accounts/{id}/{what}");
        async move {
            let result = api::post::<_, Vec<Account>>(&path, &(), None).await;
            if result.is_ok() {
                accounts.refetch();
            }
            result.map(|_| ())
        }
    });
    let me = StoredValue::new(me);
    view! {
        <section class="card admin-accounts" aria-labelledby="admin-accounts-title">
            <h2 id="admin-accounts-title">{text!("admin-accounts-title")}</h2>
            <p class="error" role="alert">{move || change.value().get().and_then(|r| r.err()).map(|e| admin_error(&e))}</p>
            {move || match accounts.get() {
                None => view! { <p aria-busy="true">{text!("loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{admin_error(&e)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <AdminTable heads=vec![text!("admin-account-name"), text!("admin-account-state"), text!("admin-account-last-sign-in"), text!("admin-account-actions")]>
                        {list.into_iter().map(|account| view! { <AccountRow account=account is_me=me.get_value() change=change/> }).collect_view()}
                    </AdminTable>
                }
                .into_any(),
            }}
            <NewAccountForm on_created=Callback::new(move |_: ()| accounts.refetch())/>
        </section>
    }
}

#[component]
fn AccountRow(account: Account, is_me: String, change: Action<(String, &'static str), Result<(), ApiError>>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let id = StoredValue::new(account.id.clone());
    let own = account.username == is_me;
    let name = account.display_name.clone();
    let state = {
        let mut parts = vec![if account.role == Role::Admin { tr!("admin-role-admin") } else { tr!("admin-role-pharmacist") }];
        parts.push(if account.disabled_at.is_some() { tr!("admin-account-off") } else { tr!("admin-account-on") });
        parts.push(if account.second_factor { tr!("admin-second-step-on") } else { tr!("admin-second-step-not-yet") });
        if account.sessions > 0 {
            parts.push(tr!("admin-account-sessions", count = account.sessions));
        }
        parts.join(" · ")
    };
    let disabled = account.disabled_at.is_some();
    let reset_name = name.clone();
    view! {
        <tr data-testid="admin-account" data-username=account.username.clone()>
            <td><strong>{name.clone()}</strong><br/><span class="hint">{account.username.clone()}</span></td>
            <td>{state}</td>
            <td>{when(account.last_sign_in_at)}</td>
            <td class="admin-actions">
                {(!own).then(|| if disabled {
                    view! { <button type="button" class="secondary" on:click=move |_| { change.dispatch((id.get_value(), "enable")); }>{text!("admin-turn-on")}</button> }.into_any()
                } else {
                    view! { <button type="button" class="secondary" on:click=move |_| { change.dispatch((id.get_value(), "disable")); }>{text!("admin-turn-off")}</button> }.into_any()
                })}
                {move || if confirming.get() {
                    let name = reset_name.clone();
                    view! {
                        <div class="confirm" role="group" aria-label=text!("admin-reset-second-step")>
                            <p>{tr!("admin-reset-confirm", name = name)}</p>
                            <button type="button" class="primary" on:click=move |_| { confirming.set(false); change.dispatch((id.get_value(), "reset-second-factor")); }>
                                {text!("admin-reset-second-step")}
                            </button>
                            <button type="button" class="secondary" on:click=move |_| confirming.set(false)>{text!("admin-cancel")}</button>
                        </div>
                    }.into_any()
                } else {
                    view! { <button type="button" class="secondary" on:click=move |_| confirming.set(true)>{text!("admin-reset-second-step")}</button> }.into_any()
                }}
            </td>
        </tr>
    }
}

#[component]
fn NewAccountForm(on_created: Callback<()>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let create = Action::new_local(move |new: &NewAccount| {
        let new = new.clone();
        async move {
            let result = api::post::<_, Vec<Account>>("/api/pharmacy/admin/accounts", &new, None).await;
            if result.is_ok() {
                username.set(String::new());
                display_name.set(String::new());
                password.set(String::new());
                admin.set(false);
                on_created.run(());
            }
            result.map(|_| new.display_name)
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        create.dispatch(NewAccount {
            username: username.get_untracked(),
            display_name: display_name.get_untracked(),
            password: password.get_untracked(),
            role: if admin.get_untracked() { Role::Admin } else { Role::Pharmacist },
        });
    };
    view! {
        <form class="admin-new-account" on:submit=on_submit aria-labelledby="admin-new-title">
            <h3 id="admin-new-title">{text!("admin-new-title")}</h3>
            <label for="admin-new-name">{text!("admin-new-name")}</label>
            <input id="admin-new-name" type="text" required maxlength="100" autocomplete="off" bind:value=display_name/>
            <label for="admin-new-username">{text!("admin-new-username")}</label>
            <p class="hint" id="admin-new-username-hint">{text!("admin-new-username-hint")}</p>
            <input id="admin-new-username" type="text" required maxlength="64" autocomplete="off" spellcheck="false"
                aria-describedby="admin-new-username-hint" bind:value=username/>
            <label for="admin-new-password">{text!("admin-new-password")}</label>
            <p class="hint" id="admin-new-password-hint">{text!("admin-new-password-hint")}</p>
            <input id="admin-new-password" type="password" required minlength="12" maxlength="128" autocomplete="new-password"
                aria-describedby="admin-new-password-hint" bind:value=password/>
            <label class="choice">
                <input type="checkbox" bind:checked=admin/>
                <span>{text!("admin-new-is-admin")}</span>
            </label>
            <div role="status">
                {move || create.value().get().map(|r| match r {
                    Ok(name) => view! { <p class="success">{tr!("admin-new-done", name = name)}</p> }.into_any(),
                    Err(e) => view! { <p class="error">{admin_error(&e)}</p> }.into_any(),
                })}
            </div>
            <button type="submit" class="primary" disabled=move || create.pending().get()>{text!("admin-new-submit")}</button>
        </form>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let sessions = LocalResource::new(|| api::get::<Vec<OpenSession>>("/api/pharmacy/admin/sessions", None));
    let end = Action::new_local(move |id: &String| {
        let path = format!("/api/pharmacy/admin/sessions/{id}/end");
        async move {
            let result = api::post_empty(&path).await;
            sessions.refetch();
            result
        }
    });
    view! {
        <section class="card" aria-labelledby="admin-sessions-title">
            <h2 id="admin-sessions-title">{text!("admin-sessions-title")}</h2>
            <p class="error" role="alert">{move || end.value().get().and_then(|r| r.err()).map(|e| admin_error(&e))}</p>
            {move || match sessions.get() {
                None => view! { <p aria-busy="true">{text!("loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{admin_error(&e)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <AdminTable heads=vec![text!("admin-account-name"), text!("admin-session-started"), text!("admin-session-seen"), text!("admin-account-actions")]>
                                {list.into_iter().map(|s| {
                                    let id = StoredValue::new(s.id.clone());
                                    view! {
                                        <tr data-testid="admin-session" data-username=s.username.clone()>
                                            <td>{s.display_name.clone()}<br/><span class="hint">{if s.second_factor_passed { tr!("admin-session-in") } else { tr!("admin-session-signing-in") }}</span></td>
                                            <td>{when(Some(s.started_at))}</td>
                                            <td>{when(Some(s.last_seen_at))}</td>
                                            <td>{if s.current {
                                                view! { <span>{text!("admin-session-this")}</span> }.into_any()
                                            } else {
                                                let label = tr!("admin-session-end-named", name = s.display_name.clone());
                                                view! { <button type="button" class="secondary" aria-label=label on:click=move |_| { end.dispatch(id.get_value()); }>{text!("admin-session-end")}</button> }.into_any()
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                    </AdminTable>
                }
                .into_any(),
            }}
        </section>
    }
}

/// Tenths of a degree as typed, e.g. "38.0" or "38,0" → 380.
fn parse_tenths(text: &str) -> Option<i32> {
    let value: f64 = text.trim().replace(',', ".").parse().ok()?;
    value.is_finite().then(|| (value * 10.0).round() as i32)
}

#[component]
fn SiteSettingsForm() -> impl IntoView {
    let site = LocalResource::new(|| api::get::<SiteChange>("/api/pharmacy/admin/site", None));
    view! {
        <section class="card" aria-labelledby="admin-site-title">
            <h2 id="admin-site-title">{text!("admin-site-title")}</h2>
            <p class="hint">{text!("admin-site-hint")}</p>
            {move || match site.get() {
                None => view! { <p aria-busy="true">{text!("loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{admin_error(&e)}</p> }.into_any(),
                Some(Ok(now)) => view! { <SiteFields now=now/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SiteFields(now: SiteChange) -> impl IntoView {
    let phone = RwSignal::new(now.phone.unwrap_or_default());
    let after_hours = RwSignal::new(now.after_hours_phone.unwrap_or_default());
    let fever = RwSignal::new(now.fever_threshold_c_tenths.map(|t| format!("{}.{}", t / 10, t % 10)).unwrap_or_default());
    let window = RwSignal::new(now.acknowledged_window_hours.map(|h| h.to_string()).unwrap_or_default());
    let save = Action::new_local(move |change: &SiteChange| {
        let change = change.clone();
        async move { api::put::<_, PharmacistInfo>("/api/pharmacy/admin/site", &change).await.map(|_| ()) }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SiteChange {
            phone: Some(phone.get_untracked()),
            after_hours_phone: Some(after_hours.get_untracked()),
            // Something that is not a number is sent as 0, which the server refuses with the bounds.
            fever_threshold_c_tenths: Some(parse_tenths(&fever.get_untracked()).unwrap_or(0)),
            acknowledged_window_hours: Some(window.get_untracked().trim().parse().unwrap_or(u32::MAX)),
        });
    };
    view! {
        <form on:submit=on_submit>
            <label for="admin-site-phone">{text!("admin-site-phone")}</label>
            <input id="admin-site-phone" type="tel" required maxlength="40" bind:value=phone/>
            <label for="admin-site-after-hours">{text!("admin-site-after-hours")}</label>
            <input id="admin-site-after-hours" type="tel" required maxlength="40" bind:value=after_hours/>
            <label for="admin-site-fever">{text!("admin-site-fever")}</label>
            <p class="hint" id="admin-site-fever-hint">{text!("admin-site-fever-hint")}</p>
            <input id="admin-site-fever" type="text" inputmode="decimal" required maxlength="5" aria-describedby="admin-site-fever-hint" bind:value=fever/>
            <label for="admin-site-window">{text!("admin-site-window")}</label>
            <p class="hint" id="admin-site-window-hint">{text!("admin-site-window-hint")}</p>
            <input id="admin-site-window" type="text" inputmode="numeric" required maxlength="3" aria-describedby="admin-site-window-hint" bind:value=window/>
            <div role="status">
                {move || save.value().get().map(|r| match r {
                    Ok(()) => view! { <p class="success">{text!("admin-site-saved")}</p> }.into_any(),
                    Err(e) => view! { <p class="error">{admin_error(&e)}</p> }.into_any(),
                })}
            </div>
            <button type="submit" class="primary" disabled=move || save.pending().get()>{text!("admin-site-submit")}</button>
        </form>
    }
}

fn outcome_text(outcome: &str) -> String {
    match outcome {
        "success" => tr!("admin-audit-success"),
        "limited" => tr!("admin-audit-limited"),
        _ => tr!("admin-audit-failure"),
    }
}

fn agent_text(entry: &AuditEntry) -> String {
    match (entry.agent_kind.as_str(), &entry.agent_name) {
        (_, Some(name)) => name.clone(),
        ("anonymous", None) => tr!("admin-audit-anonymous"),
        (kind, None) => kind.to_string(),
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let cursor = RwSignal::new(None::<String>);
    let load = Action::new_local(move |after: &Option<String>| {
        let path = match after {
            Some(c) => format!("/api/pharmacy/admin/audit?limit=50&cursor={c}"),
            None => "/api/pharmacy/admin/audit?limit=50".to_string(),
        };
        let first = after.is_none();
        async move {
            let page = api::get::<AuditPage>(&path, None).await?;
            entries.update(|list| {
                if first {
                    list.clear();
                }
                list.extend(page.entries);
            });
            cursor.set(page.next_cursor);
            Ok::<(), ApiError>(())
        }
    });
    load.dispatch(None);
    view! {
        <section class="card admin-audit" aria-labelledby="admin-audit-title">
            <div class="section-head">
                <h2 id="admin-audit-title">{text!("admin-audit-title")}</h2>
                <a class="button secondary" href="/api/pharmacy/admin/audit.csv?days=30" download="">{text!("admin-audit-export")}</a>
            </div>
            <p class="hint">{text!("admin-audit-hint")}</p>
            <p class="error" role="alert">{move || load.value().get().and_then(|r| r.err()).map(|e| admin_error(&e))}</p>
            <AdminTable heads=vec![text!("admin-audit-when"), text!("admin-audit-who"), text!("admin-audit-patient"),
                text!("admin-audit-what"), text!("admin-audit-outcome"), text!("admin-audit-from")]>
                        <For each=move || entries.get() key=|e| e.id let:entry>
                            <tr data-testid="audit-entry">
                                <td>{when(Some(entry.at))}</td>
                                <td>{agent_text(&entry)}</td>
                                <td>{entry.patient_name.clone().unwrap_or_default()}</td>
                                <td><code>{entry.action.clone()}</code></td>
                                <td>{outcome_text(&entry.outcome)}</td>
                                <td>{entry.source_ip.clone().unwrap_or_default()}</td>
                            </tr>
                        </For>
            </AdminTable>
            {move || cursor.get().map(|next| view! {
                <button type="button" class="secondary" disabled=move || load.pending().get()
                    on:click=move |_| { load.dispatch(Some(next.clone())); }>{text!("admin-audit-more")}</button>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_tenths;

    #[test]
    fn a_typed_threshold_reads_in_tenths_of_a_degree() {
        assert_eq!(parse_tenths("38.0"), Some(380));
        assert_eq!(parse_tenths(" 38,3 "), Some(383));
        assert_eq!(parse_tenths("37.55"), Some(376));
        assert_eq!(parse_tenths("warm"), None);
    }
}
