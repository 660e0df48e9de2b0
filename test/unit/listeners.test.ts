import assert from "node:assert/strict";
import { Listeners } from "../../client/listeners";

describe("SDK listeners (client/listeners.ts)", () => {
  it("calls every listener with the event's arguments until the function add returned removes it", () => {
    const listeners = new Listeners<[status: string, code?: number]>();
    const heard: string[] = [];
    const removeA = listeners.add((s, code) => heard.push(`a:${s}:${code}`));
    listeners.add((s) => heard.push(`b:${s}`));
    listeners.emit("reconnecting", 1006);
    removeA();
    listeners.emit("connected");
    assert.deepEqual(heard, ["a:reconnecting:1006", "b:reconnecting", "b:connected"]);
  });
});
