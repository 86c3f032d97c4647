//! IndexedDB, awaited through promises: a request or a transaction is a JS
//! promise whose resolve and reject are its event handlers. No Rust closure
//! is left behind for an event to call after its future is gone (a failed
//! request's error, then its transaction's abort), and promise reactions
//! run as microtasks, inside the success event, so a transaction stays
//! active across the awaits of its own requests.

use std::future::Future;

use js_sys::{Array, Promise};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, Event, IdbDatabase, IdbFactory, IdbObjectStore, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode,
};

/// How a browser error reads in a message: "QuotaExceededError: …". A JS
/// `Error` (a `TypeError` thrown by a wrapped API) has no JSON of its own:
/// its name and message say what happened.
pub fn describe(error: &JsValue) -> String {
    if let Some(e) = error.dyn_ref::<DomException>() {
        return format!("{}: {}", e.name(), e.message());
    }
    match error.dyn_ref::<js_sys::Error>() {
        Some(e) => format!("{}: {}", String::from(e.name()), String::from(e.message())),
        None => error
            .as_string()
            .or_else(|| {
                let text = js_sys::JSON::stringify(error).ok()?;
                text.as_string()
            })
            .unwrap_or_else(|| "unknown error".into()),
    }
}

/// Set on a downloaded file's page (`super::forbid`).
pub static FORBIDDEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `indexedDB` of the page or of the import worker: both scopes have it.
pub fn factory() -> Result<IdbFactory, String> {
    if FORBIDDEN.load(std::sync::atomic::Ordering::Relaxed) {
        return Err("a shared file's page does not use storage".into());
    }
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
        .ok()
        .filter(|factory| factory.is_object())
        .map(JsCast::unchecked_into)
        .ok_or_else(|| "IndexedDB is not available here".to_string())
}

/// The request's result once it succeeded; its error's description if not.
/// The handlers are set now, not when the future is first polled: a
/// request awaited after another may have finished in between (and a
/// future dropped unawaited leaves no unhandled rejection).
pub fn done(request: &IdbRequest) -> impl Future<Output = Result<JsValue, String>> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let settled = JsFuture::from(promise);
    let request = request.clone();
    async move {
        match settled.await {
            Ok(_) => request.result().map_err(|e| describe(&e)),
            Err(_) => Err(match request.error() {
                Ok(Some(error)) => describe(&error),
                _ => "the request failed".into(),
            }),
        }
    }
}

/// Resolves when the transaction commits; its error's description when it
/// aborts. Made as soon as the transaction is, so no event is missed.
pub fn finished(transaction: &IdbTransaction) -> JsFuture {
    JsFuture::from(Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onabort(Some(&reject));
    }))
}

/// Ends a readwrite transaction filled by `filled`: aborted when filling
/// failed (that error), else committed, and awaited (why it aborted).
pub async fn settle<T>(
    transaction: &IdbTransaction,
    finished: JsFuture,
    filled: Result<T, String>,
) -> Result<T, String> {
    let filled = match filled {
        Ok(filled) => filled,
        Err(error) => {
            let _ = transaction.abort();
            return Err(error);
        }
    };
    // Without `commit` (older browsers) it commits once nothing is pending;
    // web-sys marks it deprecated only because IndexedDB 2 had dropped it.
    #[allow(deprecated)]
    let _ = transaction.commit();
    finished.await.map_err(|_| abort_reason(transaction))?;
    Ok(filled)
}

/// Why a transaction aborted.
pub fn abort_reason(transaction: &IdbTransaction) -> String {
    match transaction.error() {
        Some(error) => describe(&error),
        None => "AbortError: the write was aborted".into(),
    }
}

/// Opens `name` at `version`; `upgrade` runs in `onupgradeneeded`.
pub async fn open(
    name: &str,
    version: u32,
    upgrade: impl FnOnce(&IdbDatabase) + 'static,
) -> Result<IdbDatabase, String> {
    let request = factory()?
        .open_with_u32(name, version)
        .map_err(|e| describe(&e))?;
    let opening = request.clone();
    // Called at most once; `once_into_js` frees it then (or leaks it, if
    // the database needs no upgrade: one small closure per page).
    let on_upgrade = Closure::once_into_js(move |_: web_sys::IdbVersionChangeEvent| {
        if let Ok(database) = opening.result() {
            upgrade(database.unchecked_ref());
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
        request.set_onblocked(Some(&reject));
    });
    match JsFuture::from(promise).await {
        Ok(_) => Ok(request.result().map_err(|e| describe(&e))?.unchecked_into()),
        Err(event)
            if event
                .dyn_ref::<Event>()
                .is_some_and(|e| e.type_() == "blocked") =>
        {
            close_when_open(&request);
            Err("another tab of this site has an older version of the database open; close it and reload"
                .into())
        }
        Err(_) => Err(match request.error() {
            Ok(Some(error)) => describe(&error),
            _ => "the database could not be opened".into(),
        }),
    }
}

/// A blocked open still goes on, and opens once the other tab lets go:
/// nobody uses that connection, so it is closed then, or it would block
/// every later upgrade of the database (the npm package's, another tab's).
fn close_when_open(request: &IdbOpenDbRequest) {
    let opened = request.clone();
    let close = Closure::once_into_js(move || {
        if let Ok(database) = opened.result() {
            database.unchecked_into::<IdbDatabase>().close();
        }
    });
    request.set_onsuccess(Some(close.unchecked_ref()));
}

/// Opens `name` only if it exists (opening creates a missing database:
/// here the creation is aborted instead). `None`: there is none, or (with
/// `give_up`) it did not open in 3 s.
pub async fn open_existing(name: &str, give_up: bool) -> Result<Option<IdbDatabase>, String> {
    let request: IdbOpenDbRequest = factory()?.open(name).map_err(|e| describe(&e))?;
    let opening = request.clone();
    let on_upgrade = Closure::once_into_js(move |_: web_sys::IdbVersionChangeEvent| {
        if let Some(creation) = opening.transaction() {
            let _ = creation.abort();
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let settled = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    // An open waits behind a deletion still pending (a tab holding the old
    // database). The caller says when that database was migrated already
    // (it is deleted only after): then after a while it counts as gone
    // rather than hold up the start.
    const LIMIT_MS: i32 = 3_000;
    let timer = Promise::new(&mut |resolve, _| {
        if let (true, Some(window)) = (give_up, web_sys::window()) {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_1(
                &resolve,
                LIMIT_MS,
                &JsValue::from_str("timeout"),
            );
        }
    });
    match JsFuture::from(Promise::race(&Array::of2(&settled, &timer))).await {
        Ok(value) if value.as_string().as_deref() == Some("timeout") => {
            close_when_open(&request);
            Ok(None)
        }
        Ok(_) => Ok(Some(
            request.result().map_err(|e| describe(&e))?.unchecked_into(),
        )),
        Err(_) => match request.error() {
            Ok(Some(error)) if error.name() == "AbortError" => Ok(None),
            Ok(Some(error)) => Err(describe(&error)),
            _ => Err("the database could not be opened".into()),
        },
    }
}

/// Asks for `name` to be deleted, without waiting: another tab with it
/// open delays the deletion until it closes it.
pub fn delete_later(name: &str) {
    if let Ok(factory) = factory() {
        let _ = factory.delete_database(name);
    }
}

pub fn transaction(
    database: &IdbDatabase,
    stores: &[&str],
    mode: IdbTransactionMode,
) -> Result<IdbTransaction, String> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    database
        .transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| describe(&e))
}

pub fn store(transaction: &IdbTransaction, name: &str) -> Result<IdbObjectStore, String> {
    transaction.object_store(name).map_err(|e| describe(&e))
}

/// Every key and value of a store, in key order.
pub async fn all(store: &IdbObjectStore) -> Result<Vec<(JsValue, JsValue)>, String> {
    let keys = done(&store.get_all_keys().map_err(|e| describe(&e))?);
    let values = done(&store.get_all().map_err(|e| describe(&e))?);
    let keys: Array = keys.await?.unchecked_into();
    let values: Array = values.await?.unchecked_into();
    Ok(keys.iter().zip(values.iter()).collect())
}

/// Which of `keys` `store` holds. Past a few keys, one `getAllKeys` beats
/// a request per key (an import of a million spans asks about 180,000
/// traces, most of them new).
pub async fn present(store: &IdbObjectStore, keys: &[String]) -> Result<Vec<bool>, String> {
    const FEW: usize = 32;
    if keys.len() <= FEW {
        return Ok(vec![true; keys.len()]);
    }
    let all: Array = done(&store.get_all_keys().map_err(|e| describe(&e))?)
        .await?
        .unchecked_into();
    let stored: std::collections::HashSet<String> =
        all.iter().filter_map(|key| key.as_string()).collect();
    Ok(keys.iter().map(|key| stored.contains(key)).collect())
}
