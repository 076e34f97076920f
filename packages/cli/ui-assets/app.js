// The Mnemo UI: plain DOM code over the JSON API served by `mnemo ui` (no framework, no CDN).
const $ = (selector) => document.querySelector(selector);
const status = (text) => {
  $("#status").textContent = text;
};

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error?.message ?? `HTTP ${response.status}`);
  return data;
}

function element(tag, properties = {}, ...children) {
  const node = Object.assign(document.createElement(tag), properties);
  for (const child of children) node.append(child);
  return node;
}

const day = (iso) => String(iso).slice(0, 10);

// Tabs
const loaders = { conversations: loadConversations, memory: loadMemories, settings: loadSettings };
function showTab(name) {
  for (const button of document.querySelectorAll("nav button")) button.setAttribute("aria-selected", String(button.dataset.tab === name));
  for (const panel of document.querySelectorAll("main > section")) panel.hidden = panel.id !== name;
  loaders[name]?.().catch((error) => status(error.message));
}
for (const button of document.querySelectorAll("nav button")) button.addEventListener("click", () => showTab(button.dataset.tab));

// Enhance
$("#enhance-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  status("Enhancing…");
  try {
    const result = await api("POST", "/api/enhance", {
      question: $("#question").value,
      limit: Number($("#enhance-limit").value),
      maxTokens: Number($("#enhance-tokens").value),
    });
    $("#enhanced-prompt").textContent = result.prompt;
    $("#enhance-meta").textContent =
      result.sources.length === 0
        ? "No relevant earlier exchanges: the prompt is your question alone."
        : `${result.sources.length} earlier exchange(s), ${result.tokens.context} context tokens, ${result.tokens.prompt} in all · keywords: ${result.keywords.join(", ")} · summariser: ${result.summarizer}`;
    $("#copy-status").textContent = "";
    $("#enhance-result").hidden = false;
    status("");
  } catch (error) {
    status(error.message);
  }
});

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No async clipboard (plain http on some browsers): fall back to a selected textarea.
    const area = element("textarea", { value: text });
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    return copied;
  }
}

$("#copy-button").addEventListener("click", async () => {
  const copied = await copyText($("#enhanced-prompt").textContent);
  $("#copy-status").textContent = copied ? "Copied to the clipboard." : "Could not copy: select the prompt and copy it by hand.";
});

// Search
$("#search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const query = $("#search-query").value;
  try {
    const { conversations, memories } = await api("GET", `/api/search?q=${encodeURIComponent(query)}`);
    $("#search-memories").replaceChildren(
      ...(memories.length
        ? memories.map((entry) => element("li", { textContent: `[${entry.category ?? "-"}] ${entry.content}` }))
        : [element("li", { className: "muted", textContent: "No memories match." })]),
    );
    $("#search-results").replaceChildren(
      ...(conversations.length
        ? conversations.map((hit) =>
            element(
              "li",
              {},
              element("button", { className: "link", textContent: hit.conversationId, onclick: () => openConversation(hit.conversationId) }),
              element("span", { className: "muted", textContent: ` · ${day(hit.createdAt)} · ${hit.role}` }),
              element("div", { textContent: hit.content.length > 300 ? `${hit.content.slice(0, 300)}…` : hit.content }),
            ),
          )
        : [element("li", { className: "muted", textContent: "No conversations match." })]),
    );
  } catch (error) {
    status(error.message);
  }
});

// Conversations
async function loadConversations() {
  const list = await api("GET", "/api/conversations?limit=500");
  $("#conversation-list").replaceChildren(
    ...list.map((item) =>
      element(
        "li",
        {},
        element("button", { className: "link", textContent: item.title ?? item.conversationId, onclick: () => openConversation(item.conversationId) }),
        element("div", { className: "muted", textContent: `${item.messageCount} messages · ${day(item.updatedAt)}` }),
      ),
    ),
  );
}

async function openConversation(conversationId) {
  showTab("conversations");
  const { messages } = await api("GET", `/api/conversations/${encodeURIComponent(conversationId)}`);
  const title = messages[0]?.metadata?.conversation?.title ?? conversationId;
  $("#conversation-view").replaceChildren(
    element("h2", { textContent: title }),
    ...messages.map((message) =>
      element(
        "div",
        { className: `message ${message.role}` },
        element("div", { className: "who", textContent: `${message.name ?? message.role} · ${day(message.createdAt)}` }),
        element("p", { textContent: message.content }),
      ),
    ),
  );
}

// Memory
async function loadMemories() {
  const entries = await api("GET", "/api/memories");
  $("#memory-list").replaceChildren(
    ...(entries.length === 0
      ? [element("li", { className: "muted", textContent: "No memory entries yet." })]
      : entries.map((entry) =>
          element(
            "li",
            {},
            element("span", { textContent: `[${entry.category ?? "-"}] ${entry.content} ` }),
            element("span", { className: "muted", textContent: `importance ${entry.importance} · v${entry.version}` }),
            element("button", { className: "secondary", textContent: "Edit", onclick: () => editMemory(entry) }),
            element("button", { className: "danger", textContent: "Delete", onclick: () => deleteMemory(entry) }),
          ),
        )),
  );
}

async function editMemory(entry) {
  const content = prompt("Edit the memory entry", entry.content);
  if (content === null || content.trim() === "" || content === entry.content) return;
  await api("PATCH", `/api/memories/${entry.memoryId}`, { content }).catch((error) => status(error.message));
  await loadMemories();
}

async function deleteMemory(entry) {
  if (!confirm(`Delete "${entry.content}"?`)) return;
  await api("DELETE", `/api/memories/${entry.memoryId}`).catch((error) => status(error.message));
  await loadMemories();
}

$("#memory-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const { action } = await api("POST", "/api/memories", {
      content: $("#memory-content").value,
      category: $("#memory-category").value || undefined,
      importance: Number($("#memory-importance").value),
    });
    status(`Memory ${action}.`);
    $("#memory-content").value = "";
    await loadMemories();
  } catch (error) {
    status(error.message);
  }
});

// Settings
async function loadSettings() {
  const { values, versions } = await api("GET", "/api/settings");
  $("#settings-table tbody").replaceChildren(
    ...Object.entries(values).map(([key, value]) =>
      element(
        "tr",
        {},
        element("td", { textContent: key }),
        element("td", { textContent: typeof value === "string" ? value : JSON.stringify(value) }),
        element("td", { textContent: `v${versions[key]?.version} (${versions[key]?.scope})` }),
        element("td", {}, element("button", { className: "secondary", textContent: "Edit", onclick: () => fillSetting(key, value) })),
      ),
    ),
  );
}

function fillSetting(key, value) {
  $("#setting-key").value = key;
  $("#setting-value").value = typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

$("#settings-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("#setting-value").value;
  let value = text;
  try {
    value = JSON.parse(text);
  } catch {
    // plain text
  }
  try {
    const saved = await api("PUT", `/api/settings/${encodeURIComponent($("#setting-key").value)}`, { value });
    status(`Saved ${saved.key} (version ${saved.version}).`);
    await loadSettings();
  } catch (error) {
    status(error.message);
  }
});
