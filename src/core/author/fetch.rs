//! Downloading an upload: only from the attachment hosts the operator
//! allows (`ATTACHMENT_HOSTS`), never past the download cap.
//!
//! The URL comes from the interaction, so it is checked like any input:
//! https to an allowed host (plain http only to a loopback address, where
//! tests serve their fake Discord), no credentials in it. Redirects are not
//! followed (the client is built that way in [`super::super::packs`]): a
//! redirect could leave the allowed hosts. The body is read chunk by chunk
//! and the download stops as soon as it passes the cap, whatever the
//! server declared.

use reqwest::Url;

use crate::core::error::AuthorRefusal;

/// Why a download failed after the URL was allowed.
#[derive(Debug)]
pub enum FetchError {
    /// Past the cap: the size declared, or read so far.
    TooBig { size: u64 },
    /// The host did not give the file (status, network, timeout).
    Failed(String),
}

/// The URL, if it points at an allowed host.
pub fn allowed(url: &str, hosts: &[String]) -> Result<Url, AuthorRefusal> {
    let shown = |s: &str| s.chars().take(80).collect::<String>();
    let parsed = Url::parse(url).map_err(|_| AuthorRefusal::Host(shown(url)))?;
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    let loopback = host
        .trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback());
    let scheme_ok = parsed.scheme() == "https" || (parsed.scheme() == "http" && loopback);
    let plain = parsed.username().is_empty() && parsed.password().is_none();
    if scheme_ok && plain && hosts.contains(&host) {
        Ok(parsed)
    } else {
        Err(AuthorRefusal::Host(shown(&host)))
    }
}

/// The file at `url`, at most `max` bytes.
pub async fn fetch(client: &reqwest::Client, url: Url, max: u64) -> Result<Vec<u8>, FetchError> {
    let failed = |e: reqwest::Error| FetchError::Failed(e.without_url().to_string());
    let mut response = client.get(url).send().await.map_err(failed)?;
    if !response.status().is_success() {
        return Err(FetchError::Failed(format!("status {}", response.status())));
    }
    if let Some(size) = response.content_length().filter(|&n| n > max) {
        return Err(FetchError::TooBig { size });
    }
    let mut body: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        body.extend_from_slice(&chunk);
        if body.len() as u64 > max {
            return Err(FetchError::TooBig {
                size: body.len() as u64,
            });
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> Vec<String> {
        vec!["cdn.discordapp.com".into(), "127.0.0.1".into()]
    }

    #[test]
    fn only_https_urls_on_allowed_hosts_pass() {
        assert!(allowed("https://cdn.discordapp.com/attachments/1/2/a.md", &hosts()).is_ok());
        assert!(allowed("https://CDN.discordapp.com/a.md", &hosts()).is_ok());
        assert_eq!(
            allowed("https://evil.example/a.md", &hosts()),
            Err(AuthorRefusal::Host("evil.example".into()))
        );
        // Plain http only on loopback, where tests serve files.
        assert!(allowed("http://cdn.discordapp.com/a.md", &hosts()).is_err());
        assert!(allowed("http://127.0.0.1:8080/a.md", &hosts()).is_ok());
        // A look-alike host, credentials, or no URL at all.
        assert!(allowed("https://cdn.discordapp.com.evil.example/a.md", &hosts()).is_err());
        assert!(allowed("https://user:pw@cdn.discordapp.com/a.md", &hosts()).is_err());
        assert!(allowed("not a url", &hosts()).is_err());
        assert!(allowed("file:///etc/passwd", &hosts()).is_err());
    }
}
