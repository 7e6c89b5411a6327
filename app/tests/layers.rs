//! The layout's one-way rule, checked on the source tree: pages → capability → infrastructure
//! (`server/`) → domain. Capability folders may use one another, but never in a circle; the
//! shared infrastructure and components use no capability; the domain core uses nothing of the
//! application at all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The sources of the checkout under test: `cargo test` names it at run time, and a test binary
/// reused from another checkout sharing the target directory would read that one's.
fn src() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// Every top-level folder of `src/` and the other folders its files name as `crate::<folder>`.
fn folder_imports() -> BTreeMap<String, BTreeSet<String>> {
    let folders: BTreeSet<String> = std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut edges = BTreeMap::new();
    for folder in &folders {
        let mut used = BTreeSet::new();
        for file in rust_files(&src().join(folder)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (i, _) in text.match_indices("crate::") {
                let name: String =
                    text[i + "crate::".len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if name != *folder && folders.contains(&name) {
                    used.insert(name);
                }
            }
        }
        edges.insert(folder.clone(), used);
    }
    edges
}

fn cycle_from(edges: &BTreeMap<String, BTreeSet<String>>, start: &str, path: &mut Vec<String>) -> Option<Vec<String>> {
    for next in &edges[start] {
        if let Some(i) = path.iter().position(|p| p == next) {
            let mut cycle = path[i..].to_vec();
            cycle.push(next.clone());
            return Some(cycle);
        }
        path.push(next.clone());
        if let Some(c) = cycle_from(edges, next, path) {
            return Some(c);
        }
        path.pop();
    }
    None
}

#[test]
fn capability_folders_import_each_other_without_circles() {
    let edges = folder_imports();
    assert!(edges.contains_key("tenders") && edges.contains_key("bids"), "the capability folders are found");
    for start in edges.keys() {
        let cycle = cycle_from(&edges, start, &mut vec![start.clone()]);
        assert!(cycle.is_none(), "import circle: {}", cycle.unwrap().join(" → "));
    }
}

#[test]
fn infrastructure_components_and_domain_use_no_capability() {
    let edges = folder_imports();
    assert_eq!(edges["domain"], BTreeSet::new(), "the domain core is pure");
    assert!(edges["server"].iter().all(|f| f == "domain"), "server/ is shared infrastructure: {:?}", edges["server"]);
    assert!(
        edges["components"].iter().all(|f| f == "domain"),
        "components are shared by every capability: {:?}",
        edges["components"]
    );
    for (folder, used) in &edges {
        if folder != "pages" {
            assert!(!used.contains("pages"), "{folder} uses pages; pages compose capabilities, not the reverse");
        }
    }
}
