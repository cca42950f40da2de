// The live meeting stream (Server-Sent Events from the notifier). EventSource cannot send a bearer
// token, so the stream is read with fetch; the last id seen lets a reconnect resume where it stopped.

import { config, meetingId, state } from "./state.js";

// Calls onEvent(type, data) for each event, onLive(true/false) as the connection comes and goes, and
// onResume() after a reconnect (what changed meanwhile is in the resumed stream, unless it expired).
export async function follow({ onEvent, onLive, onResume }) {
  let lastId = null;
  for (;;) {
    try {
      const headers = { Authorization: `Bearer ${state.session.token}` };
      if (lastId) headers["Last-Event-ID"] = lastId;
      const response = await fetch(`${config.notifierApi}/api/v1/meetings/${meetingId}/stream`, { headers });
      if ([401, 403, 404].includes(response.status)) return onLive(false);
      if (!response.ok) throw new Error(`stream answered ${response.status}`);
      onLive(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("id:")) lastId = line.slice(3).trim();
            else if (line.startsWith("event:")) type = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trimStart();
          }
          if (data) onEvent(type, JSON.parse(data));
        }
      }
    } catch (error) {
      console.warn("live stream", error);
    }
    onLive(false);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    onResume();
  }
}
