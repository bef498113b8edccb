//! The Rust that `/demo` shows beside its Python (`prompts/demos.toml`),
//! copied verbatim into functions that supply what each snippet assumes (a
//! client, the URLs, a delay). Building the test binary compiles every
//! snippet; `every_rust_snippet_of_the_demos_is_compiled_here` checks that
//! each copy still equals what a learner sees, so the two cannot drift.
//!
//! Edited a `*_rust` text in demos.toml? Paste it here between its markers.
//! The functions are never called: compiling is the check.

// The snippets are teaching code, shown as written: unused bindings and
// style nits are theirs to keep.
#![allow(dead_code, unused_variables, clippy::all)]

use std::time::Duration;

use futures::future::{join_all, try_join_all};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::timeout;

#[rustfmt::skip]
pub async fn gather_rust(client: &reqwest::Client, urls: Vec<String>) -> reqwest::Result<()> {
    // snippet gather_rust
    // one after another
    for url in &urls {
        client.get(url).send().await?;
    }
    // all at once
    join_all(urls.iter().map(|u| client.get(u).send())).await;
    // end snippet
    Ok(())
}

#[rustfmt::skip]
pub async fn blocking_rust(n: usize, d: Duration) {
    // snippet blocking_rust
    // on a single-threaded runtime
    let bad = (0..n).map(|_| async { std::thread::sleep(d) });
    join_all(bad).await;
    let good = (0..n).map(|_| tokio::time::sleep(d));
    join_all(good).await;
    // end snippet
}

#[rustfmt::skip]
pub async fn errors_rust(client: &reqwest::Client, urls: Vec<String>) -> reqwest::Result<()> {
    // snippet errors_rust
    let fetches = || urls.iter().map(|u| async move {
        client.get(u).send().await?.error_for_status()
    });
    // the first error wins; the other fetches are dropped
    try_join_all(fetches()).await?;
    // every outcome (like return_exceptions=True)
    let results: Vec<reqwest::Result<_>> = join_all(fetches()).await;
    // end snippet
    Ok(())
}

#[rustfmt::skip]
pub async fn timeout_rust(client: &reqwest::Client, url: &str) {
    // snippet timeout_rust
    match timeout(Duration::from_secs(1), client.get(url).send()).await {
        Ok(response) => { /* in time */ }
        Err(_elapsed) => { /* too slow: the fetch was dropped */ }
    }
    // end snippet
}

#[rustfmt::skip]
pub async fn limit_rust(client: &reqwest::Client, urls: Vec<String>) {
    // snippet limit_rust
    let sem = Semaphore::new(3);
    let (sem, client) = (&sem, &client);
    join_all(urls.iter().map(|u| async move {
        let _permit = sem.acquire().await.ok()?; // 3 at most
        client.get(u).send().await.ok()
    })).await;
    // end snippet
}

#[rustfmt::skip]
pub async fn taskgroup_rust(client: &reqwest::Client, urls: Vec<String>) {
    // snippet taskgroup_rust
    let fetch = |u: String| {
        let client = client.clone();
        async move { client.get(u).send().await?.error_for_status() }
    };
    // like gather: the first error returns, the tasks run on
    let tasks = urls.iter().map(|u| tokio::spawn(fetch(u.clone())));
    let joined = try_join_all(tasks.map(|t| async { t.await.unwrap() }));
    let first_error = joined.await.err();
    // like TaskGroup: the first error aborts the others
    let mut group = JoinSet::new();
    for u in &urls {
        group.spawn(fetch(u.clone()));
    }
    while let Some(done) = group.join_next().await {
        if done.unwrap().is_err() {
            group.shutdown().await; // abort the rest, wait for them
            break;
        }
    }
    // end snippet
}
