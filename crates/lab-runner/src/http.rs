//! The router: every request passes the Host and Origin checks, every
//! /api request the token; then the API's handlers, or the book's files.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::allowlist::Allowlist;
use crate::auth::{self, Token};
use crate::labenv;
use crate::pod;
use crate::runs::{Refusal, Registry};
use crate::static_book;

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    pub token: Token,
    pub port: u16,
    pub book: PathBuf,
    pub allowlist: Arc<Allowlist>,
    pub runs: Arc<Registry>,
}

pub fn router(app: App) -> Router {
    Router::new()
        .route("/api/catalog", get(catalog))
        .route("/api/runs", post(start))
        .route("/api/runs/{run}/events", get(events))
        .route("/api/runs/{run}/stop", post(stop))
        .route("/api/runs/{run}/pod", get(pod_view))
        .route("/api/pages/{page}/close", post(close))
        .route("/api", any(no_such_api))
        .route("/api/{*rest}", any(no_such_api))
        .fallback(book)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// A JSON error body.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let mut response = (status, Json(json!({"error": message.into()}))).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn header_str(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Host, Origin and (for /api) the token; OPTIONS never passes: there is
/// no CORS here, for anyone.
async fn guard(State(app): State<App>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if !auth::host_allowed(header_str(headers, header::HOST), app.port) {
        return error(
            StatusCode::FORBIDDEN,
            format!(
                "wrong Host: the runner answers only to 127.0.0.1:{0} and localhost:{0}",
                app.port
            ),
        );
    }
    let origin = match headers.get(header::ORIGIN) {
        None => None,
        Some(value) => match value.to_str() {
            Ok(text) => Some(text),
            Err(_) => return error(StatusCode::FORBIDDEN, "unreadable Origin"),
        },
    };
    if !auth::origin_allowed(origin, app.port) {
        return error(
            StatusCode::FORBIDDEN,
            "another site may not use the runner: open the book from the runner's own address",
        );
    }
    if request.method() == Method::OPTIONS {
        return error(StatusCode::METHOD_NOT_ALLOWED, "no CORS here");
    }
    let path = request.uri().path().to_string();
    let is_api = path == "/api" || path.starts_with("/api/");
    if is_api {
        let given = auth::given_token(
            header_str(headers, auth::TOKEN_HEADER),
            request.method().as_str(),
            &path,
            request.uri().query(),
        );
        if !given.is_some_and(|t| app.token.matches(t)) {
            return error(
                StatusCode::FORBIDDEN,
                "missing or wrong token: reload the page (was the runner restarted?)",
            );
        }
    }
    let mut response = next.run(request).await;
    if is_api {
        let headers = response.headers_mut();
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    response
}

async fn book(State(app): State<App>, method: Method, uri: axum::http::Uri) -> Response {
    static_book::serve(&app.book, app.token.hex(), &method, &uri).await
}

async fn no_such_api() -> Response {
    error(StatusCode::NOT_FOUND, "no such API")
}

async fn catalog(State(app): State<App>) -> Response {
    Json(app.allowlist.items()).into_response()
}

#[derive(Deserialize)]
struct StartRequest {
    id: String,
    page: String,
}

async fn start(State(app): State<App>, body: Bytes) -> Response {
    let request: StartRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!(
                    "the body must be JSON {{\"id\": \"<lab>/<transcript>\", \"page\": \"<page id>\"}}: {e}"
                ),
            );
        }
    };
    match app.runs.start(&request.id, &request.page) {
        Ok(run) => (StatusCode::CREATED, Json(json!({"run": run}))).into_response(),
        Err(refusal) => refused(refusal),
    }
}

fn refused(refusal: Refusal) -> Response {
    let (status, message) = match refusal {
        Refusal::BadPage => (
            StatusCode::BAD_REQUEST,
            "page must be 1 to 64 letters, digits or '-'".to_string(),
        ),
        Refusal::Unknown => (
            StatusCode::NOT_FOUND,
            "no runnable transcript has this id: see /api/catalog".to_string(),
        ),
        Refusal::NeedsRoot => (
            StatusCode::FORBIDDEN,
            labenv::needs_root_message().to_string(),
        ),
        Refusal::CannotRun(why) => (StatusCode::SERVICE_UNAVAILABLE, why),
        Refusal::PageBusy => (
            StatusCode::CONFLICT,
            "this page already has a run going: stop it first".to_string(),
        ),
        Refusal::Full => (
            StatusCode::TOO_MANY_REQUESTS,
            "too many runs at once: wait until one ends".to_string(),
        ),
        Refusal::ShuttingDown => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the runner is stopping".to_string(),
        ),
        Refusal::Internal(why) => (StatusCode::INTERNAL_SERVER_ERROR, why),
    };
    error(status, message)
}

fn no_such_run() -> Response {
    error(StatusCode::NOT_FOUND, "no such run (it ended a while ago?)")
}

async fn events(State(app): State<App>, Path(run): Path<String>, headers: HeaderMap) -> Response {
    let Some(run) = app.runs.get(&run) else {
        return no_such_run();
    };
    // A reconnecting EventSource says the last event it saw.
    let from = header_str(&headers, "last-event-id")
        .and_then(|id| id.trim().parse::<usize>().ok())
        .map_or(0, |id| id + 1);
    let stream = run.events.clone().stream(from);
    let sse: Sse<_> = Sse::new(stream);
    let mut response = sse
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(1)))
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn stop(State(app): State<App>, Path(run): Path<String>) -> Response {
    let Some(run) = app.runs.get(&run) else {
        return no_such_run();
    };
    run.stop();
    Json(json!({"status": "stopping"})).into_response()
}

async fn pod_view(State(app): State<App>, Path(run): Path<String>) -> Response {
    let Some(run) = app.runs.get(&run) else {
        return no_such_run();
    };
    let dir = run.place.state_dir.clone();
    match tokio::task::spawn_blocking(move || pod::view(&dir)).await {
        Ok(view) => Json(view).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn close(State(app): State<App>, Path(page): Path<String>) -> Response {
    app.runs.close_page(&page);
    Json(json!({"status": "closed"})).into_response()
}
