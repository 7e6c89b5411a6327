//! What a technical proposal shows of its author, for the blind scan
//! (`app::domain::blind::scan`): a PDF's document properties, its XMP metadata and each page's
//! text; in a zip package, the same for each PDF inside. Bounded so that a hostile file costs
//! little: pages and decompressed bytes are capped, a package's PDFs are read up to a size, and
//! a PDF the reader cannot parse (or that makes it panic) yields nothing rather than an error —
//! the scan is an aid to the purchaser, not a gate on well-formed uploads.

use lopdf::Document;
use std::io::{Read, Seek};

/// Pages read per PDF; a proposal's identity shows on its first pages if anywhere.
const PAGES: u32 = 200;
/// Decompressed bytes per page stream.
const PAGE_BYTES: usize = 8 * 1024 * 1024;
/// A PDF inside a package is read into memory up to this size.
const ENTRY_BYTES: u64 = 32 * 1024 * 1024;

const PROPERTIES: [(&[u8], &str); 6] = [
    (b"Author", "作者"),
    (b"Creator", "创建程序"),
    (b"Producer", "生成程序"),
    (b"Title", "标题"),
    (b"Subject", "主题"),
    (b"Keywords", "关键词"),
];

/// At most this many files are scanned at once: a parsed PDF costs a few times its size in
/// memory, and a deadline rush must stay within the server's memory goal.
static SCANS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Scans a spooled PDF (or, `zip`, a package of them) for `who`, off the async threads and
/// queued behind [`SCANS`].
pub async fn scan_file(
    who: app::domain::blind::Identity,
    path: std::path::PathBuf,
    zip: bool,
) -> Result<Vec<app::domain::blind::Hit>, String> {
    let _permit = SCANS.acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || -> Result<Vec<app::domain::blind::Hit>, String> {
        let texts = if zip {
            zip_texts(std::io::BufReader::new(std::fs::File::open(&path).map_err(|e| e.to_string())?))
        } else {
            pdf_texts(&std::fs::read(&path).map_err(|e| e.to_string())?, "")
        };
        Ok(app::domain::blind::scan(&who, &texts))
    })
    .await
    .map_err(|e| format!("the scan panicked: {e}"))?
}

/// The `(place, text)` pairs of a PDF; `prefix` names its package entry, if any.
pub fn pdf_texts(bytes: &[u8], prefix: &str) -> Vec<(String, String)> {
    std::panic::catch_unwind(|| read_pdf(bytes, prefix)).unwrap_or_default()
}

fn read_pdf(bytes: &[u8], prefix: &str) -> Vec<(String, String)> {
    let Ok(doc) = Document::load_mem(bytes) else { return Vec::new() };
    let mut out = Vec::new();
    let info = doc.trailer.get(b"Info").and_then(|o| doc.dereference(o)).and_then(|(_, o)| o.as_dict());
    if let Ok(info) = info {
        for (key, zh) in PROPERTIES {
            if let Some(text) = info.get(key).ok().and_then(|v| lopdf::decode_text_string(v).ok()) {
                out.push((format!("{prefix}文件属性“{zh}”"), text));
            }
        }
    }
    let xmp = doc.catalog().and_then(|c| c.get(b"Metadata")).and_then(|o| doc.dereference(o)).and_then(|(_, o)| {
        o.as_stream().map(|s| s.decompressed_content_with_limit(PAGE_BYTES).unwrap_or_else(|_| s.content.clone()))
    });
    if let Ok(xmp) = xmp {
        out.push((format!("{prefix}XMP元数据"), String::from_utf8_lossy(&xmp).into_owned()));
    }
    for (n, _) in doc.get_pages().into_iter().take(PAGES as usize) {
        if let Ok(text) = doc.extract_text_with_limit(&[n], PAGE_BYTES) {
            out.push((format!("{prefix}第{n}页"), text));
        }
    }
    out
}

/// The `(place, text)` pairs of each PDF in a zip package.
pub fn zip_texts<R: Read + Seek>(reader: R) -> Vec<(String, String)> {
    let Ok(mut archive) = zip::ZipArchive::new(reader) else { return Vec::new() };
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else { continue };
        let name = crate::packages::entry_name(entry.name_raw());
        if !name.to_lowercase().ends_with(".pdf") || entry.size() > ENTRY_BYTES {
            continue;
        }
        let mut bytes = Vec::new();
        if entry.take(ENTRY_BYTES).read_to_end(&mut bytes).is_ok() {
            out.extend(pdf_texts(&bytes, &format!("{name} ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(texts: &[(String, String)]) -> Vec<(String, String)> {
        texts.iter().map(|(p, t)| (p.clone(), t.chars().filter(|c| !c.is_whitespace()).collect())).collect()
    }

    #[test]
    fn a_pdfs_page_text_and_title_are_read_in_chinese() {
        let pdf = crate::documents::demo_qualification_pdf("苏州市吴中区和谐社会工作服务中心");
        let texts = flat(&pdf_texts(&pdf, ""));
        assert!(texts.iter().any(|(p, t)| p == "第1页" && t.contains("和谐社会工作服务中心")), "{texts:?}");
        assert!(texts.iter().any(|(p, _)| p.starts_with("文件属性")), "{texts:?}");
    }

    #[test]
    fn a_package_is_read_entry_by_entry_and_garbage_yields_nothing() {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("附件/资格.pdf", zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(&crate::documents::demo_qualification_pdf("苏州市姑苏区阳光社会工作服务社")).unwrap();
        w.start_file("说明.txt", zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all("阳光社会工作服务社".as_bytes()).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let texts = flat(&zip_texts(std::io::Cursor::new(bytes)));
        assert!(texts.iter().any(|(p, t)| p == "附件/资格.pdf 第1页" && t.contains("阳光社会工作服务社")), "{texts:?}");
        assert!(texts.iter().all(|(p, _)| p.starts_with("附件/资格.pdf")), "only PDFs are read: {texts:?}");
        assert!(pdf_texts(b"%PDF-1.7 not really", "").is_empty());
        assert!(zip_texts(std::io::Cursor::new(b"PK\x03\x04 broken".to_vec())).is_empty());
    }
}
