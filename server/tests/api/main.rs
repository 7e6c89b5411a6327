//! Integration tests over HTTP against a real database, in one binary with one `spawn_app()`
//! (`support`) and a module per capability. Every test runs on SQLite and, when
//! `CAIPING_TEST_PG_URL` points at a PostgreSQL server (as `make test` arranges), on a fresh
//! PostgreSQL database too.

mod access;
mod accounts;
mod audit_chain;
mod backup;
mod bids;
mod calls;
mod clarifications;
mod crash;
mod evaluation;
mod experts;
mod flow;
mod instances;
mod lifecycle;
mod opening;
mod ownership;
mod panels_per_lot;
mod platform;
mod profiles;
mod schemes;
mod security;
mod support;
mod tenders;

use app::domain::money::Yuan;
use app::identity::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::api::{Access, ROUTES};
use sqlx::Row;
use support::{backends, spawn_app, spawn_app_with, TestApp};

const ALL: [Role; 5] = Role::ALL;

fn demo_user(role: Role) -> &'static str {
    match role {
        Role::Officer => "officer",
        Role::Bidder => "ngo-yangguang",
        Role::Expert => "expert-zhou",
        Role::Auditor => "auditor",
        Role::Admin => "admin",
    }
}

/// Calls a catalogued route the way a client would: `{id}` filled in, the route's example body.
async fn call(app: &TestApp, client: &reqwest::Client, route: &server::api::RouteDoc) -> reqwest::Response {
    let url = format!("{}/api/v1{}", app.base, route.path.replace("{id}", "suzhou-street-4plus1"));
    let req = match route.method {
        "get" => client.get(url),
        "post" => client.post(url),
        "delete" => client.delete(url),
        other => panic!("method {other}"),
    };
    let req = match (route.path, route.example) {
        // A derived template: the shipped Suzhou one under a new id.
        ("/templates/validate", _) | ("/templates", _) if route.method == "post" => {
            let t = app::domain::template::builtin_by_id("suzhou-street-4plus1").unwrap().derive(
                &format!("derived-{}", uuid::Uuid::new_v4().simple()),
                app::domain::template::Text { zh: "派生".into(), en: "Derived".into() },
            );
            req.json(&t)
        }
        // Signing in as nobody in particular, so the matrix keeps its sessions.
        ("/session", _) => req.json(&json!({"username": "nobody", "password": "wrong-password"})),
        (_, Some(example)) => req.header("content-type", "application/json").body(example),
        (_, None) if route.method == "get" => req,
        (_, None) => req.json(&json!({})),
    };
    req.send().await.expect("request")
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}
