// The registrar-mock inspector. It draws the document the mock sends (GET /ui/view, then
// the event stream at /ui/events) and acts only through the control API. The document
// says what each workflow waits for and which calls settle it, so no rule of the mock
// is repeated here. Text is always set as text, never parsed as HTML.
"use strict";

(() => {
  const ROOT = "/__mock__";
  // sessionStorage: one tab's, gone when it closes; never a cookie, never in a URL.
  const TOKEN_KEY = "registrar-mock:control-token";
  const MAX_ROWS = 1000;
  const $ = (id) => document.getElementById(id);

  let view = null; // the last document drawn
  let clockAt = 0; // performance.now() when the clock's time arrived
  let lastSeq = 0; // the newest journal entry shown

  // --- building the page ------------------------------------------------------------

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  // Redraw a part of the page, keeping the keyboard's place: the element with the same
  // data-key as the one that had focus gets it back.
  function redraw(container, ...children) {
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.dataset.key : undefined;
    container.replaceChildren(...children.flat());
    if (key !== undefined) {
      const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
      if (again) again.focus();
    }
  }

  function when(text) {
    if (!text) return "—";
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) return text;
    return date.toISOString().replace("T", " ").replace(/(\.000)?Z$/, " UTC");
  }

  function table(caption, headings, rows, empty) {
    if (!rows.length) return el("p", { class: "empty" }, empty);
    return el(
      "div",
      { class: "scroll" },
      el(
        "table",
        {},
        el("caption", { class: "visually-hidden" }, caption),
        el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows),
      ),
    );
  }

  // --- talking to the control API ---------------------------------------------------

  class Failure extends Error {
    constructor(status, errors) {
      const text = (errors || []).map((item) => item.message).join("; ");
      super(text || `HTTP ${status}`);
      this.status = status;
    }
  }

  let asking = null;
  function askToken(refused) {
    if (asking) return asking;
    asking = new Promise((resolve) => {
      const dialog = $("token-dialog");
      const input = $("token-input");
      $("token-why").textContent = refused
        ? "That token was refused. Enter the token the server was started with (--control-token)."
        : "This server was started with --control-token. Enter it once: this tab keeps it until you close it.";
      input.value = "";
      $("token-form").onsubmit = (event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        sessionStorage.setItem(TOKEN_KEY, token);
        dialog.close();
        asking = null;
        resolve();
      };
      if (!dialog.open) dialog.showModal();
      input.focus();
    });
    return asking;
  }

  function headers(extra) {
    const sent = { Accept: "application/json", ...extra };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) sent.Authorization = `Bearer ${token}`;
    return sent;
  }

  async function api(method, path, body) {
    for (;;) {
      const init = { method, cache: "no-store", credentials: "omit" };
      if (method === "GET") {
        init.headers = headers();
      } else {
        // The control API takes changes only as JSON: what no other site's form can send.
        init.headers = headers({ "Content-Type": "application/json" });
        init.body = JSON.stringify(body ?? {});
      }
      let response;
      try {
        response = await fetch(ROOT + path, init);
      } catch (error) {
        if (error instanceof TypeError && init.headers.Authorization) {
          sessionStorage.removeItem(TOKEN_KEY); // a token no header can carry
          await askToken(true);
          continue;
        }
        throw new Error("The mock did not answer: is it still running?");
      }
      if (response.status === 401) {
        const had = sessionStorage.getItem(TOKEN_KEY) !== null;
        sessionStorage.removeItem(TOKEN_KEY);
        await askToken(had);
        continue;
      }
      let envelope;
      try {
        envelope = await response.json();
      } catch {
        throw new Failure(response.status, []);
      }
      if (!envelope.success) throw new Failure(response.status, envelope.errors);
      return envelope.result;
    }
  }

  function say(text) {
    $("problem").textContent = "";
    $("notice").textContent = text;
  }

  function complain(error) {
    $("notice").textContent = "";
    $("problem").textContent = error.message;
  }

  // Run a change, say how it went, and draw the result at once (the stream follows).
  async function act(done, work) {
    $("problem").textContent = "";
    try {
      const result = await work();
      say(typeof done === "function" ? done(result) : done);
      draw(await api("GET", "/ui/view"));
    } catch (error) {
      complain(error);
    }
    // The button pressed may be gone (a workflow moved on, a rule removed): the keyboard
    // goes on from the message saying what happened, not from the top of the page.
    if (!document.activeElement || document.activeElement === document.body) {
      const message = $("problem").textContent ? $("problem") : $("notice");
      message.focus();
    }
  }

  // --- drawing the document ---------------------------------------------------------

  function draw(document_) {
    view = document_;
    clockAt = performance.now();
    drawOverview(document_);
    drawAccounts(document_.accounts, document_.scenario);
    drawRegistrations(document_.accounts);
    drawTransfers(document_.accounts);
    drawCharges(document_.accounts);
    drawFaults(document_.faults);
    drawOperations(document_.operations);
    if (document_.journal) pruneJournal(document_.journal);
  }

  function drawOverview(doc) {
    $("scenario-name").textContent = doc.scenario.name;
    $("scenario-description").textContent = doc.scenario.description || "—";
    drawClock(doc.clock);
    const select = $("scenario-select");
    const names = doc.scenarios.join("\n");
    if (select.dataset.names !== names) {
      select.dataset.names = names;
      select.replaceChildren(...doc.scenarios.map((name) => el("option", { value: name }, name)));
    }
    if (document.activeElement !== select) select.value = doc.scenario.name;
  }

  function drawClock(clock) {
    view.clock = clock;
    clockAt = performance.now();
    showTime();
    $("clock-mode").textContent = clock.virtual
      ? "(virtual: it moves only when told)"
      : clock.time_scale
        ? `(running, ×${clock.time_scale})`
        : "(fixed)";
  }

  // A running clock is drawn moving between updates, at its scale.
  function showTime() {
    if (!view) return;
    const clock = view.clock;
    let instant = new Date(clock.now);
    if (clock.time_scale) {
      instant = new Date(instant.getTime() + (performance.now() - clockAt) * clock.time_scale);
    }
    const node = $("clock-now");
    node.dateTime = instant.toISOString();
    node.textContent = when(instant.toISOString());
  }

  function drawAccounts(accounts, scenario) {
    const rows = accounts.map((account) =>
      el(
        "tr",
        { class: account.domains >= account.limit ? "full" : null },
        el("th", { scope: "row" }, el("code", {}, account.id)),
        el("td", {}, account.environment),
        el("td", {}, billing(account.billing)),
        el("td", {}, account.contact ? `${account.contact.name} <${account.contact.email}>` : "none"),
        el("td", {}, `${account.domains} of ${account.limit}`),
      ),
    );
    const empty = scenario.open_accounts
      ? "No account yet: this world serves any account id, and shows one once it is used."
      : "No accounts.";
    redraw(
      $("accounts-body"),
      table("Accounts", ["Account", "Environment", "Billing", "Default contact", "Domains"], rows, empty),
    );
  }

  function billing(value) {
    if (value === null) return "not billed (sandbox)";
    return value ? "billing profile" : "no billing profile";
  }

  function drawRegistrations(accounts) {
    const cards = [];
    for (const account of accounts) {
      for (const registration of account.registrations) {
        cards.push(registrationCard(account, registration));
      }
      if (account.more_registrations) {
        cards.push(el("p", { class: "empty" }, `…and ${account.more_registrations} more in ${account.id}`));
      }
    }
    redraw($("registrations-body"), cards.length ? cards : el("p", { class: "empty" }, "No registrations yet."));
  }

  function registrationCard(account, registration) {
    const key = `${account.environment}:${account.id}:${registration.domain_name}`;
    const title = `registration-${cards_id(key)}`;
    return el(
      "article",
      { class: "card", "aria-labelledby": title, dataset: { domain: registration.domain_name } },
      el("h3", { id: title }, registration.domain_name, " ", badge(registration.status)),
      el(
        "dl",
        { class: "facts compact" },
        fact("Account", el("code", {}, account.id), account.environment === "sandbox" ? " (sandbox)" : ""),
        fact("Expires", when(registration.expires_at)),
        fact("Auto-renew", registration.auto_renew ? "on" : "off"),
        fact("Locked", registration.locked ? "yes" : "no"),
      ),
      registration.workflows.map((workflow) => workflowView(workflow, `${key}:${workflow.kind}`)),
    );
  }

  function drawTransfers(accounts) {
    const cards = [];
    for (const account of accounts) {
      for (const transfer of account.transfers) {
        const key = `${account.environment}:${account.id}:${transfer.domain_name}:transfer`;
        const title = `transfer-${cards_id(key)}`;
        cards.push(
          el(
            "article",
            { class: "card", "aria-labelledby": title, dataset: { domain: transfer.domain_name } },
            el("h3", { id: title }, transfer.domain_name),
            el("dl", { class: "facts compact" }, fact("Account", el("code", {}, account.id))),
            workflowView(transfer, key),
          ),
        );
      }
    }
    $("transfers").hidden = !cards.length;
    redraw($("transfers-body"), cards);
  }

  function cards_id(key) {
    return key.replace(/[^A-Za-z0-9_-]/g, "_");
  }

  function fact(name, ...value) {
    return el("div", {}, el("dt", {}, name), el("dd", {}, value));
  }

  function badge(state) {
    return el("span", { class: `badge state-${state}` }, state);
  }

  // 0.25 -> "250ms", 60 -> "1m", 432000 -> "5d": how long a step holds, in the units
  // the Advance by field takes.
  function span(seconds) {
    if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
    for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]]) {
      if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
    }
    return `${seconds}s`;
  }

  function stepSpan(step) {
    if (step.seconds !== null) return span(step.seconds);
    if (step.polls !== null) return `${step.polls} polls`;
    return ["succeeded", "failed"].includes(step.state) ? "" : "waits";
  }

  function workflowView(workflow, key) {
    const label = `${workflow.kind.replace("_", " ")} workflow`;
    const steps = workflow.steps.map((step, index) => {
      const current = index === workflow.current;
      const classes = ["step", `state-${step.state}`];
      if (index < workflow.current) classes.push("done");
      if (current) classes.push("current");
      if (current && workflow.state === "failed" && step.state !== "failed") classes.push("state-failed");
      return el(
        "li",
        { class: classes.join(" "), "aria-current": current ? "step" : null },
        el("span", { class: "step-state" }, step.state),
        el("span", { class: "step-span" }, stepSpan(step)),
      );
    });
    const buttons = workflow.actions.map((action) =>
      el(
        "button",
        {
          type: "button",
          class: action.label === "Reject" ? "danger" : "primary",
          dataset: { key: `${key}:${action.label}` },
          onclick: () =>
            act(`${action.label === "Confirm" ? "Confirmed" : "Rejected"} ${workflow.domain_name}`, () =>
              api("POST", action.path, action.body),
            ),
        },
        action.label,
      ),
    );
    return el(
      "section",
      { class: "workflow", "aria-label": `${label} of ${workflow.domain_name}` },
      el("p", { class: "workflow-title" }, el("strong", {}, label), " ", badge(workflow.state)),
      el("ol", { class: "timeline", "aria-label": "Steps" }, steps),
      workflow.waiting_for ? el("p", { class: "waits" }, "Waits for ", workflow.waiting_for) : null,
      workflow.error
        ? el("p", { class: "error" }, el("code", {}, workflow.error.code), " ", workflow.error.message)
        : null,
      workflow.ends_at && workflow.state !== "succeeded" && workflow.state !== "failed"
        ? el("p", { class: "hint" }, "Ends by itself at ", when(workflow.ends_at))
        : null,
      buttons.length ? el("div", { class: "row actions" }, buttons) : null,
    );
  }

  function drawCharges(accounts) {
    const rows = [];
    for (const account of accounts) {
      for (const charge of account.charges) {
        rows.push(
          el(
            "tr",
            {},
            el("td", {}, el("code", {}, account.id)),
            el("th", { scope: "row" }, charge.domain_name),
            el("td", {}, charge.kind),
            el("td", { class: "number" }, `${charge.amount} ${charge.currency}`),
            el("td", { class: "number" }, String(charge.years)),
            el("td", {}, when(charge.at)),
          ),
        );
      }
    }
    redraw(
      $("charges-body"),
      table("Charges", ["Account", "Domain", "Kind", "Amount", "Years", "At"], rows, "Nothing charged yet."),
    );
  }

  function describeEffect(effect) {
    const parts = [];
    if (effect.status) parts.push(`${effect.status}${effect.code ? ` (code ${effect.code})` : ""}${effect.message ? `: ${effect.message}` : ""}`);
    if (effect.latency) parts.push(`+${effect.latency}s latency`);
    if (effect.drop) parts.push(`drop ${effect.drop}`);
    if (effect.headers) parts.push(Object.entries(effect.headers).map(([k, v]) => `${k}: ${v}`).join(", "));
    return parts.join("; ") || "nothing";
  }

  function describeWhen(rule) {
    const parts = [];
    if (rule.probability !== undefined) parts.push(`with probability ${rule.probability}`);
    if (rule.nth !== undefined) parts.push(`on request ${rule.nth}`);
    if (rule.every !== undefined) parts.push(`every ${rule.every}`);
    if (rule.times !== undefined) parts.push(`at most ${rule.times} times`);
    return parts.join(", ") || "every time";
  }

  function drawFaults(faults) {
    const rows = faults.map((rule) =>
      el(
        "tr",
        {},
        el("th", { scope: "row" }, el("code", {}, rule.id)),
        el("td", {}, rule.operations ? rule.operations.join(", ") : "every operation", rule.account ? ` · ${rule.account}` : ""),
        el("td", {}, describeWhen(rule)),
        el("td", {}, describeEffect(rule.effect)),
        el("td", { class: "number" }, String(rule.seen)),
        el("td", { class: "number" }, String(rule.fired)),
        el(
          "td",
          {},
          el(
            "button",
            {
              type: "button",
              class: "danger",
              "aria-label": `Remove fault ${rule.id}`,
              dataset: { key: `fault:${rule.id}` },
              onclick: () => act(`Removed fault ${rule.id}`, () => api("DELETE", `/faults/${encodeURIComponent(rule.id)}`)),
            },
            "Remove",
          ),
        ),
      ),
    );
    redraw(
      $("faults-body"),
      table("Fault rules", ["Rule", "Matches", "Fires", "Effect", "Seen", "Fired", ""], rows, "No fault rules."),
    );
  }

  function drawOperations(operations) {
    const select = $("fault-operation");
    const names = operations.join("\n");
    if (select.dataset.names === names) return;
    select.dataset.names = names;
    const chosen = select.value;
    select.replaceChildren(
      el("option", { value: "" }, "Every operation"),
      ...operations.map((name) => el("option", { value: name }, name)),
    );
    select.value = chosen;
  }

  // --- the journal --------------------------------------------------------------------

  function addJournal(entries) {
    const body = $("journal-body");
    for (const entry of entries) {
      lastSeq = Math.max(lastSeq, entry.seq);
      const status = entry.dropped ? "dropped" : String(entry.status);
      const row = el(
        "tr",
        {
          class: `entry status-${entry.dropped ? "dropped" : String(entry.status)[0]}xx`,
          dataset: {
            seq: String(entry.seq),
            search: [entry.method, entry.path, entry.query, entry.operation || "no route", status, entry.account || ""]
              .join(" ")
              .toLowerCase(),
          },
        },
        el(
          "td",
          {},
          el(
            "button",
            {
              type: "button",
              class: "link",
              "aria-expanded": "false",
              onclick: (event) => toggleEntry(event.currentTarget, entry.seq),
            },
            `#${entry.seq}`,
            el("span", { class: "visually-hidden" }, " details"),
          ),
        ),
        el("td", {}, el("time", { datetime: entry.at }, when(entry.at))),
        el("td", {}, entry.method),
        el("td", { class: "path" }, entry.path, entry.query ? `?${entry.query}` : ""),
        el("td", {}, entry.operation || el("span", { class: "subtle" }, "no route")),
        el("td", { class: "status" }, status),
        el("td", { class: "number" }, `${entry.duration_ms.toFixed(1)} ms`),
      );
      body.prepend(row);
    }
    while (body.rows.length > MAX_ROWS) body.lastElementChild.remove();
    filterJournal();
  }

  function pruneJournal(span) {
    const body = $("journal-body");
    if (span.last < lastSeq) {
      // A new journal (the server restarted): start the table again.
      body.replaceChildren();
      lastSeq = 0;
    }
    for (const row of [...body.rows]) {
      const seq = Number(row.dataset.seq || row.dataset.detailsOf);
      if (seq < span.first) row.remove();
    }
    filterJournal();
  }

  function filterJournal() {
    const words = $("journal-filter").value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    let total = 0;
    for (const row of $("journal-body").rows) {
      if (row.dataset.detailsOf) {
        const entry = row.previousElementSibling;
        row.hidden = !entry || entry.hidden;
        continue;
      }
      total += 1;
      const match = words.every((word) => row.dataset.search.includes(word));
      row.hidden = !match;
      if (match) shown += 1;
    }
    const requests = (n) => `${n} ${n === 1 ? "request" : "requests"}`;
    $("journal-count").textContent = words.length ? `${shown} of ${requests(total)}` : requests(total);
  }

  async function toggleEntry(button, seq) {
    const row = button.closest("tr");
    const next = row.nextElementSibling;
    if (next && next.dataset.detailsOf === String(seq)) {
      next.remove();
      button.setAttribute("aria-expanded", "false");
      return;
    }
    button.setAttribute("aria-expanded", "true");
    const cell = el("td", { colspan: "7" }, "Loading…");
    row.after(el("tr", { class: "details", dataset: { detailsOf: String(seq) } }, cell));
    try {
      const entry = await api("GET", `/journal/${seq}`);
      cell.replaceChildren(entryDetails(entry));
    } catch (error) {
      cell.replaceChildren(el("p", { class: "error" }, error.message));
    }
  }

  function entryDetails(entry) {
    const shown = (value) => (value === null || value === undefined ? "(empty)" : typeof value === "string" ? value : JSON.stringify(value, null, 2));
    const headerList = (found) =>
      el("dl", { class: "headers" }, Object.entries(found).map(([name, value]) => el("div", {}, el("dt", {}, name), el("dd", {}, value))));
    return el(
      "div",
      { class: "entry-details" },
      el(
        "div",
        {},
        el("h4", {}, "Request"),
        headerList(entry.request_headers),
        el("pre", { tabindex: "0", "aria-label": `Request ${entry.seq} body` }, shown(entry.request_body)),
      ),
      el(
        "div",
        {},
        el("h4", {}, entry.dropped ? "Response: none, the connection was dropped" : `Response ${entry.status}`),
        headerList(entry.response_headers),
        el("pre", { tabindex: "0", "aria-label": `Response ${entry.seq} body` }, shown(entry.response_body)),
      ),
      entry.near_miss
        ? el("div", { class: "near-miss" }, el("h4", {}, "Closest operation"), el("pre", {}, JSON.stringify(entry.near_miss, null, 2)))
        : null,
    );
  }

  // --- the event stream ---------------------------------------------------------------

  function connection(text, live) {
    const node = $("connection");
    node.textContent = text;
    node.classList.toggle("live", live);
  }

  function dispatch(block) {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    }
    if (!data.length) return;
    const payload = JSON.parse(data.join("\n"));
    if (name === "view") draw(payload);
    else if (name === "clock" && view) drawClock(payload);
    else if (name === "journal") {
      pruneJournal(payload);
      addJournal(payload.entries);
    }
  }

  // Server-sent events read through fetch, so the control token travels in a header (an
  // EventSource can send none).
  async function listen() {
    for (;;) {
      try {
        const response = await fetch(`${ROOT}/ui/events?after=${lastSeq}`, {
          headers: headers({ Accept: "text/event-stream" }),
          cache: "no-store",
          credentials: "omit",
        });
        if (response.status === 401) {
          const had = sessionStorage.getItem(TOKEN_KEY) !== null;
          sessionStorage.removeItem(TOKEN_KEY);
          await askToken(had);
          continue;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        connection("Live", true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
        // A stream lasts a minute, then ends cleanly: pick it up again at once.
        continue;
      } catch {
        // Reconnect below: the server stopped or restarted, or the network blinked.
      }
      connection("Reconnecting…", false);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  // --- the forms ------------------------------------------------------------------------

  function advance(by) {
    return act(`Advanced the clock by ${by}`, () => api("POST", "/clock/advance", { by }));
  }

  function readFile(input) {
    const file = input.files && input.files[0];
    input.value = "";
    return file;
  }

  function faultRule(form) {
    const value = (name) => form.elements[name].value.trim();
    const effect = {};
    if (value("status")) effect.status = Number(value("status"));
    if (value("code")) effect.code = Number(value("code"));
    if (value("message")) effect.message = value("message");
    if (value("latency")) effect.latency = value("latency");
    if (value("drop")) effect.drop = value("drop");
    const rule = { effect };
    if (value("operation")) rule.operations = [value("operation")];
    if (value("times")) rule.times = Number(value("times"));
    if (value("probability")) rule.probability = Number(value("probability"));
    return rule;
  }

  function wire() {
    $("advance-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const by = $("advance-by").value.trim();
      if (by) advance(by);
    });
    for (const button of document.querySelectorAll("[data-advance]")) {
      button.addEventListener("click", () => advance(button.dataset.advance));
    }
    $("scenario-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const scenario = $("scenario-select").value;
      act(`Switched to ${scenario}`, () => api("POST", "/reset", { scenario }));
    });
    $("reset").addEventListener("click", () => act("Reset to the scenario's start", () => api("POST", "/reset", {})));
    $("scenario-file").addEventListener("change", async (event) => {
      const file = readFile(event.currentTarget);
      if (!file) return;
      const text = await file.text();
      act(`Loaded ${file.name}`, () => api("POST", "/reset", { text, name: file.name }));
    });
    $("download-state").addEventListener("click", () =>
      act("Downloaded the state", async () => {
        const state = await api("GET", "/state");
        const blob = new Blob([JSON.stringify(state, null, 2)], { type: "application/json" });
        const url = URL.createObjectURL(blob);
        const link = el("a", { href: url, download: `registrar-mock-state-${view ? view.scenario.name : "export"}.json` });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      }),
    );
    $("state-file").addEventListener("change", async (event) => {
      const file = readFile(event.currentTarget);
      if (!file) return;
      const text = await file.text();
      act(`Restored the state from ${file.name}`, () => {
        let state;
        try {
          state = JSON.parse(text);
        } catch {
          throw new Error(`${file.name} is not JSON: upload a file that Download state saved`);
        }
        return api("PUT", "/state", state);
      });
    });
    $("fault-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.currentTarget;
      act(
        (rule) => `Added fault ${rule.id}`,
        async () => {
          const rule = await api("POST", "/faults", faultRule(form));
          form.reset();
          return rule;
        },
      );
    });
    $("journal-filter").addEventListener("input", filterJournal);
    $("clear-journal").addEventListener("click", () =>
      act("Cleared the journal", async () => {
        await api("DELETE", "/journal");
        $("journal-body").replaceChildren();
        filterJournal();
      }),
    );
    $("token-dialog").addEventListener("cancel", (event) => event.preventDefault());
    setInterval(showTime, 1000);
  }

  async function start() {
    wire();
    try {
      draw(await api("GET", "/ui/view"));
    } catch (error) {
      complain(error);
    }
    listen();
  }

  start();
})();
