//! The site admin's routes (issue #15 item 2), under `/api/pharmacy/admin`: accounts, sessions and the site's
//! settings. Each takes an [`AdminAuth`] (a pharmacist without the admin role gets 403 `forbidden`) and is limited
//! to the admin's site (another site's account or session is a 404); the work and its audit are in `crate::admin`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use carepath_domain::admin::{Account, NewAccount, OpenSession, SiteChange};

use super::peer_ip;
use crate::admin::{self, AccountChange};
use crate::auth::AdminAuth;
use crate::error::{ApiError, ApiJson};
use crate::AppState;

pub async fn accounts(State(state): State<AppState>, AdminAuth(me): AdminAuth) -> Result<ApiJson<Vec<Account>>, ApiError> {
    Ok(ApiJson(admin::accounts(&state.db, &me.site_id).await?))
}

pub async fn create_account(
    State(state): State<AppState>,
    AdminAuth(me): AdminAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(new): ApiJson<NewAccount>,
) -> Result<(StatusCode, ApiJson<Vec<Account>>), ApiError> {
    admin::create_account(&state.db, &me, &new, &peer_ip(&connect)).await?;
    Ok((StatusCode::CREATED, ApiJson(admin::accounts(&state.db, &me.site_id).await?)))
}

async fn change(state: AppState, me: crate::auth::PharmacistAuth, id: String, change: AccountChange, connect: ConnectInfo<SocketAddr>) -> Result<ApiJson<Vec<Account>>, ApiError> {
    admin::change_account(&state.db, &me, &id, change, &peer_ip(&connect)).await?;
    Ok(ApiJson(admin::accounts(&state.db, &me.site_id).await?))
}

pub async fn disable(State(state): State<AppState>, AdminAuth(me): AdminAuth, Path(id): Path<String>, connect: ConnectInfo<SocketAddr>) -> Result<ApiJson<Vec<Account>>, ApiError> {
    change(state, me, id, AccountChange::Disable, connect).await
}

pub async fn enable(State(state): State<AppState>, AdminAuth(me): AdminAuth, Path(id): Path<String>, connect: ConnectInfo<SocketAddr>) -> Result<ApiJson<Vec<Account>>, ApiError> {
    change(state, me, id, AccountChange::Enable, connect).await
}

pub async fn reset_second_factor(State(state): State<AppState>, AdminAuth(me): AdminAuth, Path(id): Path<String>, connect: ConnectInfo<SocketAddr>) -> Result<ApiJson<Vec<Account>>, ApiError> {
    change(state, me, id, AccountChange::ResetSecondFactor, connect).await
}

pub async fn sessions(State(state): State<AppState>, AdminAuth(me): AdminAuth) -> Result<ApiJson<Vec<OpenSession>>, ApiError> {
    Ok(ApiJson(admin::sessions(&state.db, &me).await?))
}

pub async fn end_session(State(state): State<AppState>, AdminAuth(me): AdminAuth, Path(id): Path<String>, connect: ConnectInfo<SocketAddr>) -> Result<StatusCode, ApiError> {
    admin::end_session(&state.db, &me, &id, &peer_ip(&connect)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn change_site(
    State(state): State<AppState>,
    AdminAuth(me): AdminAuth,
    connect: ConnectInfo<SocketAddr>,
    ApiJson(change): ApiJson<SiteChange>,
) -> Result<ApiJson<carepath_domain::sync::PharmacistInfo>, ApiError> {
    admin::change_site(&state.db, &me, &change, &peer_ip(&connect)).await?;
    Ok(ApiJson(super::pharmacy::pharmacist_info(&state, &me.pharmacist_id).await?))
}
