//! Signing in to the desk (issue #15 item 1): the password, then a code from an authenticator app or a recovery
//! code; at an account's first sign-in, setting the app up from a QR code and keeping ten recovery codes. Every
//! desk page shows this when the server answers 401; the error's code says which step is missing.

use carepath_domain::sign_in::{SecondFactorEnabled, SecondFactorPassed, SecondFactorRequest, SecondFactorSetup, SignInStep};
use carepath_domain::sync::{ErrorCode, LoginRequest};
use carepath_ui::api::{self, ApiError};
use carepath_ui::{text, tr};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// Where a sign-in stands.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Password,
    Code,
    SetUp,
    /// The second factor was just turned on: the recovery codes, shown once.
    RecoveryCodes(Vec<String>),
    /// Signed in with a recovery code: how many are left.
    RecoveryCodeUsed(u32),
}

impl Step {
    /// The step a page's 401 asks for.
    fn after(code: Option<ErrorCode>) -> Step {
        match code {
            Some(ErrorCode::SecondFactorRequired) => Step::Code,
            Some(ErrorCode::SecondFactorSetupRequired) => Step::SetUp,
            _ => Step::Password,
        }
    }
}

fn error_message(e: &ApiError) -> String {
    match e.code() {
        Some(ErrorCode::BadCredentials) => tr!("login-error-credentials"),
        Some(ErrorCode::BadSecondFactor) => tr!("second-factor-error-code"),
        Some(ErrorCode::AccountDisabled) => tr!("login-error-disabled"),
        Some(ErrorCode::TooManyAttempts) => tr!("error-too-many-attempts"),
        // The password-only session ran out (10 minutes): start again.
        Some(ErrorCode::Unauthorized) => tr!("second-factor-error-expired"),
        None => tr!("error-offline"),
        Some(_) => tr!("error-generic"),
    }
}

/// The sign-in card. `after`: the code of the 401 that brought the page here, so a session that passed the
/// password (e.g. after a reload) goes on at the code.
#[component]
pub(crate) fn Login(on_login: impl Fn() + Copy + Send + Sync + 'static, #[prop(optional)] after: Option<ErrorCode>) -> impl IntoView {
    let step = RwSignal::new(Step::after(after));
    // Giving up half-way ends the password-only session.
    let cancel = Action::new_local(move |_: &()| async move {
        let _ = api::post_empty("/api/pharmacy/logout").await;
        step.set(Step::Password);
    });
    let on_cancel = Callback::new(move |_: ()| {
        cancel.dispatch(());
    });
    move || match step.get() {
        Step::Password => view! { <PasswordStep step=step/> }.into_any(),
        Step::Code => view! { <CodeStep step=step on_login=Callback::new(move |_: ()| on_login()) on_cancel=on_cancel/> }.into_any(),
        Step::SetUp => view! { <SetUpStep step=step on_cancel=on_cancel/> }.into_any(),
        Step::RecoveryCodes(codes) => view! { <RecoveryCodes codes=codes on_done=Callback::new(move |_: ()| on_login())/> }.into_any(),
        Step::RecoveryCodeUsed(left) => view! {
            <section class="card narrow" aria-labelledby="login-title">
                <h1 id="login-title">{text!("second-factor-recovery-used-title")}</h1>
                <p>{move || tr!("second-factor-recovery-used", left = left)}</p>
                <button type="button" class="primary" on:click=move |_| on_login()>{text!("second-factor-continue")}</button>
            </section>
        }.into_any(),
    }
}

#[component]
fn PasswordStep(step: RwSignal<Step>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sign_in = Action::new_local(move |request: &LoginRequest| {
        let request = request.clone();
        async move {
            let answer = api::post::<_, SignInStep>("/api/pharmacy/login", &request, None).await;
            match &answer {
                Ok(SignInStep::SecondFactor) => step.set(Step::Code),
                Ok(SignInStep::SetUpSecondFactor) => step.set(Step::SetUp),
                Err(_) => password.set(String::new()),
            }
            answer.map(|_| ())
        }
    });
    let error = move || sign_in.value().get().and_then(|r| r.err()).map(|e| error_message(&e));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        sign_in.dispatch(LoginRequest { username: username.get_untracked(), password: password.get_untracked() });
    };
    view! {
        <section class="card narrow" aria-labelledby="login-title">
            <h1 id="login-title">{text!("login-title")}</h1>
            <form on:submit=on_submit>
                <label for="login-username">{text!("login-username")}</label>
                <input id="login-username" name="username" type="text" autocomplete="username" required bind:value=username/>
                <label for="login-password">{text!("login-password")}</label>
                <input id="login-password" name="password" type="password" autocomplete="current-password" required maxlength="128" bind:value=password/>
                <p class="error" role="alert">{error}</p>
                <button type="submit" class="primary" disabled=move || sign_in.pending().get()>{text!("login-submit")}</button>
            </form>
        </section>
    }
}

/// The code field, shared by the sign-in and the setup: six digits, or a recovery code when `recovery`.
#[component]
fn CodeField(code: RwSignal<String>, #[prop(into)] recovery: Signal<bool>) -> impl IntoView {
    view! {
        <label for="second-factor-code">
            {move || if recovery.get() { tr!("second-factor-recovery-label") } else { tr!("second-factor-code-label") }}
        </label>
        <p class="hint" id="second-factor-hint">
            {move || if recovery.get() { tr!("second-factor-recovery-hint") } else { tr!("second-factor-code-hint") }}
        </p>
        <input id="second-factor-code" name="code" type="text" required maxlength="40" spellcheck="false"
            autocomplete="one-time-code" aria-describedby="second-factor-hint"
            inputmode=move || if recovery.get() { "text" } else { "numeric" }
            autocapitalize=move || if recovery.get() { "characters" } else { "off" }
            bind:value=code/>
    }
}

#[component]
fn CodeStep(step: RwSignal<Step>, on_login: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let recovery = RwSignal::new(false);
    let verify = Action::new_local(move |request: &SecondFactorRequest| {
        let request = request.clone();
        async move {
            let answer = api::post::<_, SecondFactorPassed>("/api/pharmacy/second-factor", &request, None).await;
            match &answer {
                Ok(passed) if passed.used_recovery_code => step.set(Step::RecoveryCodeUsed(passed.recovery_codes_left)),
                Ok(_) => on_login.run(()),
                Err(ApiError::Server { code: ErrorCode::Unauthorized, .. }) => step.set(Step::Password),
                Err(_) => code.set(String::new()),
            }
            answer.map(|_| ())
        }
    });
    let error = move || verify.value().get().and_then(|r| r.err()).map(|e| error_message(&e));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        verify.dispatch(SecondFactorRequest { code: code.get_untracked() });
    };
    view! {
        <section class="card narrow" aria-labelledby="login-title">
            <h1 id="login-title">{text!("second-factor-title")}</h1>
            <form on:submit=on_submit>
                <CodeField code=code recovery=recovery/>
                <p class="error" role="alert">{error}</p>
                <button type="submit" class="primary" disabled=move || verify.pending().get()>{text!("login-submit")}</button>
            </form>
            <p class="sign-in-other">
                <button type="button" class="link" on:click=move |_| { recovery.update(|r| *r = !*r); code.set(String::new()); }>
                    {move || if recovery.get() { tr!("second-factor-use-app") } else { tr!("second-factor-use-recovery") }}
                </button>
            </p>
            <p class="hint">{text!("second-factor-lost-phone")}</p>
            <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{text!("second-factor-cancel")}</button>
        </section>
    }
}

#[component]
fn SetUpStep(step: RwSignal<Step>, on_cancel: Callback<()>) -> impl IntoView {
    let setup = LocalResource::new(|| api::get::<SecondFactorSetup>("/api/pharmacy/second-factor/setup", None));
    let code = RwSignal::new(String::new());
    let enable = Action::new_local(move |request: &SecondFactorRequest| {
        let request = request.clone();
        async move {
            let answer = api::post::<_, SecondFactorEnabled>("/api/pharmacy/second-factor/setup", &request, None).await;
            match &answer {
                Ok(enabled) => step.set(Step::RecoveryCodes(enabled.recovery_codes.clone())),
                Err(ApiError::Server { code: ErrorCode::Unauthorized, .. }) => step.set(Step::Password),
                Err(_) => code.set(String::new()),
            }
            answer.map(|_| ())
        }
    });
    let error = move || enable.value().get().and_then(|r| r.err()).map(|e| error_message(&e));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        enable.dispatch(SecondFactorRequest { code: code.get_untracked() });
    };
    view! {
        <section class="card narrow second-factor-setup" aria-labelledby="login-title">
            <h1 id="login-title">{text!("second-factor-setup-title")}</h1>
            <p>{text!("second-factor-setup-intro")}</p>
            {move || match setup.get() {
                None => view! { <p aria-busy="true">{text!("loading")}</p> }.into_any(),
                Some(Err(e)) => {
                    if e.code() == Some(ErrorCode::Unauthorized) {
                        step.set(Step::Password);
                    }
                    view! { <p class="error" role="alert">{error_message(&e)}</p> }.into_any()
                }
                Some(Ok(setup)) => view! {
                    <ol class="setup-steps">
                        <li>
                            <p>{text!("second-factor-setup-scan")}</p>
                            // The server draws the QR code as SVG (no outside service): a picture with a name.
                            <div class="totp-qr" role="img" aria-label=text!("second-factor-setup-qr-label") inner_html=setup.qr_svg></div>
                        </li>
                        <li>
                            <p>{text!("second-factor-setup-key")}</p>
                            <p><code class="totp-secret" data-testid="totp-secret">{setup.secret}</code></p>
                        </li>
                        <li>
                            <form on:submit=on_submit>
                                <CodeField code=code recovery=Signal::stored(false)/>
                                <p class="error" role="alert">{error}</p>
                                <button type="submit" class="primary" disabled=move || enable.pending().get()>{text!("second-factor-setup-submit")}</button>
                            </form>
                        </li>
                    </ol>
                }.into_any(),
            }}
            <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{text!("second-factor-cancel")}</button>
        </section>
    }
}

#[component]
fn RecoveryCodes(codes: Vec<String>, on_done: Callback<()>) -> impl IntoView {
    let kept = RwSignal::new(false);
    view! {
        <section class="card narrow recovery-codes" aria-labelledby="login-title">
            <h1 id="login-title">{text!("second-factor-codes-title")}</h1>
            <p>{text!("second-factor-codes-intro")}</p>
            <ol class="recovery-code-list" data-testid="recovery-codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
            <p>
                <button type="button" class="secondary" on:click=move |_| { let _ = window().print(); }>{text!("second-factor-codes-print")}</button>
            </p>
            <label class="choice codes-kept">
                <input type="checkbox" bind:checked=kept/>
                <span>{text!("second-factor-codes-kept")}</span>
            </label>
            <button type="button" class="primary" disabled=move || !kept.get() on:click=move |_| on_done.run(())>
                {text!("second-factor-continue")}
            </button>
        </section>
    }
}
