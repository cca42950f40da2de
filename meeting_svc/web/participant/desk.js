// The check-in desk: the secretary (or the chair) scans a participant's personal QR code with the device's
// camera, or picks a photo of it, and checks them in. The code is read with the browser's BarcodeDetector
// where it has one, else with the vendored jsQR (loaded only then). Drawn once: no live update replaces
// the camera or a result being read.

import { meetingApi, messageOf } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { pick, t } from "../lib/i18n.js";
import { root } from "../lib/render.js";
import { STAFF } from "../lib/roles.js";
import { meetingId, state } from "../lib/state.js";

let status;
let log;
let busy = false;
let lastCode = "";

// The personal link is `{origin}/join/{code}`; a bare code is taken as it is.
export function inviteCode(text) {
  const match = /\/join\/([^/?#\s]+)/.exec(text || "");
  return match ? decodeURIComponent(match[1]) : (text || "").trim();
}

let jsQR = null;
async function decoderless(source) {
  // jsQR reads pixels: draw the frame or picture on a canvas first
  if (!jsQR) {
    await import("../vendor/jsQR.js"); // a UMD bundle: it defines self.jsQR
    jsQR = self.jsQR;
  }
  const width = source.videoWidth || source.width;
  const height = source.videoHeight || source.height;
  if (!width || !height) return null;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0, width, height);
  const found = jsQR(context.getImageData(0, 0, width, height).data, width, height);
  return found ? found.data : null;
}

let detector;
async function readCode(source) {
  if (detector === undefined) {
    detector = null;
    if ("BarcodeDetector" in self) {
      try {
        const formats = await self.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) detector = new self.BarcodeDetector({ formats: ["qr_code"] });
      } catch {
        detector = null;
      }
    }
  }
  if (detector) {
    const codes = await detector.detect(source);
    return codes.length ? codes[0].rawValue : null;
  }
  return decoderless(source);
}

function say(text, kind) {
  status.replaceChildren(h("p", { class: kind }, text));
}

async function checkIn(text) {
  const code = inviteCode(text);
  if (!code || busy) return;
  busy = true;
  try {
    const person = await meetingApi(`/meetings/${meetingId}/check-in:scanned`, { method: "POST", body: { invite_code: code } });
    say(t().desk.done(person.name), "ok");
    log.prepend(h("li", {}, `${new Date().toLocaleTimeString(state.lang)} · ${person.name}`));
  } catch (error) {
    say(error.status === 404 ? t().desk.unknown : messageOf(error), "error");
  } finally {
    busy = false;
  }
}

async function fromPicture(event) {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  try {
    const image = await createImageBitmap(file);
    const text = await readCode(image);
    if (text) await checkIn(text);
    else say(t().desk.noCode, "error");
  } catch {
    say(t().desk.noCode, "error");
  }
}

async function startCamera(video, button) {
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    await video.play();
  } catch {
    say(t().desk.noCamera, "error");
    return;
  }
  button.disabled = true;
  say(t().desk.scanning, "muted");
  const scan = async () => {
    if (!video.srcObject) return;
    try {
      const text = await readCode(video);
      // the same code seen again while it is still in front of the camera is one check-in
      if (text && text !== lastCode) {
        lastCode = text;
        await checkIn(text);
      }
    } catch {
      // a frame the decoder could not read: the next one will do
    }
    setTimeout(scan, 250);
  };
  scan();
}

export function renderDesk() {
  document.documentElement.lang = state.lang;
  const words = t().desk;
  if (!STAFF.has(state.me.role)) {
    root.replaceChildren(h("section", { class: "card" }, h("p", { class: "error", role: "alert" }, words.staffOnly)));
    return;
  }
  status = h("div", { class: "desk-status", role: "status", "aria-live": "polite" });
  log = h("ol", { class: "desk-log", "aria-label": words.checkedIn });
  const video = h("video", { muted: true, playsinline: true, "aria-label": words.camera, class: "desk-camera" });
  const camera = h("button", { type: "button", onclick: () => startCamera(video, camera) }, words.startCamera);
  const picture = h("input", { type: "file", accept: "image/*", capture: "environment", id: "desk-picture", onchange: fromPicture });
  root.replaceChildren(
    h(
      "section",
      { class: "card desk" },
      h("h1", {}, `${words.title}: ${pick(state.meeting.title)}`),
      h("p", {}, words.help),
      camera,
      video,
      h("p", {}, h("label", { for: "desk-picture" }, words.picture), " ", picture),
      status,
      h("h2", {}, words.checkedIn),
      log,
    ),
  );
  camera.focus();
}
