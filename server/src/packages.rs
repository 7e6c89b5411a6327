//! What a bid document may be: a PDF, or a zip package of documents. Zip packages are checked in
//! two passes before anything is kept (stack findings, zip 9.x): the central directory first
//! (entry count, names, symlinks, encryption, methods, declared sizes and ratios), then every
//! entry is decompressed through a hard cap, so a bomb that lies in its header is stopped while
//! it inflates, not after.

use std::io::{Read, Seek};
use zip::CompressionMethod;

pub const MAX_ENTRIES: usize = 200;
/// The most one entry may inflate to.
pub const MAX_ENTRY_BYTES: u64 = 50 * 1024 * 1024;
/// The most a whole package may inflate to.
pub const MAX_TOTAL_BYTES: u64 = 200 * 1024 * 1024;
/// Deflate rarely beats 10:1 on documents; 200:1 is a bomb.
pub const MAX_RATIO: u64 = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Zip { entries: Vec<String> },
}

impl Kind {
    pub fn content_type(&self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Zip { .. } => "application/zip",
        }
    }

    pub fn entry_count(&self) -> i64 {
        match self {
            Kind::Pdf => 0,
            Kind::Zip { entries } => entries.len() as i64,
        }
    }
}

/// Why a document was refused; `entry` names the offending file inside a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    NotPdfOrZip,
    Empty,
    Unreadable,
    TooManyEntries(usize),
    UnsafeName(String),
    Symlink(String),
    Encrypted(String),
    Method(String),
    TooLarge(String),
    Bomb(String),
    Overlapping,
    /// A directory entry that carries data (a place to hide a payload no listing shows).
    DirectoryPayload(String),
    /// An archive inside the package: its contents would escape every check here.
    Nested(String),
}

impl Rejection {
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::NotPdfOrZip => "file_not_pdf_or_zip",
            Rejection::Empty => "file_empty",
            Rejection::Unreadable => "zip_unreadable",
            Rejection::TooManyEntries(_) => "zip_too_many_entries",
            Rejection::UnsafeName(_) => "zip_unsafe_path",
            Rejection::Symlink(_) => "zip_symlink",
            Rejection::Encrypted(_) => "zip_encrypted",
            Rejection::Method(_) => "zip_method",
            Rejection::TooLarge(_) => "zip_entry_too_large",
            Rejection::Bomb(_) => "zip_bomb",
            Rejection::Overlapping => "zip_overlapping",
            Rejection::DirectoryPayload(_) => "zip_directory_payload",
            Rejection::Nested(_) => "zip_nested_archive",
        }
    }

    /// (zh, en) messages naming the uploaded file and, where there is one, the entry.
    pub fn messages(&self, file: &str) -> (String, String) {
        match self {
            Rejection::NotPdfOrZip => {
                (format!("“{file}”不是PDF或zip文件"), format!("“{file}” is neither a PDF nor a zip file"))
            }
            Rejection::Empty => (format!("“{file}”为空文件"), format!("“{file}” is empty")),
            Rejection::Unreadable => {
                (format!("“{file}”不是有效的zip压缩包"), format!("“{file}” is not a valid zip archive"))
            }
            Rejection::TooManyEntries(n) => (
                format!("“{file}”包含{n}个文件，超过{MAX_ENTRIES}个上限"),
                format!("“{file}” holds {n} entries, more than {MAX_ENTRIES}"),
            ),
            Rejection::UnsafeName(e) => (
                format!("“{file}”中的“{e}”路径不安全（含“..”、绝对路径或非法字符）"),
                format!("“{e}” in “{file}” has an unsafe path (“..”, absolute, or illegal characters)"),
            ),
            Rejection::Symlink(e) => (
                format!("“{file}”中的“{e}”是符号链接，不予接受"),
                format!("“{e}” in “{file}” is a symbolic link, which is not accepted"),
            ),
            Rejection::Encrypted(e) => (
                format!("“{file}”中的“{e}”已加密，请上传未加密的文件"),
                format!("“{e}” in “{file}” is encrypted; upload it unencrypted"),
            ),
            Rejection::Method(e) => (
                format!("“{file}”中的“{e}”使用了不支持的压缩方式（仅支持存储和Deflate）"),
                format!("“{e}” in “{file}” uses an unsupported compression method (only stored and deflate)"),
            ),
            Rejection::TooLarge(e) => (
                format!("“{file}”中的“{e}”解压后超过大小上限"),
                format!("“{e}” in “{file}” exceeds the size limit when unpacked"),
            ),
            Rejection::Bomb(e) => (
                format!("“{file}”中的“{e}”压缩比异常，疑似压缩炸弹"),
                format!("“{e}” in “{file}” has an abnormal compression ratio (a zip bomb)"),
            ),
            Rejection::Overlapping => {
                (format!("“{file}”的压缩包结构异常（条目重叠）"), format!("“{file}” has overlapping entries"))
            }
            Rejection::DirectoryPayload(e) => (
                format!("“{file}”中的目录“{e}”带有数据，结构异常"),
                format!("The directory “{e}” in “{file}” carries data"),
            ),
            Rejection::Nested(e) => (
                format!("“{file}”中的“{e}”是压缩包；请将其中的文件直接放入同一个压缩包"),
                format!("“{e}” in “{file}” is an archive; put its files into the one package directly"),
            ),
        }
    }
}

/// Bidirectional-text controls: in a name they make `fdp.exe` display as `exe.pdf`.
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A name is safe when every segment is an ordinary name: no `..` or `.`, no leading `/`, no
/// backslash, colon, control or bidirectional-text character or empty segment (a trailing `/`
/// marks a directory).
pub fn safe_name(name: &str) -> bool {
    if name.is_empty()
        || name.starts_with('/')
        || name.chars().any(|c| c == '\\' || c == ':' || c.is_control() || bidi_control(c))
    {
        return false;
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    !trimmed.is_empty() && trimmed.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

fn archive_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".cab", ".jar"].iter().any(|ext| lower.ends_with(ext))
}

fn office_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"].iter().any(|ext| lower.ends_with(ext))
}

/// The first bytes of zip, RAR, 7-Zip, gzip, bzip2, xz and CAB files.
fn archive_magic(head: &[u8]) -> bool {
    [&b"PK\x03\x04"[..], b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"MSCF"]
        .iter()
        .any(|m| head.starts_with(m))
}

/// Entry names from Chinese Windows tools carry no UTF-8 flag and are GBK.
pub fn entry_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK.decode(raw).0.into_owned(),
    }
}

/// Classifies and checks a spooled upload. Blocking: call from `spawn_blocking`.
pub fn inspect<R: Read + Seek>(mut file: R, size: u64) -> Result<Kind, Rejection> {
    if size == 0 {
        return Err(Rejection::Empty);
    }
    let mut head = [0u8; 5];
    let n = file.read(&mut head).map_err(|_| Rejection::Unreadable)?;
    file.rewind().map_err(|_| Rejection::Unreadable)?;
    if n == 5 && &head == b"%PDF-" {
        return Ok(Kind::Pdf);
    }
    if n < 4 || &head[..4] != b"PK\x03\x04" {
        return Err(Rejection::NotPdfOrZip);
    }
    let mut zip = zip::ZipArchive::new(file).map_err(|_| Rejection::Unreadable)?;
    if zip.len() > MAX_ENTRIES {
        return Err(Rejection::TooManyEntries(zip.len()));
    }
    if zip.has_overlapping_files().unwrap_or(true) {
        return Err(Rejection::Overlapping);
    }
    // Pass 1: the directory only.
    let mut names = Vec::with_capacity(zip.len());
    let mut declared_total = 0u64;
    for i in 0..zip.len() {
        let e = zip.by_index_raw(i).map_err(|_| Rejection::Unreadable)?;
        let name = entry_name(e.name_raw());
        if !safe_name(&name) {
            return Err(Rejection::UnsafeName(name));
        }
        if e.is_symlink() {
            return Err(Rejection::Symlink(name));
        }
        if e.encrypted() {
            return Err(Rejection::Encrypted(name));
        }
        if !matches!(e.compression(), CompressionMethod::Stored | CompressionMethod::Deflated) {
            return Err(Rejection::Method(name));
        }
        if e.is_dir() && (e.size() > 0 || e.compressed_size() > 0) {
            return Err(Rejection::DirectoryPayload(name));
        }
        if archive_name(&name) {
            return Err(Rejection::Nested(name));
        }
        if e.size() > MAX_ENTRY_BYTES {
            return Err(Rejection::TooLarge(name));
        }
        if e.size() > 1024 * 1024 && e.size() / e.compressed_size().max(1) > MAX_RATIO {
            return Err(Rejection::Bomb(name));
        }
        declared_total += e.size();
        if declared_total > MAX_TOTAL_BYTES {
            return Err(Rejection::TooLarge(name));
        }
        names.push((name, e.is_dir()));
    }
    // Pass 2: inflate every entry through the cap; the header's sizes may lie.
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for (i, (name, is_dir)) in names.iter().enumerate() {
        if *is_dir {
            continue;
        }
        let e = zip.by_index(i).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(_) => Rejection::Encrypted(name.clone()),
            _ => Rejection::Unreadable,
        })?;
        let compressed = e.compressed_size().max(1);
        let mut limited = e.take(MAX_ENTRY_BYTES + 1);
        let mut inflated = 0u64;
        loop {
            let n = limited.read(&mut buf).map_err(|_| Rejection::Unreadable)?;
            if n == 0 {
                break;
            }
            // An archive renamed to look like a document is still an archive. Office documents
            // (OOXML, ODF) are zips by format and pass as documents, by their names only.
            if inflated == 0 && archive_magic(&buf[..n]) && !(office_name(name) && buf.starts_with(b"PK\x03\x04")) {
                return Err(Rejection::Nested(name.clone()));
            }
            inflated += n as u64;
            total += n as u64;
            if inflated > MAX_ENTRY_BYTES || total > MAX_TOTAL_BYTES {
                return Err(Rejection::TooLarge(name.clone()));
            }
            if inflated > 1024 * 1024 && inflated / compressed > MAX_RATIO {
                return Err(Rejection::Bomb(name.clone()));
            }
        }
    }
    Ok(Kind::Zip { entries: names.into_iter().filter(|(_, d)| !d).map(|(n, _)| n).collect() })
}

/// The `index`-th file of a package that [`inspect`] accepted, as (name, bytes); directories do not
/// count. Read through the same cap as the inspection.
pub fn entry(bytes: &[u8], index: usize) -> Option<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let position = (0..zip.len()).filter(|i| zip.by_index_raw(*i).is_ok_and(|e| !e.is_dir())).nth(index)?;
    let e = zip.by_index(position).ok()?;
    let name = entry_name(e.name_raw());
    let mut out = Vec::new();
    e.take(MAX_ENTRY_BYTES).read_to_end(&mut out).ok()?;
    Some((name, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn check(bytes: &[u8]) -> Result<Kind, Rejection> {
        inspect(Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn names_with_traversal_or_absolute_paths_are_unsafe() {
        for bad in ["../x.pdf", "a/../b.pdf", "/etc/passwd", "a\\b.pdf", "C:/x.pdf", "a//b", "./a", "", "a/\u{0}b"] {
            assert!(!safe_name(bad), "{bad:?}");
        }
        for good in ["方案.pdf", "资格/营业执照.pdf", "dir/", "a.b.c"] {
            assert!(safe_name(good), "{good:?}");
        }
    }

    #[test]
    fn a_pdf_and_a_plain_package_pass() {
        assert_eq!(check(b"%PDF-1.7 ..."), Ok(Kind::Pdf));
        let z = zip_of(&[("技术方案.pdf", b"%PDF-1.7 a"), ("附件/人员表.pdf", b"%PDF-1.7 b")]);
        assert_eq!(check(&z), Ok(Kind::Zip { entries: vec!["技术方案.pdf".into(), "附件/人员表.pdf".into()] }));
    }

    #[test]
    fn other_files_and_traversal_are_refused() {
        assert_eq!(check(b"GIF89a"), Err(Rejection::NotPdfOrZip));
        assert_eq!(check(b""), Err(Rejection::Empty));
        assert_eq!(check(&zip_of(&[("../../evil.pdf", b"x")])), Err(Rejection::UnsafeName("../../evil.pdf".into())));
    }

    #[test]
    fn too_many_entries_are_refused() {
        let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("f{i}.pdf")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        assert_eq!(check(&zip_of(&entries)), Err(Rejection::TooManyEntries(MAX_ENTRIES + 1)));
    }

    #[test]
    fn a_bomb_is_stopped() {
        let zeros = vec![0u8; 8 * 1024 * 1024];
        assert_eq!(check(&zip_of(&[("zeros.pdf", &zeros)])), Err(Rejection::Bomb("zeros.pdf".into())));
    }

    #[test]
    fn bidi_controls_in_names_are_unsafe() {
        // "技术方案\u{202E}fdp.exe" displays as "技术方案exe.pdf".
        for bad in ["技术方案\u{202E}fdp.exe", "a\u{2066}b.pdf", "x\u{200F}.pdf"] {
            assert!(!safe_name(bad), "{bad:?}");
        }
        let z = zip_of(&[("方案\u{202E}fdp.exe", b"%PDF-1.7")]);
        assert_eq!(check(&z), Err(Rejection::UnsafeName("方案\u{202E}fdp.exe".into())));
    }

    #[test]
    fn archives_inside_a_package_are_refused_by_name_and_by_content() {
        let inner = zip_of(&[("a.pdf", b"%PDF-1.7")]);
        assert_eq!(check(&zip_of(&[("资料.ZIP", &inner)])), Err(Rejection::Nested("资料.ZIP".into())));
        assert_eq!(check(&zip_of(&[("资料.rar", b"Rar!\x1a\x07\x00")])), Err(Rejection::Nested("资料.rar".into())));
        // Renamed: a zip called .pdf, a gzip stream called .docx.
        assert_eq!(check(&zip_of(&[("方案.pdf", &inner)])), Err(Rejection::Nested("方案.pdf".into())));
        assert_eq!(check(&zip_of(&[("说明.docx", b"\x1f\x8b\x08\x00")])), Err(Rejection::Nested("说明.docx".into())));
        // A Word or Excel file is a zip by format and stays a document.
        assert_eq!(check(&zip_of(&[("人员表.xlsx", &inner)])), Ok(Kind::Zip { entries: vec!["人员表.xlsx".into()] }));
    }

    #[test]
    fn a_directory_entry_with_data_is_refused() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.add_directory("附件/", SimpleFileOptions::default()).unwrap();
        w.start_file("附件/表.pdf", SimpleFileOptions::default()).unwrap();
        w.write_all(b"%PDF-1.7").unwrap();
        let clean = w.finish().unwrap().into_inner();
        assert_eq!(check(&clean), Ok(Kind::Zip { entries: vec!["附件/表.pdf".into()] }));
        // The same package with a payload written under a directory's name.
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("隐藏/", SimpleFileOptions::default().compression_method(CompressionMethod::Stored)).unwrap();
        w.write_all(b"hidden payload").unwrap();
        let hidden = w.finish().unwrap().into_inner();
        assert_eq!(check(&hidden), Err(Rejection::DirectoryPayload("隐藏/".into())));
    }

    #[test]
    fn gbk_names_are_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("投标文件.pdf");
        assert_eq!(entry_name(&gbk), "投标文件.pdf");
    }
}
