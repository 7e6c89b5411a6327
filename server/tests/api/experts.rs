//! The expert pool: the pool manager's import from an Excel workbook or a CSV file.

use super::*;

/// A valid citizen ID number for the day `day` of 1985 (check character computed).
fn id_number(day: u32) -> String {
    let first = format!("32050519850{:03}{:03}", 100 + day, 4);
    let first = &first[..17];
    format!("{first}{}", app::domain::roster::id_check_character(first).unwrap())
}

/// An .xlsx workbook of `rows`, the first one the header; cells that parse as numbers are
/// written as numbers, as a spreadsheet user typing a region code would have them.
fn workbook(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if cell.len() < 10 => sheet.write_number(r as u32, c as u16, n).unwrap(),
                _ => sheet.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

fn header() -> Vec<String> {
    app::domain::evaluation::pool::IMPORT_COLUMNS.iter().map(|c| c.to_string()).collect()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

async fn import_file(app: &TestApp, client: &reqwest::Client, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    client.post(format!("{}/api/import_experts_file", app.base)).multipart(form).send().await.unwrap()
}

fn codes(body: &Value) -> Vec<(String, String)> {
    body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap().to_string(), f["code"].as_str().unwrap().to_string()))
        .collect()
}

/// The pool manager uploads the pool as a workbook: every row is checked like the expert's own
/// form and a bad row, named by its spreadsheet row, refuses the whole file; a good workbook
/// makes the accounts (numbers typed as numbers read as codes), and a CSV file works the same.
/// Only the pool manager may import.
#[tokio::test]
async fn the_pool_manager_imports_experts_from_a_workbook_or_a_csv_file() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let admin = app.signed_in(Role::Admin).await;
        let (a, b) = (id_number(1), id_number(2));

        // Row 4 (a blank row 3 between) has a bad ID number: nothing is imported.
        let bad = workbook(&[
            header(),
            row(&["expert-qian", "钱专家", &a, "公益服务类", "320500", "苏州大学", "", "", ""]),
            row(&[]),
            row(&["expert-sun2", "孙专家", "123", "社会工作", "", "", "", "", ""]),
        ]);
        let res = import_file(&app, &admin, "pool.xlsx", bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(codes(&body), [("line[4].id_number".to_string(), "id_number_invalid".to_string())]);
        assert!(body["detail"][0]["message_zh"].as_str().unwrap().starts_with("第4行"));
        let pool: Value = flow::sf(&app, &admin, "expert_pool", &[]).await.json().await.unwrap();
        assert!(!pool.to_string().contains("钱专家"), "nothing of a refused file is imported");

        let good = workbook(&[
            header(),
            row(&["expert-qian", "钱专家", &a, "公益服务类,社会工作", "320500", "苏州大学", "", "", ""]),
            row(&["expert-sun2", "孙专家", &b, "社会工作", "440300", "", "", "", "|52320594MJ5967890H"]),
        ]);
        let res = import_file(&app, &admin, "pool.xlsx", good).await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let made: Value = res.json().await.unwrap();
        assert_eq!(made.as_array().unwrap().len(), 2);
        assert!(made[0]["initial_password"].as_str().is_some_and(|p| p.len() == 12));
        let pool: Value = flow::sf(&app, &admin, "expert_pool", &[]).await.json().await.unwrap();
        let qian = pool.as_array().unwrap().iter().find(|e| e["username"] == "expert-qian").unwrap().clone();
        assert_eq!(qian["region_code"], "320500", "a region code typed as a number reads as the code");
        assert_eq!(qian["categories"].as_array().unwrap().len(), 2);
        assert!(!qian.to_string().contains(&a), "the ID number is masked");
        let password = made[0]["initial_password"].as_str().unwrap();
        app.sign_in_as("expert-qian", password).await;

        // The same columns as a CSV file (with a byte-order mark, as Excel saves it) update a profile.
        let csv = format!("\u{feff}{}\nexpert-qian,钱专家,{a},法律,320500,苏州大学,,,\n", header().join(","));
        let res = import_file(&app, &admin, "pool.csv", csv.into_bytes()).await;
        assert_eq!(res.status(), StatusCode::OK);
        let made: Value = res.json().await.unwrap();
        assert!(made[0]["initial_password"].is_null(), "an existing expert keeps the password");

        // Files that are not an import.
        for (name, bytes, code) in [
            ("old.xls", vec![0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0], "import_format"),
            ("broken.xlsx", b"PK\x03\x04 not really a workbook".to_vec(), "import_format"),
            ("other.xlsx", workbook(&[row(&["name", "username"])]), "import_columns"),
        ] {
            let res = import_file(&app, &admin, name, bytes).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(codes(&body), [("file".to_string(), code.to_string())], "{name}");
        }
        // The server functions' body limit (1 MB) holds for a file too.
        let res = import_file(&app, &admin, "big.csv", vec![b'a'; 1024 * 1024 + 1]).await;
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let empty = reqwest::multipart::Form::new().text("other", "x");
        let res = admin.post(format!("{}/api/import_experts_file", app.base)).multipart(empty).send().await.unwrap();
        let body: Value = res.json().await.unwrap();
        assert_eq!(codes(&body), [("file".to_string(), "import_file_missing".to_string())]);

        // Nobody else imports; the audit log has each imported profile.
        let officer = app.signed_in(Role::Officer).await;
        let res = import_file(&app, &officer, "pool.xlsx", workbook(&[header()])).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let audit = app.audit().await.to_string();
        assert!(audit.contains("expert.import"));
    }
}
