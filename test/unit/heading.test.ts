import assert from "node:assert/strict";
import { headingRadians, headingUnits } from "../../schema/scales";

describe("facing on the wire (1/256 of a turn, int8)", () => {
  it("fits every angle in -128..127, wrapping a whole turn, and reads back within half a step", () => {
    const halfStep = Math.PI / 256;
    for (let radians = -10; radians <= 10; radians += 0.001) {
      const units = headingUnits(radians);
      assert.ok(Number.isInteger(units) && units >= -128 && units <= 127, `${radians} -> ${units}`);
      // The same direction: the difference is a whole number of turns, give or take half a step.
      const off = radians - headingRadians(units);
      const turns = Math.round(off / (2 * Math.PI));
      assert.ok(Math.abs(off - turns * 2 * Math.PI) <= halfStep + 1e-9, `${radians} -> ${units} (${headingRadians(units)})`);
    }
  });

  it("gives π and -π the same unit, and 0.5 rad unit 20", () => {
    assert.equal(headingUnits(Math.PI), -128);
    assert.equal(headingUnits(-Math.PI), -128);
    assert.equal(headingUnits(0), 0);
    assert.equal(headingUnits(0.5), 20);
  });
});
