// tandem's chat page: ask, follow the session's events, review and edit the plan, approve,
// read the SQL, the rows (paged, CSV, a chart when one fits) and what the answer cost; for a
// transform, review its sandbox preview and apply it, export it, go back to the plan or cancel.
// Plain DOM, no dependencies; text from the server is only ever set as textContent.
"use strict";

const PAGE_SIZE = 20;
const state = { session: null, stream: null, turns: new Map(), key: sessionStorage.getItem("tandem-key") || "" };

const $ = (selector, root = document) => root.querySelector(selector);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child);
  }
  return node;
}

// ---- HTTP -------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function headers(extra = {}) {
  const h = { ...extra };
  if (state.key) h["Authorization"] = "Bearer " + state.key;
  return h;
}

async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, "network", "The server cannot be reached. Is tandem serve still running?");
  }
  if (response.status === 401) askForKey("The server needs a valid API key.");
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!response.ok) {
    const error = data && data.error ? data.error : { code: "http_" + response.status, message: text || response.statusText };
    throw new ApiError(response.status, error.code, error.message);
  }
  return data;
}

// ---- Events (server-sent events read with fetch, so the key travels in a header) ----------

async function follow(session) {
  if (state.stream) state.stream.abort();
  const controller = new AbortController();
  state.stream = controller;
  let retry = 0;
  while (!controller.signal.aborted && state.session === session) {
    try {
      const response = await fetch(`/api/sessions/${encodeURIComponent(session)}/events`, {
        headers: headers({ Accept: "text/event-stream" }),
        signal: controller.signal,
      });
      if (response.status === 401) { askForKey("The server needs a valid API key."); return; }
      if (!response.ok || !response.body) throw new Error("event stream refused: " + response.status);
      retry = 0;
      await readEvents(response.body, onEvent);
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    // The stream ended (server restart, network): pick up where the session is.
    retry = Math.min(retry + 1, 5);
    await new Promise((resolve) => setTimeout(resolve, 500 * retry));
  }
}

async function readEvents(body, deliver) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, "");
      let name = "message";
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) {
        try { deliver(name, JSON.parse(data.join("\n"))); } catch (e) { /* a bad event is skipped */ }
      }
    }
  }
}

function onEvent(name, data) {
  if (name === "turn") renderTurn(data);
  else if (name === "progress") showProgress(data);
}

// ---- Asking --------------------------------------------------------------------------------

async function ask(question) {
  showGlobalError(null);
  const path = state.session ? `/api/sessions/${encodeURIComponent(state.session)}/questions` : "/api/sessions";
  const button = $("#ask");
  button.disabled = true;
  try {
    const turn = await api("POST", path, { question });
    const first = state.session !== turn.session;
    state.session = turn.session;
    renderTurn(turn);
    if (first) follow(turn.session);
    $("#question").value = "";
  } catch (e) {
    showGlobalError(e);
  } finally {
    button.disabled = false;
  }
}

function newConversation() {
  if (state.stream) state.stream.abort();
  state.session = null;
  state.turns.clear();
  $("#conversation").replaceChildren();
  $("#empty-hint").hidden = false;
  showGlobalError(null);
  $("#question").focus();
}

// ---- Rendering a turn ---------------------------------------------------------------------

const STATUS_WORDS = {
  planning: "The small model is writing a plan…",
  awaiting_confirmation: "Review the plan, edit it if needed, then approve.",
  running: "The large model is writing SQL; then it is validated and run…",
  answered: "Answered.",
  failed: "No answer.",
  cancelled: "Cancelled.",
  awaiting_approval: "Review the preview: nothing is written until you apply it.",
  applied: "Applied.",
  exported: "Exported as a migration; nothing was written.",
};

const SETTLED = ["answered", "failed", "cancelled", "applied", "exported"];
const DONE = ["answered", "applied", "exported"];

function turnKey(turn) {
  return turn.session + "#" + turn.turn;
}

function renderTurn(turn) {
  $("#empty-hint").hidden = true;
  const key = turnKey(turn);
  let entry = state.turns.get(key);
  if (entry && entry.turn.revision > turn.revision) return; // a stale update
  if (!entry) {
    const node = $("#turn-template").content.firstElementChild.cloneNode(true);
    node.dataset.turn = String(turn.turn);
    $("#conversation").append(node);
    node.scrollIntoView({ block: "nearest" });
    entry = { node, turn, edit: null, page: 0 };
    state.turns.set(key, entry);
  }
  const previous = entry.turn;
  entry.turn = turn;
  const node = entry.node;
  node.dataset.status = turn.status;
  $(".question", node).textContent = turn.question;
  const status = $(".status", node);
  status.textContent = STATUS_WORDS[turn.status] || turn.status;
  status.classList.toggle("done", DONE.includes(turn.status));

  renderPlan(entry, previous);
  renderPreview(entry, previous);
  renderError(node, turn.error);
  renderAnswer(entry);
  const ledger = $(".ledger", node);
  const withCost = ["answered", "failed", "awaiting_approval", "applied", "exported"].includes(turn.status);
  const settledWithCost = withCost && turn.ledger_words && turn.ledger_words.length;
  ledger.hidden = !settledWithCost;
  if (settledWithCost) $(".ledger-words", node).replaceChildren(...turn.ledger_words.map((w) => el("li", { text: capitalise(w) + "." })));
  if (SETTLED.includes(turn.status)) node.scrollIntoView({ block: "nearest" });
}

function capitalise(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

function showProgress(event) {
  if (!state.session) return;
  const entries = [...state.turns.values()].filter((e) => e.turn.session === state.session);
  const entry = entries[entries.length - 1];
  if (!entry || SETTLED.includes(entry.turn.status)) return;
  const words = {
    stage_started: (e) => ({ planned: "Planning…", generated: "Writing SQL…" })[e.stage],
    stage_finished: (e) => e.stage === "planned" ? `Plan written in ${(e.elapsed_ms / 1000).toFixed(1)} s.` : null,
    sql_ready: (e) => e.from_cache ? "SQL from the plan cache; validating…" : "SQL written; validating and running…",
    repair_started: (e) => `Repairing (${e.tier}, attempt ${e.attempt}): ${e.reason}`,
    rows_ready: (e) => `${plural(e.n_rows, "row")} ready.`,
    preview_ready: (e) => `Preview ready: ${plural(e.rows_affected, "row")} would be written` + (e.n_checks_failed ? `; ${plural(e.n_checks_failed, "check")} failed.` : "."),
    applied: (e) => `Applied: ${plural(e.rows_affected, "row")} written.`,
  };
  const say = words[event.event] && words[event.event](event);
  if (say) $(".status", entry.node).textContent = say;
}

function plural(n, word) {
  return `${Number(n).toLocaleString()} ${word}${n === 1 ? "" : "s"}`;
}

function renderError(node, error) {
  const box = $(".turn-error", node);
  box.hidden = !error;
  if (error) box.replaceChildren(el("strong", { text: "Something went wrong: " }), el("span", { text: error.message + " " }), el("span", { class: "code", text: "(" + error.code + ")" }));
}

function showGlobalError(error) {
  const box = $("#global-error");
  box.hidden = !error;
  if (error) box.textContent = error.code && error.code !== "network" ? `${error.message} (${error.code})` : error.message;
}

// ---- The plan card -------------------------------------------------------------------------

const OPS = ["eq", "ne", "lt", "le", "gt", "ge", "like", "in", "between", "is_null", "is_not_null"];
const OP_WORDS = { eq: "=", ne: "≠", lt: "<", le: "≤", gt: ">", ge: "≥", like: "like", in: "in", between: "between", is_null: "is empty", is_not_null: "is not empty" };

function col(c) {
  return c.table ? `${c.table}.${c.column}` : c.column;
}

function parseCol(text) {
  const at = text.lastIndexOf(".");
  return at > 0 ? { table: text.slice(0, at).trim(), column: text.slice(at + 1).trim() } : { table: "", column: text.trim() };
}

function freshEdit(plan) {
  return {
    removedTables: new Set(),
    addedTables: [],
    removedColumns: new Set(),
    addedColumns: [],
    filters: plan.filters.map((f) => ({ original: f, column: col(f.column), op: f.op, value: f.value, removed: false })),
    newFilters: [],
    answers: plan.open_questions.map(() => ""),
    limit: plan.limit === null || plan.limit === undefined ? "" : String(plan.limit),
    transform: plan.transform ? transformFields(plan.transform) : null,
    error: null,
    busy: false,
  };
}

function renderPlan(entry, previous) {
  const { turn, node } = entry;
  const card = $(".plan-card", node);
  if (!turn.plan) { card.hidden = true; return; }
  card.hidden = false;
  const editable = turn.status === "awaiting_confirmation";
  if (editable && (!entry.edit || previous.revision !== turn.revision || previous.status !== turn.status)) entry.edit = freshEdit(turn.plan);
  if (!editable) entry.edit = null;
  card.classList.toggle("readonly", !editable);
  card.replaceChildren(...(editable ? editablePlan(entry) : readonlyPlan(turn.plan)));
  if (editable && previous.status !== "awaiting_confirmation") {
    card.scrollIntoView({ block: "nearest" });
    const approve = $(".approve", card);
    if (approve) approve.focus({ preventScroll: true });
  }
}

function readonlyPlan(plan) {
  const parts = [el("h3", { text: "Plan" })];
  if (plan.transform) parts.push(el("p", { class: "summary transform-summary" }, el("strong", { text: "Writes: " }), transformWords(plan.transform)));
  parts.push(el("p", { class: "summary" }, el("strong", { text: "Tables: " }), plan.tables.join(", ")));
  if (plan.columns.length) parts.push(el("p", { class: "summary" }, el("strong", { text: "Columns: " }), plan.columns.map(col).join(", ")));
  if (plan.filters.length) parts.push(el("p", { class: "summary" }, el("strong", { text: "Filters: " }), plan.filters.map((f) => `${col(f.column)} ${OP_WORDS[f.op] || f.op} ${f.value}`).join("; ")));
  if (plan.assumptions.length) parts.push(el("p", { class: "assumptions", text: "Assumptions: " + plan.assumptions.join("; ") }));
  return parts;
}

function editablePlan(entry) {
  const { turn } = entry;
  const plan = turn.plan;
  const edit = entry.edit;
  const rerender = () => { $(".plan-card", entry.node).replaceChildren(...editablePlan(entry)); };
  const parts = [el("h3", { text: "Plan — review before the large model runs" })];
  if (edit.transform) parts.push(...transformEditor(edit.transform));

  // Tables
  const tables = el("ul", { class: "chips tables", "aria-label": "Tables" });
  for (const table of plan.tables) {
    const removed = edit.removedTables.has(table);
    tables.append(el("li", { class: "chip plan-table" + (removed ? " removed" : ""), "data-table": table },
      el("span", { text: table }),
      el("button", {
        type: "button", class: "small secondary " + (removed ? "restore" : "remove"),
        "aria-label": (removed ? "Keep table " : "Remove table ") + table,
        text: removed ? "keep" : "×",
        onclick: () => { removed ? edit.removedTables.delete(table) : edit.removedTables.add(table); rerender(); focusAfter(entry, `[data-table="${cssEscape(table)}"] button`); },
      })));
  }
  for (const [i, table] of edit.addedTables.entries()) {
    tables.append(el("li", { class: "chip added" }, el("span", { text: "+ " + table }),
      el("button", { type: "button", class: "small secondary", "aria-label": "Drop added table " + table, text: "×", onclick: () => { edit.addedTables.splice(i, 1); rerender(); } })));
  }
  const tableInput = el("input", { type: "text", class: "add-table-input", placeholder: "table name", "aria-label": "Add a table" });
  const addTable = () => { const t = tableInput.value.trim(); if (t) { edit.addedTables.push(t); rerender(); focusAfter(entry, ".add-table-input"); } };
  tableInput.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); addTable(); } });
  parts.push(el("h3", { text: "Tables" }), tables, el("div", { class: "row" }, tableInput, el("button", { type: "button", class: "small secondary", text: "Add table", onclick: addTable })));

  // Columns
  const columns = el("ul", { class: "chips columns", "aria-label": "Columns" });
  for (const c of plan.columns) {
    const name = col(c);
    const removed = edit.removedColumns.has(name);
    columns.append(el("li", { class: "chip plan-column" + (removed ? " removed" : ""), "data-column": name },
      el("span", { text: name }),
      el("button", { type: "button", class: "small secondary", "aria-label": (removed ? "Keep column " : "Remove column ") + name, text: removed ? "keep" : "×",
        onclick: () => { removed ? edit.removedColumns.delete(name) : edit.removedColumns.add(name); rerender(); } })));
  }
  for (const [i, name] of edit.addedColumns.entries()) {
    columns.append(el("li", { class: "chip added" }, el("span", { text: "+ " + name }),
      el("button", { type: "button", class: "small secondary", "aria-label": "Drop added column " + name, text: "×", onclick: () => { edit.addedColumns.splice(i, 1); rerender(); } })));
  }
  const columnInput = el("input", { type: "text", class: "add-column-input", placeholder: "table.column", "aria-label": "Add a column (table.column)" });
  const addColumn = () => { const c = columnInput.value.trim(); if (c) { edit.addedColumns.push(c); rerender(); focusAfter(entry, ".add-column-input"); } };
  columnInput.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); addColumn(); } });
  parts.push(el("h3", { text: "Columns" }), columns, el("div", { class: "row" }, columnInput, el("button", { type: "button", class: "small secondary", text: "Add column", onclick: addColumn })));

  // Filters
  const filters = el("ul", { class: "filters", "aria-label": "Filters" });
  const filterRow = (f, label, onRemove) => {
    const column = el("input", { type: "text", value: f.column, "aria-label": label + " column", class: "filter-column" });
    column.addEventListener("input", () => { f.column = column.value; });
    const op = el("select", { "aria-label": label + " operator", class: "filter-op" }, OPS.map((o) => el("option", { value: o, text: OP_WORDS[o], selected: o === f.op })));
    op.addEventListener("change", () => { f.op = op.value; });
    const value = el("input", { type: "text", value: f.value, "aria-label": label + " value", class: "filter-value" });
    value.addEventListener("input", () => { f.value = value.value; });
    return el("li", { class: "filter" + (f.removed ? " removed" : "") }, el("div", { class: "row" }, column, op, value,
      el("button", { type: "button", class: "small secondary", "aria-label": (f.removed ? "Keep " : "Remove ") + label.toLowerCase(), text: f.removed ? "keep" : "×", onclick: onRemove })));
  };
  edit.filters.forEach((f, i) => filters.append(filterRow(f, `Filter ${i + 1}`, () => { f.removed = !f.removed; rerender(); })));
  edit.newFilters.forEach((f, i) => filters.append(filterRow(f, `New filter ${i + 1}`, () => { edit.newFilters.splice(i, 1); rerender(); })));
  parts.push(el("h3", { text: "Filters" }), filters.childElementCount ? filters : el("p", { class: "notes", text: "No filters." }),
    el("button", { type: "button", class: "small secondary add-filter", text: "Add filter", onclick: () => { edit.newFilters.push({ column: "", op: "eq", value: "" }); rerender(); focusAfter(entry, ".filters li:last-child .filter-column"); } }));

  // Open questions
  if (plan.open_questions.length) {
    const questions = el("ol", { class: "open-questions", "aria-label": "Open questions" });
    plan.open_questions.forEach((q, i) => {
      const answer = el("input", { type: "text", value: edit.answers[i], "aria-label": "Answer to: " + q, class: "answer" });
      answer.addEventListener("input", () => { edit.answers[i] = answer.value; });
      questions.append(el("li", {}, el("span", { text: q + " " }), answer));
    });
    parts.push(el("h3", { text: "Open questions" }), questions);
  }

  // Limit and assumptions
  const limit = el("input", { type: "number", min: "1", value: edit.limit, "aria-label": "Row limit (empty for none)", class: "limit" });
  limit.addEventListener("input", () => { edit.limit = limit.value; });
  parts.push(el("div", { class: "row" }, el("label", {}, "Row limit ", limit)));
  if (plan.assumptions.length) parts.push(el("p", { class: "assumptions", text: "Assumptions: " + plan.assumptions.join("; ") }));

  if (edit.error) parts.push(el("p", { class: "error plan-error", role: "alert" }, el("span", { text: edit.error.message + " " }), el("span", { class: "code", text: "(" + edit.error.code + ")" })));
  parts.push(el("div", { class: "actions" },
    el("button", { type: "button", class: "approve", id: "approve", text: plan.transform ? "Approve and preview" : "Approve and run", disabled: edit.busy, onclick: () => approve(entry) }),
    el("button", { type: "button", class: "danger cancel", id: "cancel", text: "Cancel", disabled: edit.busy, onclick: () => cancel(entry) })));
  return parts;
}

function focusAfter(entry, selector) {
  const target = $(selector, entry.node);
  if (target) target.focus();
}

function cssEscape(text) {
  return window.CSS && CSS.escape ? CSS.escape(text) : text.replace(/["\\]/g, "\\$&");
}

// The edits, in an order whose indexes stay valid: filter changes and removals on the
// original numbering (removals from the end), answers (from the end), then additions, then
// removals of columns and tables (which also drop what refers to them), then the limit.
function planEdits(plan, edit) {
  const edits = edit.transform ? transformEdits(plan.transform, edit.transform) : [];
  edit.filters.forEach((f, i) => {
    if (f.removed) return;
    const changed = f.column !== col(f.original.column) || f.op !== f.original.op || f.value !== f.original.value;
    if (changed) edits.push({ kind: "change_filter", index: i, filter: { column: parseCol(f.column), op: f.op, value: f.value } });
  });
  for (let i = edit.filters.length - 1; i >= 0; i--) if (edit.filters[i].removed) edits.push({ kind: "remove_filter", index: i });
  for (let i = edit.answers.length - 1; i >= 0; i--) {
    const answer = edit.answers[i].trim();
    if (answer) edits.push({ kind: "answer_question", index: i, answer });
  }
  for (const table of edit.addedTables) edits.push({ kind: "add_table", table });
  for (const c of edit.addedColumns) edits.push({ kind: "add_column", column: parseCol(c) });
  for (const f of edit.newFilters) edits.push({ kind: "add_filter", filter: { column: parseCol(f.column), op: f.op, value: f.value } });
  for (const name of edit.removedColumns) edits.push({ kind: "remove_column", column: parseCol(name) });
  for (const table of edit.removedTables) edits.push({ kind: "remove_table", table });
  const limit = edit.limit.trim();
  const before = plan.limit === null || plan.limit === undefined ? "" : String(plan.limit);
  if (limit !== before) edits.push({ kind: "set_limit", limit: limit === "" ? null : Number(limit) });
  return edits;
}

async function approve(entry) {
  const edit = entry.edit;
  if (!edit || edit.busy) return;
  let edits;
  try {
    edits = planEdits(entry.turn.plan, edit);
  } catch (e) {
    edit.error = { code: "invalid_edit", message: e.message };
    renderPlan(entry, entry.turn);
    return;
  }
  edit.busy = true;
  edit.error = null;
  renderPlan(entry, entry.turn);
  try {
    const turn = await api("POST", `/api/sessions/${encodeURIComponent(entry.turn.session)}/confirm`, { edits });
    renderTurn(turn);
  } catch (e) {
    if (entry.edit) {
      entry.edit.busy = false;
      entry.edit.error = { code: e.code, message: e.message };
      renderPlan(entry, entry.turn);
      const approveButton = $(".approve", entry.node);
      if (approveButton) approveButton.focus();
    } else {
      showGlobalError(e);
    }
  }
}

async function cancel(entry) {
  try {
    renderTurn(await api("POST", `/api/sessions/${encodeURIComponent(entry.turn.session)}/cancel`));
  } catch (e) {
    showGlobalError(e);
  }
}

// ---- Transforms: the plan's write section and the preview card --------------------------------

const WRITE_MODES = ["create_as_select", "insert_select", "upsert", "replace"];
const WRITE_WORDS = {
  create_as_select: "create it from a query",
  insert_select: "insert the query's rows",
  upsert: "upsert on a key",
  replace: "replace its contents",
};
const METHOD_WORDS = {
  file_copy: "Previewed on a copy of the database file.",
  rolled_back_transaction: "Previewed in a transaction that was rolled back.",
  temporary_table: "Previewed into a temporary table.",
};

function listText(items) {
  return (items || []).join(", ");
}

function splitList(text) {
  return text.split(",").map((s) => s.trim()).filter(Boolean);
}

function transformFields(t) {
  const expect = t.expect || {};
  const count = (n) => (n === null || n === undefined ? "" : String(n));
  return {
    target: t.target,
    write: t.write,
    key: listText(t.key),
    unique: (expect.unique || []).map(listText).join("; "),
    notNull: listText(expect.not_null),
    minRows: count(expect.min_rows),
    maxRows: count(expect.max_rows),
  };
}

function transformWords(t) {
  const expect = t.expect || {};
  const parts = [`${t.target} (${t.target_kind === "view" ? "view" : "table"}): ${WRITE_WORDS[t.write] || t.write}`];
  if (t.key && t.key.length) parts.push(`key ${listText(t.key)}`);
  for (const key of expect.unique || []) parts.push(`unique (${listText(key)})`);
  if (expect.not_null && expect.not_null.length) parts.push(`not null: ${listText(expect.not_null)}`);
  if (expect.min_rows !== null && expect.min_rows !== undefined) parts.push(`at least ${plural(expect.min_rows, "row")}`);
  if (expect.max_rows !== null && expect.max_rows !== undefined) parts.push(`at most ${plural(expect.max_rows, "row")}`);
  return parts.join("; ");
}

function transformEditor(fields) {
  const input = (name, cls, label, placeholder) => {
    const node = el("input", { type: "text", class: cls, value: fields[name], "aria-label": label, placeholder });
    // "change" too: a field cleared by a script or autofill may fire no "input".
    for (const type of ["input", "change"]) node.addEventListener(type, () => { fields[name] = node.value; });
    return el("label", {}, label + " ", node);
  };
  const write = el("select", { class: "transform-write", "aria-label": "Write mode" }, WRITE_MODES.map((m) => el("option", { value: m, text: WRITE_WORDS[m], selected: m === fields.write })));
  write.addEventListener("change", () => { fields.write = write.value; });
  return [
    el("h3", { text: "Writes" }),
    el("div", { class: "row" }, input("target", "transform-target", "Target table", "table name"), el("label", {}, "Write ", write)),
    el("div", { class: "row" }, input("key", "transform-key", "Upsert key", "column, column")),
    el("h3", { text: "Quality checks" }),
    el("div", { class: "row" }, input("unique", "expect-unique", "Unique", "a, b; c"), input("notNull", "expect-not-null", "Not null", "column, column")),
    el("div", { class: "row" }, input("minRows", "expect-min-rows", "At least rows", ""), input("maxRows", "expect-max-rows", "At most rows", "")),
  ];
}

function rowCount(text, label) {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (!/^\d+$/.test(trimmed)) throw new Error(`${label} must be a whole number of rows, not “${trimmed}”.`);
  return Number(trimmed);
}

// set_target, set_write and set_expectations for whatever the person changed.
function transformEdits(transform, fields) {
  const before = transformFields(transform);
  const edits = [];
  if (fields.target.trim() !== before.target) edits.push({ kind: "set_target", target: fields.target.trim() });
  if (fields.write !== before.write || fields.key.trim() !== before.key) edits.push({ kind: "set_write", write: fields.write, key: splitList(fields.key) });
  const expectChanged = ["unique", "notNull", "minRows", "maxRows"].some((name) => fields[name].trim() !== before[name]);
  if (expectChanged) {
    edits.push({ kind: "set_expectations", expect: {
      unique: fields.unique.split(";").map(splitList).filter((key) => key.length),
      not_null: splitList(fields.notNull),
      min_rows: rowCount(fields.minRows, "At least rows"),
      max_rows: rowCount(fields.maxRows, "At most rows"),
    } });
  }
  return edits;
}

function renderPreview(entry, previous) {
  const { turn, node } = entry;
  const card = $(".preview-card", node);
  if (!turn.preview) { card.hidden = true; entry.approval = null; entry.previewShown = null; return; }
  card.hidden = false;
  const waiting = turn.status === "awaiting_approval";
  if (!waiting) entry.approval = null;
  // A new revision (e.g. a preview run again) keeps the message that explains it.
  else if (!entry.approval || previous.revision !== turn.revision) entry.approval = { busy: false, error: entry.approval ? entry.approval.error : null };
  card.classList.toggle("readonly", !waiting);
  // The same revision again (the event stream and a reply both carry it): keep the card, so
  // focus and a click in progress stay where they are.
  if (entry.previewShown === turn.revision) return;
  entry.previewShown = turn.revision;
  card.replaceChildren(...previewParts(entry));
  if (waiting && previous.status !== "awaiting_approval") {
    card.scrollIntoView({ block: "nearest" });
    const first = $(".apply:not([disabled])", card) || $(".revise", card);
    if (first) first.focus({ preventScroll: true });
  }
}

function previewParts(entry) {
  const { turn } = entry;
  const p = turn.preview;
  const waiting = turn.status === "awaiting_approval";
  const parts = [el("h3", { text: waiting ? "Preview — nothing is written until you apply it" : "Preview" })];
  parts.push(el("p", { class: "summary preview-summary" },
    el("strong", { text: `${plural(p.rows_affected, "row")} ` }),
    `${waiting ? "would be written to" : "for"} ${p.target} (${WRITE_WORDS[p.write] || p.write}); the ${p.target} table then holds ${plural(p.target_rows, "row")}.`));
  if (METHOD_WORDS[p.method]) parts.push(el("p", { class: "notes", text: METHOD_WORDS[p.method] }));

  const sql = el("code", { class: "sql" });
  highlightSql(sql, p.sql.map((statement) => statement + ";").join("\n"));
  parts.push(el("h3", { text: "SQL" }), el("pre", { class: "preview-sql" }, sql));

  if (p.checks.length) {
    parts.push(el("h3", { text: "Quality checks" }), el("ul", { class: "checks", "aria-label": "Quality checks" },
      p.checks.map((c) => el("li", { class: "check " + (c.passed ? "passed" : "failed"), "data-code": c.code },
        el("span", { class: "mark", "aria-hidden": "true", text: c.passed ? "✓ " : "✗ " }),
        el("span", { class: "visually-hidden", text: c.passed ? "Passed: " : "Failed: " }),
        el("span", { text: c.check }),
        c.detail ? el("span", { class: "notes", text: " — " + c.detail }) : null))));
  }

  if (p.columns.length) {
    const head = el("tr", {}, p.columns.map((c) => el("th", { scope: "col", text: c.name, title: c.type_name })));
    const body = el("tbody", {}, p.sample.map((row) => el("tr", {}, row.map((v) => el("td", { class: isNumeric(v) ? "num" : null, text: cellText(v) })))));
    parts.push(el("h3", { text: `Sample of ${p.target}` }),
      el("div", { class: "table-wrap sample-wrap", tabindex: "0", "aria-label": "Sample rows" }, el("table", { class: "result-table sample-table" }, el("thead", {}, head), body)));
  }
  for (const note of p.notes || []) parts.push(el("p", { class: "notes", text: note }));

  if (p.applied) {
    parts.push(el("p", { class: "applied-note", role: "status", text: `Applied by ${p.applied.actor} at ${p.applied.applied_at}: ${plural(p.applied.rows_affected, "row")} written to ${p.target}.` }));
  }
  if (p.migration) {
    const code = el("code", { class: "sql" });
    highlightSql(code, p.migration.sql);
    parts.push(el("p", { class: "migration-note", text: `Exported as ${p.migration.file_name}; the database was not changed.` }),
      el("pre", { class: "migration-sql" }, code),
      el("button", { type: "button", class: "small secondary download-migration", text: "Download migration", onclick: () => downloadMigration(entry) }));
  }
  if (!waiting) return parts;

  const approval = entry.approval;
  if (!p.can_apply) parts.push(el("p", { class: "notes cannot-apply", text: "A quality check failed, so this preview cannot be applied: edit the plan, export it for review, or cancel." }));
  if (approval.error) parts.push(el("p", { class: "error preview-error", role: "alert" }, el("span", { text: approval.error.message + " " }), el("span", { class: "code", text: "(" + approval.error.code + ")" })));
  parts.push(el("div", { class: "actions" },
    el("button", { type: "button", class: "apply", text: "Apply", disabled: approval.busy || !p.can_apply, onclick: () => decide(entry, "apply") }),
    el("button", { type: "button", class: "secondary export", text: "Export as migration", disabled: approval.busy, onclick: () => decide(entry, "export") }),
    el("button", { type: "button", class: "secondary revise", text: "Edit plan", disabled: approval.busy, onclick: () => decide(entry, "revise") }),
    el("button", { type: "button", class: "danger cancel-preview", text: "Cancel", disabled: approval.busy, onclick: () => cancel(entry) })));
  return parts;
}

// apply, export or revise the waiting preview.
async function decide(entry, action) {
  const approval = entry.approval;
  if (!approval || approval.busy) return;
  approval.busy = true;
  approval.error = null;
  const redraw = () => { if (entry.approval) $(".preview-card", entry.node).replaceChildren(...previewParts(entry)); };
  redraw();
  try {
    renderTurn(await api("POST", `/api/sessions/${encodeURIComponent(entry.turn.session)}/${action}`));
  } catch (e) {
    if (!entry.approval) { showGlobalError(e); return; }
    entry.approval.busy = false;
    entry.approval.error = { code: e.code, message: e.message };
    redraw();
    // A preview run again (preview_changed) arrives as a new revision: show it.
    try { renderTurn(await api("GET", `/api/sessions/${encodeURIComponent(entry.turn.session)}`)); } catch (ignored) { /* the error shown is enough */ }
  }
}

async function downloadMigration(entry) {
  const migration = entry.turn.preview && entry.turn.preview.migration;
  try {
    const response = await fetch(`/api/sessions/${encodeURIComponent(entry.turn.session)}/migration.sql`, { headers: headers() });
    if (!response.ok) throw new ApiError(response.status, "http_" + response.status, "The migration could not be downloaded.");
    saveBlob(await response.blob(), migration ? migration.file_name : "migration.sql");
  } catch (e) {
    showGlobalError(e);
  }
}

// ---- The answer ------------------------------------------------------------------------------

function renderAnswer(entry) {
  const { turn, node } = entry;
  const answer = turn.answer;
  const sqlBlock = $(".sql-block", node);
  const result = $(".result", node);
  sqlBlock.hidden = !answer;
  result.hidden = !answer;
  if (!answer) return;
  highlightSql($(".sql", node), answer.sql);
  entry.page = 0;
  entry.answer = answer;
  drawResult(entry, answer);
}

function isNumeric(value) {
  return typeof value === "number" && Number.isFinite(value);
}

function cellText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString() : value.toLocaleString(undefined, { maximumFractionDigits: 4 });
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function drawResult(entry, page) {
  const result = $(".result", entry.node);
  const parts = [el("h3", { text: "Result" })];
  if (page.n_rows === 0) {
    parts.push(el("p", { class: "empty-result", text: "The query ran and returned no rows." }));
  } else {
    const head = el("tr", {}, page.columns.map((c) => el("th", { scope: "col", text: c.name, title: c.type_name })));
    const body = el("tbody", {}, page.rows.map((row) => el("tr", {}, row.map((v) => el("td", { class: isNumeric(v) ? "num" : null, text: cellText(v) })))));
    parts.push(el("div", { class: "table-wrap", tabindex: "0", "aria-label": "Result rows" }, el("table", { class: "result-table" }, el("thead", {}, head), body)));
    const last = page.offset + page.rows.length;
    const pager = el("div", { class: "pager" },
      el("button", { type: "button", class: "small secondary prev", text: "← Previous", disabled: page.offset === 0, onclick: () => loadPage(entry, Math.max(0, page.offset - PAGE_SIZE)) }),
      el("span", { class: "range", text: `Rows ${page.offset + 1}–${last} of ${page.n_rows}${page.truncated ? " (capped)" : ""}` }),
      el("button", { type: "button", class: "small secondary next", text: "Next →", disabled: last >= page.n_rows, onclick: () => loadPage(entry, last) }),
      el("button", { type: "button", class: "small secondary csv", text: "Download CSV", onclick: () => downloadCsv(entry) }));
    parts.push(pager);
    if (page.offset === 0 && page.rows.length === Math.min(page.n_rows, page.rows.length)) {
      const chart = barChart(page);
      if (chart) parts.push(chart);
    }
  }
  if (page.from_cache) parts.push(el("p", { class: "notes", text: "The SQL came from the plan cache." }));
  for (const note of page.notes || []) parts.push(el("p", { class: "notes", text: note }));
  result.replaceChildren(...parts);
}

async function loadPage(entry, offset) {
  try {
    const turn = await api("GET", `/api/sessions/${encodeURIComponent(entry.turn.session)}?offset=${offset}&limit=${PAGE_SIZE}`);
    if (turn.turn === entry.turn.turn && turn.answer) drawResult(entry, turn.answer);
    const button = $(offset > (entry.offset || 0) ? ".next" : ".prev", entry.node);
    entry.offset = offset;
    if (button && !button.disabled) button.focus();
  } catch (e) {
    showGlobalError(e);
  }
}

async function downloadCsv(entry) {
  try {
    const response = await fetch(`/api/sessions/${encodeURIComponent(entry.turn.session)}/rows.csv`, { headers: headers() });
    if (!response.ok) throw new ApiError(response.status, "http_" + response.status, "The CSV could not be downloaded.");
    saveBlob(await response.blob(), `tandem-${entry.turn.session}-${entry.turn.turn}.csv`);
  } catch (e) {
    showGlobalError(e);
  }
}

function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// A horizontal bar chart when the page has a label column and a numeric column, at most 30
// rows, and the whole answer is on it.
function barChart(page) {
  if (page.rows.length < 2 || page.rows.length > 30 || page.rows.length !== page.n_rows) return null;
  const numeric = page.columns.map((_, i) => page.rows.every((r) => isNumeric(r[i]) || r[i] === null) && page.rows.some((r) => isNumeric(r[i])));
  const valueAt = numeric.lastIndexOf(true);
  if (valueAt < 0) return null;
  let labelAt = numeric.indexOf(false);
  if (labelAt < 0) labelAt = valueAt === 0 ? -1 : 0;
  if (labelAt < 0) return null;
  const values = page.rows.map((r) => (isNumeric(r[valueAt]) ? r[valueAt] : 0));
  const max = Math.max(...values.map(Math.abs), 1e-9);
  const ns = "http://www.w3.org/2000/svg";
  const rowHeight = 22, labelWidth = 160, barWidth = 360, width = labelWidth + barWidth + 90;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("viewBox", `0 0 ${width} ${page.rows.length * rowHeight + 24}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Bar chart of ${page.columns[valueAt].name} by ${page.columns[labelAt].name}`);
  const title = document.createElementNS(ns, "text");
  title.setAttribute("x", "0");
  title.setAttribute("y", "14");
  title.textContent = `${page.columns[valueAt].name} by ${page.columns[labelAt].name}`;
  svg.append(title);
  page.rows.forEach((row, i) => {
    const y = 24 + i * rowHeight;
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", String(labelWidth - 6));
    label.setAttribute("y", String(y + 15));
    label.setAttribute("text-anchor", "end");
    const text = cellText(row[labelAt]);
    label.textContent = text.length > 22 ? text.slice(0, 21) + "…" : text;
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("class", "bar");
    bar.setAttribute("x", String(labelWidth));
    bar.setAttribute("y", String(y + 3));
    bar.setAttribute("height", String(rowHeight - 6));
    bar.setAttribute("width", String(Math.max(1, (Math.abs(values[i]) / max) * barWidth)));
    const value = document.createElementNS(ns, "text");
    value.setAttribute("x", String(labelWidth + (Math.abs(values[i]) / max) * barWidth + 6));
    value.setAttribute("y", String(y + 15));
    value.textContent = cellText(row[valueAt]);
    svg.append(label, bar, value);
  });
  return svg;
}

// ---- SQL highlighting -----------------------------------------------------------------------

const KEYWORDS = new Set(("select from where group by order having limit offset join inner left right full outer cross on as and or not in is null " +
  "like between case when then else end distinct union all intersect except with asc desc exists count sum avg min max cast over partition " +
  "coalesce nullif true false filter window rows range preceding following current row using natural lateral recursive").split(" "));

function highlightSql(target, sql) {
  const token = /(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*')|("(?:[^"]|"")*"|`[^`]*`)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)|(\s+|[^\sA-Za-z0-9_'"`]+)/g;
  const parts = [];
  let match;
  while ((match = token.exec(sql)) !== null) {
    const [text, comment, string, , number, word] = match;
    let kind = null;
    if (comment) kind = "com";
    else if (string) kind = "str";
    else if (number) kind = "num";
    else if (word && KEYWORDS.has(word.toLowerCase())) kind = "kw";
    else if (word && sql[token.lastIndex] === "(") kind = "fn";
    parts.push(kind ? el("span", { class: kind, text }) : document.createTextNode(text));
  }
  target.replaceChildren(...parts);
}

// ---- Key and wiring ---------------------------------------------------------------------------

function askForKey(reason) {
  const panel = $("#key-panel");
  $("#key-reason").textContent = reason;
  panel.hidden = false;
  $("#api-key").focus();
}

function init() {
  $("#ask-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const question = $("#question").value.trim();
    if (question) ask(question);
  });
  $("#question").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      $("#ask-form").requestSubmit();
    }
  });
  $("#key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state.key = $("#api-key").value.trim();
    sessionStorage.setItem("tandem-key", state.key);
    $("#key-panel").hidden = true;
    if (state.session) follow(state.session);
    $("#question").focus();
  });
  $("#new-conversation").addEventListener("click", newConversation);
  $("#question").focus();
}

init();
