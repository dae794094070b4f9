//! `Send` requirements: futures handed to spawners, boxed as `Send`,
//! axum handlers, `#[async_trait]`, and their spread through async calls.

use super::*;

/// After all units: which async fns run inside a future that must be `Send`.
pub(in crate::analysis::model) fn propagate_send(m: &mut Model<'_>) {
    let mut required: HashMap<(String, bool), String> = HashMap::new();
    for t in &m.send_targets {
        required
            .entry((t.name.clone(), t.is_method))
            .or_insert_with(|| t.why.clone());
    }
    loop {
        let mut changed = false;
        for i in 0..m.bodies.len() {
            if m.bodies[i].kind != BodyKind::AsyncFn || m.bodies[i].send.is_some() {
                continue;
            }
            let Some(name) = m.bodies[i].name.clone() else {
                continue;
            };
            let is_method = m.bodies[i]
                .fn_index
                .and_then(|f| m.fns.get(f))
                .is_some_and(|f| f.sig.receiver().is_some());
            if let Some(why) = required.get(&(name.clone(), is_method)) {
                m.bodies[i].send = Some(SendReason::Required(why.clone()));
                changed = true;
            }
        }
        for c in &m.async_calls {
            let key = (c.name.clone(), c.is_method);
            if required.contains_key(&key) {
                continue;
            }
            if let Some(why) = m.send_reason(c.body) {
                let why = format!(
                    "`{}` is awaited in a future that must be `Send` ({why})",
                    c.name
                );
                required.insert(key, why);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

impl<'a> Walker<'_, 'a> {
    /// `tokio::spawn(handle(conn))`: `handle`'s future must be `Send`.
    /// Through wrappers whose future is `Send` exactly when the wrapped one
    /// is: `timeout(d, handle(conn))`, `Box::pin(..)`, `.instrument(..)`.
    pub(super) fn spawned_call(&mut self, a: &'a Expr, what: &str) {
        match strip(a) {
            Expr::Call(c) => {
                if let Some(segs) = syntax::path_segs(&c.func) {
                    let path = self.resolve_at(&segs, &c.func);
                    let wrapped =
                        if path.is("tokio::time::timeout") || path.is("tokio::time::timeout_at") {
                            c.args.iter().nth(1)
                        } else if path.is("std::boxed::Box::pin") || path.is("Box::pin") {
                            c.args.first()
                        } else {
                            None
                        };
                    if let Some(inner) = wrapped {
                        return self.spawned_call(inner, what);
                    }
                    let last = segs.last().cloned().unwrap_or_default();
                    if self.m.names.async_fn(&last, false) {
                        self.m.send_targets.push(SendTarget {
                            name: last.clone(),
                            is_method: false,
                            why: format!("`{last}` is spawned with {what}"),
                        });
                    }
                }
            }
            Expr::MethodCall(mc) if mc.method == "instrument" || mc.method == "in_current_span" => {
                self.spawned_call(&mc.receiver, what)
            }
            Expr::MethodCall(mc) => {
                let n = mc.method.to_string();
                if self.m.names.async_fn(&n, true) {
                    self.m.send_targets.push(SendTarget {
                        name: n.clone(),
                        is_method: true,
                        why: format!("`{n}` is spawned with {what}"),
                    });
                }
            }
            _ => {}
        }
    }

    /// The enclosing fn returns a `Send` future (`BoxFuture`, `Pin<Box<dyn Future + Send>>`).
    pub(super) fn fn_returns_send(&self) -> bool {
        use quote::ToTokens;
        for f in self.frames.iter().rev() {
            if let Some(i) = self.m.bodies[f.body].fn_index {
                let mut out = self.m.fns[i].sig.output.to_token_stream().to_string();
                // `-> Self::Future` with `type Future = Pin<Box<dyn Future<..> + Send>>;`
                if let Some(assoc) = out.split("Self :: ").nth(1) {
                    let name = assoc
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap_or("");
                    if let Some((_, t)) = self.impl_types.iter().find(|(n, _)| n == name) {
                        out = t.clone();
                    }
                }
                return out.contains("Send")
                    || (out.contains("BoxFuture") && !out.contains("LocalBoxFuture"));
            }
        }
        false
    }

    /// `get(handler)` / `.route("/", post(handler))`: axum requires a
    /// handler's future to be `Send`.
    pub(super) fn axum_handlers(
        &mut self,
        name: &str,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
    ) {
        if !matches!(
            name,
            "get"
                | "post"
                | "put"
                | "delete"
                | "patch"
                | "head"
                | "options"
                | "any"
                | "on"
                | "trace"
        ) {
            return;
        }
        if !(self.m.names.mentions("axum") || self.m.names.mentions("Router")) {
            return;
        }
        for a in args {
            if let Some(h) = syntax::ident_of(a)
                && self.m.names.async_fn(&h, false)
            {
                self.m.send_targets.push(SendTarget {
                    name: h.clone(),
                    is_method: false,
                    why: format!(
                        "`{h}` is an axum handler, and axum requires its future to be `Send`"
                    ),
                });
            }
        }
    }
}

/// `#[async_trait]` -> Some(true); `#[async_trait(?Send)]` -> Some(false).
pub(super) fn async_trait_attr(attrs: &[syn::Attribute]) -> Option<bool> {
    attrs.iter().find_map(|a| {
        if a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "async_trait")
        {
            let not_send =
                matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().contains("Send"));
            Some(!not_send)
        } else {
            None
        }
    })
}
