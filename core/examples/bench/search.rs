//! The content search figure: queries over a store of 50,000 observations
//! whose inputs and outputs look like an LLM app's (chat messages with a
//! system prompt, tool calls and results, retrieved documents; a few
//! hundred bytes to a few KB each; two traces in five not in English,
//! half of those escaped as Python's `json.dumps` writes them). The store
//! is also written to `target/bench/search-50k.jsonl`, for the same
//! queries in wasm (`js/bench/search.mjs`).

use std::hint::black_box;

use prompttrace::format::jsonl;
use prompttrace::model::{Observation, ObservationType, Status, Trace};
use prompttrace::search::{trace_matches, traces_matching, Query};
use prompttrace::store::Batch;
use prompttrace::{Json, Store, Timestamp};
use serde_json::{json, Value};

use crate::{median, ms};

/// What is searched for, and why each is there.
pub const QUERIES: [(&str, &str); 4] = [
    ("zeppelin", "in no trace: every byte is read"),
    ("Invoice 4417", "in one tool result of 5 traces"),
    ("東京リージョン", "Japanese, in every Japanese trace"),
    ("смена ключа", "Russian, in escaped and plain text"),
];

pub fn figures() {
    let store = store(500, 100);
    let text = jsonl::write(&store);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("search-50k.jsonl"), &text);
    println!(
        "content search over {} observations in {} traces ({:.0} MB as JSON Lines), native (target < 300 ms in wasm):",
        store.observation_count(),
        store.trace_count(),
        text.len() as f64 / 1e6
    );
    for (text, what) in QUERIES {
        let query = Query::new(text).expect("a query");
        let mut found = 0;
        let time = median(5, || {
            found = black_box(traces_matching(&store, &query)).len()
        });
        println!("  {text:?} ({what}): {:.1} ms, {found} traces", ms(time));
    }
    let query = Query::new("invoice 4417").expect("a query");
    let entry = store.traces_in_order()[42];
    let mut hits = 0;
    let one = median(5, || hits = trace_matches(entry, &query).observations.len());
    println!(
        "  within one trace of {} observations (matches in timeline order): {:.2} ms, {hits} matches",
        entry.observations().len(),
        ms(one)
    );
}

/// `traces` traces of `per_trace` observations: an agent root, then LLM
/// calls, tool calls, retrievals and steps in turn, in runs of ten.
fn store(traces: usize, per_trace: usize) -> Store {
    let mut batch = Batch::default();
    let base = 1_714_564_800_000_000_000i64;
    for t in 0..traces {
        let start = base + t as i64 * 60_000_000_000;
        let language = Language::of(t);
        let trace_id = format!("trace-{t:05}");
        let mut trace = Trace::new(
            &trace_id,
            "support-agent",
            Timestamp::from_unix_nanos(start),
        );
        trace.session_id = Some(format!("session-{:04}", t / 10));
        trace.user_id = Some(format!("user-{}", t % 97));
        trace.status = Status::Completed;
        trace.ended_at = Some(Timestamp::from_unix_nanos(start + 30_000_000_000));
        trace.input = Some(payload(t, json!(language.question(t))));
        trace.output = Some(payload(t, json!(language.answer(t))));
        batch.traces.push(trace);
        for o in 0..per_trace {
            let begin = start + o as i64 * 250_000_000;
            let (kind, name) = match o % 4 {
                _ if o == 0 => (ObservationType::Agent, "support-agent"),
                1 => (ObservationType::Generation, "chat gpt-4o"),
                2 => (ObservationType::Tool, "lookup_account"),
                3 => (ObservationType::Retriever, "search_docs"),
                _ => (ObservationType::Span, "format_reply"),
            };
            let mut observation = Observation::new(
                format!("obs-{t:05}-{o:03}"),
                kind,
                name,
                Timestamp::from_unix_nanos(begin),
            );
            observation.trace_id = Some(trace_id.clone());
            if o > 0 {
                let parent = if o % 10 == 1 { 0 } else { o - 1 };
                observation.parent_id = Some(format!("obs-{t:05}-{parent:03}"));
            }
            observation.status = Status::Completed;
            observation.ended_at = Some(Timestamp::from_unix_nanos(begin + 200_000_000));
            let (input, output) = contents(kind, language, t, o);
            observation.input = Some(payload(t, input));
            observation.output = Some(payload(t, output));
            if kind == ObservationType::Generation {
                observation.model = Some("gpt-4o".into());
                observation.provider = Some("openai".into());
            } else if kind == ObservationType::Span {
                observation.metadata = Some(payload(
                    t,
                    json!({"template": "reply-v3", "locale": language.code(), "attempt": 1 + o % 3}),
                ));
            }
            batch.observations.push(observation);
        }
    }
    let mut store = Store::new();
    store.import(batch).expect("generated data is valid");
    store
}

/// The input and output of one observation.
fn contents(kind: ObservationType, language: Language, t: usize, o: usize) -> (Value, Value) {
    let account = account(t, o);
    match kind {
        ObservationType::Agent => (json!(language.question(t)), json!(language.answer(t))),
        ObservationType::Generation => (
            json!([
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": language.question(t)},
                {"role": "assistant", "content": null, "tool_calls": [{
                    "id": format!("call_{t}_{o}"), "type": "function",
                    "function": {"name": "lookup_account", "arguments": format!("{{\"project\":\"p-{t}\"}}")}
                }]},
                {"role": "tool", "tool_call_id": format!("call_{t}_{o}"), "content": account.to_string()}
            ]),
            json!({"role": "assistant", "content": language.answer(t)}),
        ),
        ObservationType::Tool => (json!({"project": format!("p-{t}")}), account),
        ObservationType::Retriever => (
            json!(language.question(t)),
            json!((0..3)
                .map(|d| json!({"id": format!("doc-{}", (t + o + d) % 311), "score": 0.91 - d as f64 / 10.0, "text": DOCS[(t + o + d) % DOCS.len()]}))
                .collect::<Vec<_>>()),
        ),
        _ => (
            json!({"draft": language.answer(t).chars().take(120).collect::<String>()}),
            json!({"reply": language.answer(t).chars().take(200).collect::<String>(), "format": "markdown"}),
        ),
    }
}

/// What the account tool returns: a few hundred bytes, and in 5 traces of
/// 500 an invoice number found nowhere else.
fn account(t: usize, o: usize) -> Value {
    let note = if t % 100 == 42 && o == 2 {
        "Invoice 4417 is overdue by 12 days; keys stay active until it is paid."
    } else {
        "Account in good standing."
    };
    let plan = ["free", "team", "enterprise"][t % 3];
    let region = ["eu-west-1", "us-east-1", "ap-northeast-1"][t % 3];
    json!({
        "project": format!("p-{t}"), "plan": plan, "region": region,
        "keys": [
            {"id": format!("key_{:08x}", t * 7919 + o), "created": "2025-01-14T09:12:44Z", "last_used": "2025-03-02T17:40:01Z", "scopes": ["read", "write"]},
            {"id": format!("key_{:08x}", t * 104_729 + o), "created": "2025-02-27T11:03:19Z", "last_used": null, "scopes": ["read"]}
        ],
        "note": note
    })
}

/// JSON for a payload; half the traces not in English (one in five) come
/// escaped, as Python's `json.dumps` writes them (`\u4e2d`).
fn payload(t: usize, value: Value) -> Json {
    if t % 10 < 6 || t % 20 >= 10 {
        return Json::from(value);
    }
    let mut escaped = String::new();
    for c in value.to_string().chars() {
        if c.is_ascii() {
            escaped.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                escaped.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    Json::parse(&escaped).expect("escaped JSON stays valid")
}

#[derive(Clone, Copy)]
enum Language {
    English,
    Japanese,
    Russian,
    French,
    Arabic,
}

impl Language {
    fn of(t: usize) -> Language {
        match t % 10 {
            6 => Language::Japanese,
            7 => Language::Russian,
            8 => Language::French,
            9 => Language::Arabic,
            _ => Language::English,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Japanese => "ja",
            Language::Russian => "ru",
            Language::French => "fr",
            Language::Arabic => "ar",
        }
    }

    fn question(self, t: usize) -> String {
        match self {
            Language::English => format!("How do I rotate the API key for project p-{t} without downtime? We deploy from CI every {} minutes and the old key is still used by two workers.", 5 + t % 25),
            Language::Japanese => format!("プロジェクトp-{t}のAPIキーを停止せずにローテーションするにはどうすればいいですか？東京リージョンで運用していて、CIから{}分ごとにデプロイしています。", 5 + t % 25),
            Language::Russian => format!("Как выполнить смену ключа API для проекта p-{t} без простоя? Мы выкладываем из CI каждые {} минут, и старый ключ ещё используют два воркера.", 5 + t % 25),
            Language::French => format!("Comment faire la rotation de la clé d'API du projet p-{t} sans interruption ? Nous déployons depuis la CI toutes les {} minutes et l'ancienne clé est encore utilisée.", 5 + t % 25),
            Language::Arabic => format!("كيف أقوم بتدوير مفتاح API للمشروع p-{t} دون توقف؟ ننشر من CI كل {} دقيقة والمفتاح القديم ما زال مستخدماً.", 5 + t % 25),
        }
    }

    fn answer(self, t: usize) -> String {
        match self {
            Language::English => format!("To rotate the key for p-{t} without downtime:\n1. Create a second key in Settings → API keys.\n2. Deploy it to your workers and CI secrets.\n3. Watch \"last used\" on the old key until it stops changing.\n4. Revoke the old key.\nBoth keys work at the same time, so nothing fails in between (see docs section 4.2, \"Key rotation\")."),
            Language::Japanese => format!("p-{t}のキーを停止なしでローテーションする手順：\n1. 設定 → APIキーで2本目のキーを作成します。\n2. ワーカーとCIのシークレットに配布します。\n3. 古いキーの「最終使用」が更新されなくなるまで確認します。\n4. 古いキーを無効化します。\n東京リージョンでも両方のキーが同時に有効です（ドキュメント4.2節）。"),
            Language::Russian => format!("Смена ключа для p-{t} без простоя:\n1. Создайте второй ключ в «Настройки → Ключи API».\n2. Разверните его на воркерах и в секретах CI.\n3. Следите за «последним использованием» старого ключа.\n4. Отзовите старый ключ.\nОба ключа работают одновременно (раздел 4.2 документации)."),
            Language::French => format!("Pour faire la rotation de la clé de p-{t} sans interruption :\n1. Créez une deuxième clé dans Paramètres → Clés d'API.\n2. Déployez-la sur vos workers et dans les secrets de la CI.\n3. Surveillez « dernière utilisation » de l'ancienne clé.\n4. Révoquez l'ancienne clé.\nLes deux clés fonctionnent en même temps (section 4.2 de la documentation)."),
            Language::Arabic => format!("لتدوير مفتاح p-{t} دون توقف:\n1. أنشئ مفتاحاً ثانياً من الإعدادات ← مفاتيح API.\n2. انشره على العمال وأسرار CI.\n3. راقب «آخر استخدام» للمفتاح القديم.\n4. ألغِ المفتاح القديم.\nيعمل المفتاحان معاً في الوقت نفسه (القسم 4.2 من الوثائق)."),
        }
    }
}

const SYSTEM: &str = "You are the support assistant of Acme Cloud. Answer briefly and cite the documentation section you used. Call a tool whenever the answer depends on live account data (keys, plan, region, invoices). Never reveal API keys, internal hostnames or other customers' data. If the user asks about billing, check the account tool first and quote the amounts exactly.";

const DOCS: [&str; 4] = [
    "Key rotation. Every project may hold two active API keys at once. Create the new key, deploy it everywhere the old one is used, then revoke the old key; requests signed with either key succeed until the old one is revoked. The \"last used\" column updates within a minute of a request, so it tells you when no worker still sends the old key.",
    "Regions. Projects run in eu-west-1, us-east-1 or ap-northeast-1, chosen at creation and fixed afterwards. Keys are global: a key created in one region's console works against every region's endpoint, but rate limits are counted per region and per key.",
    "Billing. Invoices are issued on the first of the month and are due within 30 days. Overdue invoices do not disable keys for 14 days; after that, write requests are refused until the balance is settled, while read requests keep working so you can export your data.",
    "Continuous integration. Store keys as masked secrets in your CI provider, never in the repository. When rotating, update the secret before the next pipeline run; pipelines started before the update keep the old value until they finish.",
];
