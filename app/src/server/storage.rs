//! Content-addressed file storage next to the database. A file is streamed to a temporary
//! name while its SHA-256 is computed, flushed to disk, then renamed into place, so a reader
//! never sees a half-written file and an interrupted upload leaves nothing behind.

use bytes::Bytes;
use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone)]
pub struct Storage {
    root: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("file larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("upload interrupted: {0}")]
    Interrupted(String),
    #[error("storage I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a content hash")]
    BadHash,
}

impl Storage {
    pub fn new(root: impl Into<PathBuf>) -> std::io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(Self { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file with this content hash lives (whether or not it exists).
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf, StorageError> {
        self.path_for(sha256)
    }

    fn path_for(&self, sha256: &str) -> Result<PathBuf, StorageError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(StorageError::BadHash);
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    /// Streams `chunks` to storage, refusing more than `limit` bytes.
    pub async fn put_stream<S, E>(&self, mut chunks: S, limit: u64) -> Result<StoredFile, StorageError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let tmp = self.root.join("tmp").join(uuid::Uuid::new_v4().simple().to_string());
        let result = async {
            let mut file = tokio::fs::File::create(&tmp).await?;
            let mut hasher = Sha256::new();
            let mut size: u64 = 0;
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(|e| StorageError::Interrupted(e.to_string()))?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(StorageError::TooLarge { limit });
                }
                hasher.update(&chunk);
                file.write_all(&chunk).await?;
            }
            file.flush().await?;
            file.sync_all().await?;
            Ok(StoredFile { sha256: hex::encode(hasher.finalize()), size })
        }
        .await;
        match result {
            Ok(stored) => {
                let dest = self.path_for(&stored.sha256)?;
                if let Some(dir) = dest.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                if tokio::fs::try_exists(&dest).await? {
                    // Same content already stored: keep the existing copy, made recent so a
                    // collection running before our reference commits leaves it alone.
                    tokio::fs::remove_file(&tmp).await?;
                    touch(&dest)?;
                } else {
                    tokio::fs::rename(&tmp, &dest).await?;
                }
                Ok(stored)
            }
            Err(err) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                Err(err)
            }
        }
    }

    /// A fresh temporary path on the storage's own file system (so [`adopt`](Self::adopt) can
    /// rename it into place). Files left there by a crash are removed at start-up.
    pub fn temp_path(&self) -> PathBuf {
        self.root.join("tmp").join(uuid::Uuid::new_v4().simple().to_string())
    }

    /// Moves a finished temporary file into the store under its content hash.
    pub fn adopt(&self, tmp: &Path) -> Result<StoredFile, StorageError> {
        use std::io::Read;
        let mut file = std::fs::File::open(tmp)?;
        file.sync_all()?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            hasher.update(&buf[..n]);
        }
        let stored = StoredFile { sha256: hex::encode(hasher.finalize()), size };
        let dest = self.path_for(&stored.sha256)?;
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if dest.exists() {
            std::fs::remove_file(tmp)?;
            touch(&dest)?;
        } else {
            std::fs::rename(tmp, &dest)?;
        }
        Ok(stored)
    }

    /// Clears temporary files a crashed process left behind (plaintext spools included). Only
    /// files untouched for an hour: another instance sharing the directory may be mid-upload.
    pub fn clear_temp(&self) -> std::io::Result<usize> {
        let mut n = 0;
        let cutoff = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for entry in std::fs::read_dir(self.root.join("tmp"))? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_file() && meta.modified()? < cutoff {
                std::fs::remove_file(entry.path())?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Removes stored files that no row references (`referenced` holds every hash the database
    /// names) and that are older than `grace`: a file adopted moments ago may belong to a bid
    /// whose transaction has not committed yet. Returns the number removed.
    pub fn collect(
        &self,
        referenced: &std::collections::HashSet<String>,
        grace: std::time::Duration,
    ) -> std::io::Result<usize> {
        let cutoff = std::time::SystemTime::now() - grace;
        let mut removed = 0;
        for dir in std::fs::read_dir(&self.root)? {
            let dir = dir?;
            let name = dir.file_name();
            let name = name.to_string_lossy();
            if !dir.file_type()?.is_dir() || name.len() != 2 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            for entry in std::fs::read_dir(dir.path())? {
                let entry = entry?;
                let hash = entry.file_name().to_string_lossy().into_owned();
                let meta = entry.metadata()?;
                if meta.is_file()
                    && self.path_for(&hash).is_ok()
                    && !referenced.contains(&hash)
                    && meta.modified()? < cutoff
                {
                    std::fs::remove_file(entry.path())?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    pub async fn put_bytes(&self, bytes: Vec<u8>) -> Result<StoredFile, StorageError> {
        let limit = bytes.len() as u64;
        let stream = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(bytes))]);
        self.put_stream(stream, limit).await
    }

    pub async fn read(&self, sha256: &str) -> Result<Vec<u8>, StorageError> {
        Ok(tokio::fs::read(self.path_for(sha256)?).await?)
    }

    pub async fn exists(&self, sha256: &str) -> Result<bool, StorageError> {
        Ok(tokio::fs::try_exists(self.path_for(sha256)?).await?)
    }
}

fn touch(path: &Path) -> std::io::Result<()> {
    std::fs::File::options().append(true).open(path)?.set_modified(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root() -> PathBuf {
        std::env::temp_dir().join(format!("caiping-storage-{}", uuid::Uuid::new_v4().simple()))
    }

    fn count_files(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(Result::ok).map(|e| if e.path().is_dir() { count_files(&e.path()) } else { 1 }).sum()
            })
            .unwrap_or(0)
    }

    #[tokio::test]
    async fn stores_by_content_hash_and_reads_back() {
        let storage = Storage::new(temp_root()).unwrap();
        let stored = storage.put_bytes(b"abc".to_vec()).await.unwrap();
        // SHA-256("abc"), the FIPS 180-2 test vector.
        assert_eq!(stored.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(stored.size, 3);
        assert_eq!(storage.read(&stored.sha256).await.unwrap(), b"abc");
        // Storing the same bytes again keeps one copy.
        storage.put_bytes(b"abc".to_vec()).await.unwrap();
        assert_eq!(count_files(storage.root()), 1);
    }

    #[tokio::test]
    async fn an_interrupted_upload_leaves_nothing_behind() {
        let storage = Storage::new(temp_root()).unwrap();
        let chunks = futures::stream::iter(vec![Ok(Bytes::from_static(b"first half")), Err("connection reset")]);
        let err = storage.put_stream(chunks, 1 << 20).await.unwrap_err();
        assert!(matches!(err, StorageError::Interrupted(_)));
        assert_eq!(count_files(storage.root()), 0);
    }

    #[tokio::test]
    async fn an_oversized_upload_is_refused_while_streaming() {
        let storage = Storage::new(temp_root()).unwrap();
        let chunks = futures::stream::iter(vec![Ok::<_, String>(Bytes::from(vec![0u8; 600])); 2]);
        let err = storage.put_stream(chunks, 1000).await.unwrap_err();
        assert!(matches!(err, StorageError::TooLarge { limit: 1000 }));
        assert_eq!(count_files(storage.root()), 0);
    }

    #[tokio::test]
    async fn collection_removes_only_old_unreferenced_files() {
        let storage = Storage::new(temp_root()).unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        let age = |sha: &str| {
            std::fs::File::options()
                .append(true)
                .open(storage.path_for(sha).unwrap())
                .unwrap()
                .set_modified(old)
                .unwrap()
        };
        let kept = storage.put_bytes(b"referenced".to_vec()).await.unwrap().sha256;
        let orphan = storage.put_bytes(b"orphan".to_vec()).await.unwrap().sha256;
        let fresh = storage.put_bytes(b"just adopted".to_vec()).await.unwrap().sha256;
        let again = storage.put_bytes(b"stored again".to_vec()).await.unwrap().sha256;
        for sha in [&kept, &orphan, &again] {
            age(sha);
        }
        // The same content stored again is as recent as the new upload that references it.
        storage.put_bytes(b"stored again".to_vec()).await.unwrap();
        let referenced = std::collections::HashSet::from([kept.clone()]);
        let hour = std::time::Duration::from_secs(3600);
        assert_eq!(storage.collect(&referenced, hour).unwrap(), 1);
        assert!(!storage.exists(&orphan).await.unwrap());
        for sha in [&kept, &fresh, &again] {
            assert!(storage.exists(sha).await.unwrap());
        }
        assert_eq!(storage.collect(&referenced, hour).unwrap(), 0);
    }

    #[tokio::test]
    async fn only_content_hashes_address_files() {
        let storage = Storage::new(temp_root()).unwrap();
        assert!(matches!(storage.read("../../etc/passwd").await, Err(StorageError::BadHash)));
    }
}
