use super::{Access, ROUTES};
use app::server::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(openapi))
}

/// The OpenAPI 3.1 document of the routes mounted on this instance, built from the same
/// catalogue the route tests walk.
pub fn document(test_mode: bool, secure_cookies: bool) -> Value {
    let mut paths = Map::new();
    for route in ROUTES.iter().filter(|r| test_mode || !r.test_mode_only) {
        let mut op = json!({
            "summary": route.summary,
            "responses": {
                "200": { "description": "OK" },
                "401": { "description": "Not signed in", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                "403": { "description": "Role not allowed", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                "422": { "description": "Invalid input", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        });
        let (security, roles): (Value, Vec<&str>) = match route.access {
            Access::Public => (json!([]), vec![]),
            Access::AnySignedIn => (json!([{ "session": [] }]), vec![]),
            Access::Roles(r) => (json!([{ "session": [] }]), r.iter().map(|r| r.as_str()).collect()),
        };
        op["security"] = security;
        if let Some(example) = route.example {
            let example: Value = serde_json::from_str(example).expect("route examples are valid JSON");
            op["requestBody"] = json!({ "required": true, "content": { "application/json": { "example": example } } });
        }
        op["x-roles"] = json!(roles);
        let entry = paths.entry(format!("/api/v1{}", route.path)).or_insert_with(|| json!({}));
        entry[route.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "caiping API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "采评 caiping — JSON API. Errors carry a stable `code`; money is a decimal string in yuan; instants are UTC epoch milliseconds."
        },
        "paths": paths,
        "components": {
            "securitySchemes": { "session": { "type": "apiKey", "in": "cookie", "name": app::server::auth::session_cookie_name(secure_cookies) } },
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "code": { "type": "string" },
                                "message": { "type": "string" },
                                "fields": { "type": "array", "items": { "type": "object", "properties": {
                                    "field": { "type": "string" }, "code": { "type": "string" },
                                    "message_zh": { "type": "string" }, "message_en": { "type": "string" } } } }
                            },
                            "required": ["code", "message"]
                        }
                    }
                }
            }
        }
    })
}

async fn openapi(State(state): State<AppState>) -> Json<Value> {
    Json(document(state.settings.test_mode, state.settings.secure_cookies))
}
