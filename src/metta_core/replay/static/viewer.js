// The metta replay viewer: draws replay frames on a canvas, plays and scrubs them, shows the
// selected agent; in play mode it sends the human's key presses over a WebSocket and appends the
// frames the server sends back. Plain browser JavaScript: no build step, no libraries, no CDN.
// It must not decide game rules: the server validates and applies every action.
"use strict";

const COLORS = {
  background: "#1b1b1f",
  grid: "#23232a",
  wall: "#6b6b6b",
  block: "#a0784a",
  mine_red: "#c0392b", mine_blue: "#2e6fc0", mine_green: "#2e9c4a",
  generator_red: "#ff7f6e", generator_blue: "#7fb2ff", generator_green: "#7fe39a",
  altar: "#f1c40f", armory: "#8e44ad", lasery: "#e84393", lab: "#16a085",
  factory: "#d35400", temple: "#ecf0f1",
  frozen: "#9fe7ff",
  selected: "#ffff00",
};
// Agent colours by team (team 0 = no team).
const TEAM_COLORS = ["#f5f5f5", "#ff5c5c", "#4da3ff", "#5cff8a", "#ffb84d"];
const KEYFRAME_EVERY = 32;
// Orientation ids (game table): up, down, left, right.
const DIRECTIONS = { up: 0, down: 1, left: 2, right: 3 };
const KEY_DIRECTIONS = {
  ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right",
  w: "up", s: "down", a: "left", d: "right", W: "up", S: "down", A: "left", D: "right",
};
const KEY_ACTIONS = {
  e: ["get_items", 0], q: ["put_items", 0], f: ["attack", 0], x: ["swap", 0],
  c: ["change_color", null], " ": ["noop", 0],
};

const viewer = {
  mode: "replay",
  replay: null,
  keyframes: [],
  frame: 0,
  playing: false,
  fps: 10,
  selected: "0",
  layout: { cell: 16, originX: 0, originY: 0 },
  socket: null,
  ready: false,
  lastError: null,
  messagesSent: 0,
  framesReceived: 0,
};
window.metta = viewer;

function $(id) { return document.getElementById(id); }

function cloneState(state) {
  const copy = { objects: {}, agents: {} };
  for (const kind of ["objects", "agents"]) {
    for (const [key, fields] of Object.entries(state[kind])) copy[kind][key] = Object.assign({}, fields);
  }
  return copy;
}

function applyDelta(state, delta) {
  for (const kind of ["objects", "agents"]) {
    for (const key of delta["removed_" + kind] || []) delete state[kind][key];
    for (const [key, fields] of Object.entries(delta[kind] || {})) {
      state[kind][key] = Object.assign(state[kind][key] || {}, fields);
      // A null field disappeared in that frame (an emptied inventory).
      for (const [name, value] of Object.entries(fields)) if (value === null) delete state[kind][key][name];
    }
  }
  return state;
}

function numFrames() { return viewer.replay ? viewer.replay.deltas.length + 1 : 0; }

// The full state of frame `index`: the nearest keyframe at or before it, then the deltas after it.
function stateAt(index) {
  const replay = viewer.replay;
  while (viewer.keyframes.length * KEYFRAME_EVERY <= index) {
    const k = viewer.keyframes.length;
    const base = k === 0 ? cloneState(replay.initial) : cloneState(viewer.keyframes[k - 1]);
    if (k > 0) for (let f = (k - 1) * KEYFRAME_EVERY + 1; f <= k * KEYFRAME_EVERY; f++) applyDelta(base, replay.deltas[f - 1]);
    viewer.keyframes.push(base);
  }
  const k = Math.floor(index / KEYFRAME_EVERY);
  const state = cloneState(viewer.keyframes[k]);
  for (let f = k * KEYFRAME_EVERY + 1; f <= index; f++) applyDelta(state, replay.deltas[f - 1]);
  return state;
}
viewer.stateAt = stateAt;
viewer.state = () => stateAt(viewer.frame);

function computeLayout() {
  const [height, width] = viewer.replay.map_size;
  const canvas = $("map");
  const available = Math.max(200, Math.min(window.innerWidth - 340, window.innerHeight - 140));
  const cell = Math.max(4, Math.min(32, Math.floor(available / Math.max(height, width))));
  canvas.width = width * cell;
  canvas.height = height * cell;
  viewer.layout = { cell, originX: 0, originY: 0, width, height };
}

function drawAgent(ctx, agent, cell, x, y, selected) {
  const cx = x + cell / 2, cy = y + cell / 2, radius = cell * 0.42;
  ctx.fillStyle = agent.frozen > 0 ? COLORS.frozen : TEAM_COLORS[agent.team % TEAM_COLORS.length];
  ctx.beginPath();
  ctx.arc(cx, cy, radius, 0, Math.PI * 2);
  ctx.fill();
  // A short dark tick shows where the agent faces.
  const [dx, dy] = [[0, -1], [0, 1], [-1, 0], [1, 0]][agent.orientation] || [0, -1];
  ctx.strokeStyle = "#000000";
  ctx.lineWidth = Math.max(1, cell / 8);
  ctx.beginPath();
  ctx.moveTo(cx, cy);
  ctx.lineTo(cx + dx * radius, cy + dy * radius);
  ctx.stroke();
  if (selected) {
    // Inset by half the line width so the outline stays inside the agent's own cell.
    const width = Math.max(1, Math.round(cell / 10));
    ctx.strokeStyle = COLORS.selected;
    ctx.lineWidth = width;
    ctx.strokeRect(x + width / 2, y + width / 2, cell - width, cell - width);
  }
}

function draw() {
  if (!viewer.replay) return;
  const state = stateAt(viewer.frame);
  const { cell } = viewer.layout;
  const canvas = $("map");
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const typeNames = viewer.replay.object_types;
  for (const obj of Object.values(state.objects)) {
    const name = typeNames[obj.type_id];
    ctx.fillStyle = COLORS[name] || "#888888";
    const x = obj.col * cell, y = obj.row * cell;
    if (name === "wall") {
      ctx.fillRect(x, y, cell, cell);
    } else {
      const pad = Math.max(1, Math.floor(cell / 8));
      ctx.fillRect(x + pad, y + pad, cell - 2 * pad, cell - 2 * pad);
      if (obj.ready === false || obj.ready === 0) {
        // A converter with nothing to take is drawn dimmed.
        ctx.fillStyle = "rgba(0,0,0,0.45)";
        ctx.fillRect(x + pad, y + pad, cell - 2 * pad, cell - 2 * pad);
      }
    }
  }
  for (const [key, agent] of Object.entries(state.agents)) {
    drawAgent(ctx, agent, cell, agent.col * cell, agent.row * cell, key === viewer.selected);
  }
  updatePanel(state);
  $("scrubber").max = String(numFrames() - 1);
  $("scrubber").value = String(viewer.frame);
  $("frame-label").textContent = `${viewer.frame} / ${numFrames() - 1}`;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.appendChild(td);
  }
  return tr;
}

function actionText(action) {
  const names = viewer.replay.action_names;
  const [index, arg] = action || [0, 0];
  return `${names[index] || "action " + index}(${arg})`;
}

function updatePanel(state) {
  const agent = state.agents[viewer.selected];
  const table = $("agent-table").tBodies[0];
  const inventory = $("inventory-table").tBodies[0];
  table.replaceChildren();
  inventory.replaceChildren();
  if (!agent) return;
  table.appendChild(row(["position", `(${agent.row}, ${agent.col})`]));
  table.appendChild(row(["facing", viewer.replay.orientations[agent.orientation] || String(agent.orientation)]));
  table.appendChild(row(["team", String(agent.team)]));
  table.appendChild(row(["action", actionText(agent.action) + (agent.action_success ? "" : " failed")]));
  table.appendChild(row(["reward", String(agent.reward)]));
  table.appendChild(row(["total reward", String(agent.total_reward)]));
  table.appendChild(row(["frozen", String(agent.frozen)]));
  viewer.replay.item_names.forEach((name, i) => {
    const count = (agent.inventory || [])[i] || 0;
    if (count > 0) inventory.appendChild(row([name, String(count)]));
  });
  if (!inventory.children.length) inventory.appendChild(row(["(empty)", ""]));
  const log = $("action-log");
  log.replaceChildren();
  // The last ten actions: the action before the window, then each frame's change of it.
  const first = Math.max(1, viewer.frame - 9);
  const before = stateAt(first - 1).agents[viewer.selected];
  let action = before ? before.action : [0, 0];
  const items = [];
  for (let f = first; f <= viewer.frame; f++) {
    const delta = viewer.replay.deltas[f - 1];
    const change = delta && delta.agents && delta.agents[viewer.selected];
    if (change && change.action) action = change.action;
    const item = document.createElement("li");
    item.value = f;
    item.textContent = actionText(action);
    items.unshift(item);
  }
  for (const item of items) log.appendChild(item);
}

function setFrame(index) {
  viewer.frame = Math.max(0, Math.min(numFrames() - 1, index));
  draw();
}
viewer.setFrame = setFrame;

function selectAgent(key) {
  viewer.selected = String(key);
  $("agent-select").value = viewer.selected;
  draw();
}
viewer.selectAgent = selectAgent;

function fillAgentSelect() {
  const select = $("agent-select");
  select.replaceChildren();
  for (const key of Object.keys(viewer.replay.initial.agents)) {
    const option = document.createElement("option");
    option.value = key;
    option.textContent = key;
    select.appendChild(option);
  }
  select.value = viewer.selected;
}

let timer = null;
function schedule() {
  if (timer) clearTimeout(timer);
  if (!viewer.playing) return;
  timer = setTimeout(() => {
    if (viewer.frame >= numFrames() - 1) {
      setPlaying(false);
      return;
    }
    setFrame(viewer.frame + 1);
    schedule();
  }, 1000 / viewer.fps);
}

function setPlaying(playing) {
  viewer.playing = playing;
  $("play-pause").textContent = playing ? "Pause" : "Play";
  schedule();
}

// A colour key of the object types this map holds.
function fillLegend(replay) {
  const legend = $("legend");
  legend.replaceChildren();
  const present = new Set(Object.values(replay.initial.objects).map((obj) => replay.object_types[obj.type_id]));
  for (const name of replay.object_types) {
    if (!present.has(name)) continue;
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = COLORS[name] || "#888888";
    item.append(swatch, name);
    legend.appendChild(item);
  }
}

function start(replay) {
  viewer.replay = replay;
  viewer.keyframes = [];
  $("title").textContent = `metta viewer: ${replay.env_name}`;
  computeLayout();
  fillAgentSelect();
  fillLegend(replay);
  setFrame(viewer.mode === "play" ? numFrames() - 1 : 0);
  viewer.ready = true;
  $("status").textContent = viewer.mode === "play" ? "your turn" : `${numFrames()} frames`;
}

// Play mode: a key press becomes one action message; the server answers with the next frame.
function keyToAction(event) {
  const direction = KEY_DIRECTIONS[event.key];
  if (direction !== undefined) {
    const agent = viewer.replay.initial && stateAt(numFrames() - 1).agents["0"];
    const wanted = DIRECTIONS[direction];
    if (event.shiftKey) return ["move", 1];
    if (agent && agent.orientation === wanted) return ["move", 0];
    return ["rotate", wanted];
  }
  const named = KEY_ACTIONS[event.key];
  if (!named) return null;
  if (named[0] === "change_color") {
    const agent = stateAt(numFrames() - 1).agents["0"];
    return ["change_color", ((agent ? agent.color : 0) + 1) % 4];
  }
  return named;
}

function sendAction(action, arg) {
  if (!viewer.socket || viewer.socket.readyState !== WebSocket.OPEN) return;
  viewer.socket.send(JSON.stringify({ type: "action", action, arg }));
  viewer.messagesSent += 1;
}
viewer.sendAction = sendAction;

function connect() {
  const protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${protocol}//${location.host}/ws`);
  viewer.socket = socket;
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "init") {
      start(message.replay);
      if (message.done) $("status").textContent = "episode over: replay saved";
    } else if (message.type === "frame") {
      if (message.delta) viewer.replay.deltas.push(message.delta);
      viewer.framesReceived += 1;
      setFrame(numFrames() - 1);
      $("status").textContent = message.done ? "episode over: replay saved" : `step ${numFrames() - 1}`;
    } else if (message.type === "error") {
      viewer.lastError = message.message;
      $("status").textContent = `server: ${message.message}`;
    }
  };
  socket.onclose = () => { $("status").textContent = "disconnected"; };
}

function bindControls() {
  $("play-pause").onclick = () => setPlaying(!viewer.playing);
  $("step-back").onclick = () => { setPlaying(false); setFrame(viewer.frame - 1); };
  $("step-forward").onclick = () => { setPlaying(false); setFrame(viewer.frame + 1); };
  $("scrubber").oninput = (event) => setFrame(Number(event.target.value));
  $("speed").onchange = (event) => { viewer.fps = Number(event.target.value); schedule(); };
  $("agent-select").onchange = (event) => selectAgent(event.target.value);
  $("map").onclick = (event) => {
    const rect = $("map").getBoundingClientRect();
    const col = Math.floor((event.clientX - rect.left) / viewer.layout.cell);
    const rowIndex = Math.floor((event.clientY - rect.top) / viewer.layout.cell);
    for (const [key, agent] of Object.entries(stateAt(viewer.frame).agents)) {
      if (agent.row === rowIndex && agent.col === col) selectAgent(key);
    }
  };
  document.addEventListener("keydown", (event) => {
    if (!viewer.replay) return;
    if (viewer.mode === "play") {
      const action = keyToAction(event);
      if (action) {
        event.preventDefault();
        sendAction(action[0], action[1]);
      }
    } else if (event.key === " ") {
      event.preventDefault();
      setPlaying(!viewer.playing);
    } else if (event.key === "ArrowRight") {
      setFrame(viewer.frame + 1);
    } else if (event.key === "ArrowLeft") {
      setFrame(viewer.frame - 1);
    }
  });
  window.addEventListener("resize", () => { if (viewer.replay) { computeLayout(); draw(); } });
}

async function main() {
  bindControls();
  try {
    const session = await (await fetch("session.json")).json();
    viewer.mode = session.mode;
    $("mode").textContent = session.mode === "play" ? "play mode" : "replay";
    if (session.mode === "play") {
      $("play-help").hidden = false;
      connect();
    } else {
      const response = await fetch("replay.json");
      if (!response.ok) throw new Error(`replay.json: HTTP ${response.status}`);
      start(await response.json());
    }
  } catch (error) {
    viewer.lastError = String(error);
    $("status").textContent = `error: ${error}`;
  }
}

main();
