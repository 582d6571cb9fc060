//! The app PIN (issue #15 item 9, "phone data at rest"): optional, set at `/pin` ("Lock this app with a PIN").
//! With a PIN, what the app stores on the phone is encrypted (`outbox.js`: the keys, and what stays in clear), the
//! app opens locked at every start and locks after [`LOCK_AFTER`] without a touch or a key (on screen or hidden).
//! The lock screen asks for the PIN and keeps, below it, the "Call right away" block with the site's numbers
//! (saved in clear for the static shell: `shell.rs`); records that wait are counted (an index count, nothing read)
//! and go once the app is unlocked: syncing needs the tokens, which are encrypted too. A forgotten PIN cannot be
//! recovered: "Forgot the PIN?" says what deleting loses, then deletes what the app keeps (the phone then connects
//! again with a new code).

use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use carepath_ui::format;
use carepath_ui::i18n::current;
use carepath_ui::{text, tr};

use crate::device::{Device, Lock};
use crate::outbox::{self, PinState};

/// Without a touch or a key for this long (the app on screen or not), an app with a PIN locks.
pub const LOCK_AFTER: Duration = Duration::from_secs(5 * 60);
/// [`LOCK_AFTER`] in minutes, for the words.
fn lock_minutes() -> u32 {
    (LOCK_AFTER.as_secs() / 60) as u32
}

/// How often the idle time is looked at while the app is open.
const CHECK_EVERY: Duration = Duration::from_secs(10);

/// Locks the app after [`LOCK_AFTER`] without input. Call once, where the device is made.
pub fn lock_when_idle(device: Device) {
    let last = std::rc::Rc::new(std::cell::Cell::new(js_sys::Date::now()));
    for name in ["pointerdown", "keydown", "touchstart", "wheel"] {
        let last = last.clone();
        gloo::events::EventListener::new(&window(), name, move |_| last.set(js_sys::Date::now())).forget();
    }
    let check = move || {
        if device.lock.get_untracked() == Lock::Open && js_sys::Date::now() - last.get() >= LOCK_AFTER.as_millis() as f64 {
            device.lock_now();
        }
    };
    let on_timer = check.clone();
    gloo::timers::callback::Interval::new(CHECK_EVERY.as_millis() as u32, on_timer).forget();
    // A phone taken out of a pocket: the timers of a hidden page may have slept.
    gloo::events::EventListener::new(&document(), "visibilitychange", move |_| check()).forget();
}

/// The time until which no PIN is tried, if it is still ahead.
fn wait_until(state: &PinState) -> Option<DateTime<Utc>> {
    (state.wait_until > js_sys::Date::now()).then(|| DateTime::from_timestamp_millis(state.wait_until as i64)).flatten()
}

/// What a refused PIN is told: wrong, or wrong too often (then when to try again).
fn refused_text(state: &PinState) -> String {
    match wait_until(state) {
        Some(at) => tr!("lock-wait", count = state.failures, time = format::time(at, &current())),
        None => tr!("lock-wrong"),
    }
}

/// Waits out a wait on wrong PINs, then clears `until` (the button works again).
fn end_wait_later(until: RwSignal<Option<DateTime<Utc>>>) {
    if let Some(at) = until.get_untracked() {
        let ms = (at.timestamp_millis() as f64 - js_sys::Date::now()).max(0.0) + 200.0;
        gloo::timers::callback::Timeout::new(ms as u32, move || until.set(None)).forget();
    }
}

/// A PIN field: digits on a phone's keypad, hidden as typed, pasting and password managers allowed.
#[component]
fn PinField(id: &'static str, label: Signal<String>, value: RwSignal<String>, new: bool, #[prop(optional)] hint: Option<Signal<String>>, error_id: &'static str) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let described = match &hint_id {
        Some(h) => format!("{h} {error_id}"),
        None => error_id.to_string(),
    };
    view! {
        <label for=id>{label}</label>
        {hint.zip(hint_id).map(|(words, hid)| view! { <p class="hint" id=hid>{words}</p> })}
        <input id=id type="password" inputmode="numeric" pattern="[0-9]*" maxlength="8"
            autocomplete=if new { "new-password" } else { "current-password" }
            class="pin-input" aria-describedby=described bind:value=value/>
    }
}

/// The locked app: the PIN, what waits, "Forgot the PIN?", and the call block.
#[component]
pub fn LockScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let until = RwSignal::new(None::<DateTime<Utc>>);
    let forgot = RwSignal::new(false);
    // A wait still running from before a reload is said at once.
    spawn_local(async move {
        if let Ok(state) = outbox::pin_state().await {
            if wait_until(&state).is_some() {
                until.set(wait_until(&state));
                error.set(Some(refused_text(&state)));
                end_wait_later(until);
            }
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || until.get_untracked().is_some() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match device.unlock(&pin.get_untracked()).await {
                Ok(state) if state.open => {}
                Ok(state) => {
                    pin.set(String::new());
                    until.set(wait_until(&state));
                    end_wait_later(until);
                    error.set(Some(refused_text(&state)));
                    crate::patient::focus_soon("pin-unlock".into());
                }
                Err(_) => error.set(Some(tr!("forgot-failed"))),
            }
            busy.set(false);
        });
    };
    let waiting = move || {
        let n = device.waiting.get();
        (n > 0).then(|| view! { <p class="hint" data-testid="lock-waiting">{tr!("lock-waiting", count = n)}</p> })
    };
    view! {
        <section class="card narrow lock-screen" aria-labelledby="lock-title" data-testid="lock-screen">
            <h1 id="lock-title">{text!("lock-title")}</h1>
            <Show when=move || !forgot.get() fallback=move || view! { <ForgotPin back=forgot/> }>
                <p>{text!("lock-intro")}</p>
                <form on:submit=on_submit novalidate>
                    <PinField id="pin-unlock" label=text!("pin-label") value=pin new=false error_id="pin-unlock-error"/>
                    <p id="pin-unlock-error" class="error" role="alert">{move || error.get()}</p>
                    <button type="submit" class="primary wide" disabled=move || busy.get() || until.get().is_some()>
                        {move || if busy.get() { tr!("lock-busy") } else { tr!("lock-submit") }}
                    </button>
                </form>
                {waiting}
                <button type="button" class="secondary wide" on:click=move |_| forgot.set(true)>{text!("lock-forgot")}</button>
            </Show>
        </section>
        <LockedCallNow/>
    }
}

/// "Forgot the PIN?": what deleting loses, then deleting what the app keeps on this phone.
#[component]
fn ForgotPin(back: RwSignal<bool>) -> impl IntoView {
    let device = expect_context::<Device>();
    let failed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let erase = move |_| {
        busy.set(true);
        spawn_local(async move {
            if device.erase().await.is_err() {
                failed.set(true);
            }
            busy.set(false);
        });
    };
    view! {
        <h2>{text!("forgot-title")}</h2>
        <p>{text!("forgot-intro")}</p>
        <p>{text!("forgot-sent-stays")}</p>
        {move || {
            let n = device.waiting.get();
            (n > 0).then(|| view! { <p class="error" data-testid="forgot-unsent" data-count=n.to_string()>{tr!("forgot-unsent", count = n)}</p> })
        }}
        <p class="error" role="alert">{move || failed.get().then(|| tr!("forgot-failed"))}</p>
        <div class="actions stacked">
            <button type="button" class="primary wide" on:click=move |_| back.set(false)>{text!("forgot-back")}</button>
            <button type="button" class="danger wide" data-testid="forgot-delete" disabled=move || busy.get() on:click=erase>
                {move || tr!("forgot-delete", count = device.waiting.get())}
            </button>
        </div>
    }
}

/// The "Call right away" block from the site's numbers saved in clear (the profile is locked).
#[component]
fn LockedCallNow() -> impl IntoView {
    crate::shell::saved_call_numbers().map(|(site, fever)| view! { <crate::patient::CallNow site=site fever_c_tenths=fever/> })
}

/// `/pin`: turning the PIN on (entered twice) or, once on, locking now and turning it off.
#[component]
pub fn PinScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    let done = RwSignal::new(None::<String>);
    view! {
        <section class="card narrow pin-settings" aria-labelledby="pin-title">
            {move || match device.lock.get() {
                Lock::Open => view! { <PinIsOn done=done/> }.into_any(),
                _ => view! { <SetPin done=done/> }.into_any(),
            }}
            <p role="status" data-testid="pin-done">{move || done.get()}</p>
            <A href="/" attr:class="button secondary wide">{text!("nav-today")}</A>
        </section>
    }
}

#[component]
fn SetPin(done: RwSignal<Option<String>>) -> impl IntoView {
    let device = expect_context::<Device>();
    let first = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (a, b) = (first.get_untracked(), again.get_untracked());
        let problem = if !outbox::pin_ok(&a) {
            Some(("pin-new", tr!("pin-error-digits")))
        } else if a != b {
            Some(("pin-again", tr!("pin-error-different")))
        } else {
            None
        };
        if let Some((field, words)) = problem {
            error.set(Some(words));
            crate::patient::focus_soon(field.into());
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match device.set_pin(&a).await {
                Ok(()) => done.set(Some(tr!("pin-on-done"))),
                Err(_) => error.set(Some(tr!("forgot-failed"))),
            }
            busy.set(false);
        });
    };
    let sending = RwSignal::new(false);
    let send_now = move |_| {
        sending.set(true);
        spawn_local(async move {
            device.sync_and_wait().await;
            sending.set(false);
        });
    };
    view! {
        <h1 id="pin-title">{text!("pin-title")}</h1>
        <p>{text!("pin-intro")}</p>
        <p>{move || tr!("pin-when", minutes = lock_minutes())}</p>
        <p>{text!("pin-call-now-stays")}</p>
        <p class="pin-warning"><strong>{text!("pin-forget-warning")}</strong></p>
        {move || {
            let n = device.waiting.get();
            (n > 0).then(|| view! {
                <p data-testid="pin-waiting">{tr!("pin-waiting", count = n)}</p>
                <button type="button" class="secondary wide" disabled=move || sending.get() on:click=send_now>{text!("pin-send-now")}</button>
            })
        }}
        <form on:submit=on_submit novalidate>
            <PinField id="pin-new" label=text!("pin-new-label") value=first new=true hint=text!("pin-new-hint") error_id="pin-set-error"/>
            <PinField id="pin-again" label=text!("pin-again-label") value=again new=true error_id="pin-set-error"/>
            <p id="pin-set-error" class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary wide" disabled=move || busy.get()>
                {move || if busy.get() { tr!("pin-busy") } else { tr!("pin-turn-on") }}
            </button>
        </form>
    }
}

#[component]
fn PinIsOn(done: RwSignal<Option<String>>) -> impl IntoView {
    let device = expect_context::<Device>();
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let until = RwSignal::new(None::<DateTime<Utc>>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || until.get_untracked().is_some() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match device.remove_pin(&pin.get_untracked()).await {
                Ok(state) if !state.set => done.set(Some(tr!("pin-off-done"))),
                Ok(state) => {
                    pin.set(String::new());
                    until.set(wait_until(&state));
                    end_wait_later(until);
                    error.set(Some(refused_text(&state)));
                }
                Err(_) => error.set(Some(tr!("forgot-failed"))),
            }
            busy.set(false);
        });
    };
    view! {
        <h1 id="pin-title">{text!("pin-on-title")}</h1>
        <p>{move || tr!("pin-when", minutes = lock_minutes())}</p>
        <button type="button" class="primary wide" data-testid="lock-now" on:click=move |_| device.lock_now()>{text!("pin-lock-now")}</button>
        <h2>{text!("pin-off-title")}</h2>
        <p>{text!("pin-off-intro")}</p>
        <form on:submit=on_submit novalidate>
            <PinField id="pin-off" label=text!("pin-label") value=pin new=false error_id="pin-off-error"/>
            <p id="pin-off-error" class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="secondary wide" disabled=move || busy.get() || until.get().is_some()>{text!("pin-turn-off")}</button>
        </form>
    }
}
