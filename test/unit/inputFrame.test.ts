import assert from "node:assert/strict";
import { decodeInputFrame, encodeInputFrame, encodeInputFrames, INPUT_FRAME_BYTES, quantizeInput } from "../../schema/inputFrame";
import { clampInput, PlayerInput } from "../../schema/input";

const decoded = (input: PlayerInput): PlayerInput => {
  const result = decodeInputFrame(encodeInputFrame(input));
  assert.ok(Array.isArray(result) && result.length === 1, String(result));
  return result[0];
};

describe("binary input frame", () => {
  it("carries seq, fire and tick exactly, and the stick and aim as quantizeInput says", () => {
    const input = { seq: 0xffff_fffe, mx: 0.7071, my: -0.3, aim: 2.5, fire: true, tick: 123_456 };
    const q = quantizeInput(input);
    assert.deepEqual(decoded(input), { seq: input.seq, mx: q.mx, my: q.my, aim: q.aim, fire: true, tick: 123_456 });
    assert.ok(Math.abs(q.mx - 0.7071) <= 0.5 / 127 && Math.abs(q.aim - 2.5) <= 0.5 / 10_000);
  });

  it("tells an absent tick from tick 0", () => {
    assert.equal("tick" in decoded({ seq: 1, mx: 0, my: 0, aim: 0, fire: false }), false);
    assert.equal(decoded({ seq: 1, mx: 0, my: 0, aim: 0, fire: false, tick: 0 }).tick, 0);
  });

  it("keeps full deflection at exactly ±1 and clamps beyond it", () => {
    const d = decoded({ seq: 2, mx: 1, my: -5, aim: 0, fire: false });
    assert.equal(d.mx, 1);
    assert.equal(d.my, -1);
  });

  it("wraps any aim into (-π, π)", () => {
    for (const aim of [Math.PI, -Math.PI, 4 * Math.PI + 1, -7.5, 1e6]) {
      const d = decoded({ seq: 3, mx: 0, my: 0, aim, fire: false });
      assert.ok(d.aim > -Math.PI && d.aim < Math.PI, `${aim} -> ${d.aim}`);
      assert.ok(Math.abs(Math.sin(d.aim) - Math.sin(aim)) < 1e-3 && Math.abs(Math.cos(d.aim) - Math.cos(aim)) < 1e-3, `${aim} -> ${d.aim}`);
    }
  });

  it("is read by the server (decode, then its one clamp) as quantizeInput predicts, to the bit", () => {
    for (const mx of [0, 0.013, -0.37, 1, -1, 1.4, -5]) {
      for (const aim of [0, 2.5, -Math.PI, Math.PI, 4 * Math.PI + 1, -7.5]) {
        const input = { seq: 4, mx, my: 0.5 - mx, aim, fire: false };
        const read = decoded(input);
        clampInput(read);
        const q = quantizeInput(input);
        assert.deepEqual([read.mx, read.my, read.aim], [q.mx, q.my, q.aim], `mx ${mx}, aim ${aim}`);
      }
    }
  });

  it("clamps sticks into -1..1 and wraps the aim, keeps values in range to the bit, and says when a stick was out", () => {
    const inRange = { seq: 1, mx: 0.7071, my: -1, aim: -Math.PI, fire: false };
    assert.equal(clampInput(inRange), false);
    assert.deepEqual(inRange, { seq: 1, mx: 0.7071, my: -1, aim: -Math.PI, fire: false });
    const out = { seq: 2, mx: 1.5, my: -3, aim: 1.5 * Math.PI, fire: true };
    assert.equal(clampInput(out), true);
    assert.deepEqual([out.mx, out.my], [1, -1]);
    assert.ok(Math.abs(out.aim + Math.PI / 2) < 1e-12, `aim ${out.aim}`);
    const aimOnly = { seq: 3, mx: 0, my: 0, aim: 7, fire: false };
    assert.equal(clampInput(aimOnly), false, "a wrapped aim is not a clamped stick");
    assert.ok(Math.abs(aimOnly.aim - (7 - 2 * Math.PI)) < 1e-12);
  });

  it("refuses a frame of another length, with unknown flag bits, or with seq 0, saying why", () => {
    const good = encodeInputFrame({ seq: 9, mx: 0, my: 0, aim: 0, fire: false });
    assert.match(String(decodeInputFrame(good.subarray(0, INPUT_FRAME_BYTES - 1))), /must be 13 bytes \(one input\) or 26 \(two\), got 12/);
    assert.match(String(decodeInputFrame(Uint8Array.from([...good, 0]))), /got 14/);
    assert.match(String(decodeInputFrame(new Uint8Array(3 * INPUT_FRAME_BYTES))), /got 39/);
    assert.match(String(decodeInputFrame(new Uint8Array(0))), /got 0/);
    const flags = Uint8Array.from(good);
    flags[8] = 0x80;
    assert.match(String(decodeInputFrame(flags)), /unknown bits/);
    const seq0 = encodeInputFrame({ seq: 0, mx: 0, my: 0, aim: 0, fire: false });
    assert.match(String(decodeInputFrame(seq0)), /seq must be 1 or more/);
  });

  it("carries two inputs of consecutive seqs in one frame, in order, and refuses a pair out of order or with a bad half", () => {
    const first = { seq: 41, mx: 1, my: 0, aim: 0.25, fire: false };
    const second = { seq: 42, mx: 0, my: -1, aim: -0.25, fire: true, tick: 700 };
    const pair = encodeInputFrames([first, second]);
    assert.equal(pair.length, 2 * INPUT_FRAME_BYTES);
    const read = decodeInputFrame(pair);
    assert.ok(Array.isArray(read), String(read));
    assert.deepEqual(read.map((i) => [i.seq, i.fire, i.tick]), [[41, false, undefined], [42, true, 700]]);
    assert.match(String(decodeInputFrame(encodeInputFrames([second, first]))), /consecutive seqs, got 42 then 41/);
    assert.match(String(decodeInputFrame(encodeInputFrames([first, { ...second, seq: 44 }]))), /consecutive seqs, got 41 then 44/);
    const badHalf = Uint8Array.from(pair);
    badHalf[INPUT_FRAME_BYTES + 8] = 0x80;
    assert.match(String(decodeInputFrame(badHalf)), /unknown bits/);
  });
});
