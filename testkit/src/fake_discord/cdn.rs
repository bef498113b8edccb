//! The fake's attachment CDN: files a test hosts, served on the REST socket
//! under `/attachments/<id>/<name>`, as Discord's CDN serves what members
//! attach. A file can also be endless-ish: `len` bytes streamed in chunks
//! with no `Content-Length`, to prove a client stops reading at its cap;
//! the fake counts the bytes it actually sent.

use super::*;

use std::sync::atomic::{AtomicU64, Ordering};

/// One hosted file.
pub(super) enum Hosted {
    Bytes(Vec<u8>),
    /// `len` bytes of `fill`, streamed without a declared length.
    Streamed {
        len: u64,
        fill: u8,
    },
}

/// What the CDN holds: path → file, and bytes sent per path.
#[derive(Default)]
pub(super) struct Cdn {
    files: HashMap<String, Arc<Hosted>>,
    sent: HashMap<String, Arc<AtomicU64>>,
}

pub(super) async fn cdn_handler(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let path = uri.path().to_owned();
    let (file, sent) = {
        let inner = shared.lock();
        match (inner.cdn.files.get(&path), inner.cdn.sent.get(&path)) {
            (Some(f), Some(s)) => (f.clone(), s.clone()),
            _ => return StatusCode::NOT_FOUND.into_response(),
        }
    };
    match &*file {
        Hosted::Bytes(bytes) => {
            sent.fetch_add(bytes.len() as u64, Ordering::SeqCst);
            (StatusCode::OK, bytes.clone()).into_response()
        }
        Hosted::Streamed { len, fill } => {
            const CHUNK: u64 = 64 * 1024;
            let (len, fill) = (*len, *fill);
            let chunks = futures::stream::unfold(0u64, move |done| {
                let sent = sent.clone();
                async move {
                    if done >= len {
                        return None;
                    }
                    let n = CHUNK.min(len - done);
                    sent.fetch_add(n, Ordering::SeqCst);
                    let chunk = Bytes::from(vec![fill; n as usize]);
                    Some((Ok::<_, std::io::Error>(chunk), done + n))
                }
            });
            Response::builder()
                .status(StatusCode::OK)
                .body(axum::body::Body::from_stream(chunks))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

impl FakeDiscord {
    /// Hosts `bytes` as an attachment named `filename`; its URL.
    pub fn host_attachment(&self, filename: &str, bytes: Vec<u8>) -> String {
        self.host(filename, Hosted::Bytes(bytes))
    }

    /// Hosts `len` bytes of `fill` streamed with no declared length; its URL.
    pub fn host_streamed_attachment(&self, filename: &str, len: u64, fill: u8) -> String {
        self.host(filename, Hosted::Streamed { len, fill })
    }

    /// How many bytes of the attachment at `url` the fake has sent so far.
    pub fn attachment_bytes_sent(&self, url: &str) -> u64 {
        let path = url.strip_prefix(&self.shared.api_base).unwrap_or(url);
        self.shared
            .lock()
            .cdn
            .sent
            .get(path)
            .map_or(0, |s| s.load(Ordering::SeqCst))
    }

    fn host(&self, filename: &str, file: Hosted) -> String {
        let mut inner = self.shared.lock();
        let id = inner.new_id();
        let path = format!("/attachments/{id}/{filename}");
        inner.cdn.files.insert(path.clone(), Arc::new(file));
        inner
            .cdn
            .sent
            .insert(path.clone(), Arc::new(AtomicU64::new(0)));
        format!("{}{path}", self.shared.api_base)
    }
}
