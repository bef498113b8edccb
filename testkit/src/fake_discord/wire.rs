//! Reading request bodies (JSON, multipart with `payload_json` and files)
//! and small helpers for ids and time.

use super::*;

pub(super) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

pub(super) fn timestamp_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

pub(super) fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A snowflake field that Discord serializes as a string (numbers accepted too).
pub(super) fn id_field(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// Parses a request/response body: JSON, multipart (payload_json + files), or raw text.
pub(super) fn parse_body(
    content_type: Option<&str>,
    bytes: &[u8],
) -> (Value, Vec<RecordedAttachment>) {
    if let Some(boundary) = content_type
        .filter(|ct| ct.to_ascii_lowercase().starts_with("multipart/"))
        .and_then(|ct| {
            ct.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
        })
    {
        let boundary = boundary.trim_matches('"');
        let mut body = Value::Null;
        let mut files = Vec::new();
        for part in multipart_parts(bytes, boundary) {
            match (&part.filename, part.name.as_str()) {
                (None, "payload_json") => {
                    body = serde_json::from_slice(&part.data).unwrap_or_else(|_| {
                        Value::String(String::from_utf8_lossy(&part.data).into_owned())
                    });
                }
                (Some(filename), _) => files.push(RecordedAttachment {
                    field: part.name.clone(),
                    filename: filename.clone(),
                    content_type: part.content_type.clone(),
                    size: part.data.len(),
                    data: part.data.clone(),
                }),
                (None, _) => {}
            }
        }
        return (body, files);
    }
    if bytes.is_empty() {
        return (Value::Null, Vec::new());
    }
    let body = serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()));
    (body, Vec::new())
}

pub(super) struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

pub(super) fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

pub(super) fn multipart_parts(body: &[u8], boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let Some(mut pos) = find(body, &delimiter, 0) else {
        return parts;
    };
    loop {
        let start = pos + delimiter.len();
        if body[start..].starts_with(b"--") {
            break; // closing delimiter
        }
        let Some(next) = find(body, &delimiter, start) else {
            break;
        };
        let mut chunk = &body[start..next];
        chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        chunk = chunk.strip_suffix(b"\r\n").unwrap_or(chunk);
        if let Some(split) = find(chunk, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&chunk[..split]).into_owned();
            let data = chunk[split + 4..].to_vec();
            let mut name = String::new();
            let mut filename = None;
            let mut content_type = None;
            for line in head.split("\r\n") {
                let lower = line.to_ascii_lowercase();
                if lower.starts_with("content-disposition:") {
                    for attr in line.split(';').skip(1) {
                        let attr = attr.trim();
                        if let Some(v) = attr.strip_prefix("name=") {
                            name = v.trim_matches('"').to_owned();
                        } else if let Some(v) = attr.strip_prefix("filename=") {
                            filename = Some(v.trim_matches('"').to_owned());
                        }
                    }
                } else if lower.starts_with("content-type:") {
                    content_type = Some(line["content-type:".len()..].trim().to_owned());
                }
            }
            parts.push(Part {
                name,
                filename,
                content_type,
                data,
            });
        }
        pos = next;
    }
    parts
}
