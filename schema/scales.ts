/**
 * Fixed-point scales of the wire fields: positions in tenths of a world unit
 * (int16 covers the 1600x900 arena), aim in 1/10000 rad (int16 covers ±π),
 * facing in 1/256 of a turn (int8).
 * Half the bytes of float32 with precision well under a pixel. The position
 * scale belongs to the rules, which keep positions on that grid. A module of
 * its own so clients read the scales without loading the schema classes.
 */
/**
 * Positions live on a grid of 1/POSITION_SCALE world units. The rules keep every
 * position on it, so a client starting from the wire value holds exactly the server's number.
 */
export const POSITION_SCALE = 10;
/** The aim an input carries (schema/inputFrame.ts), in 1/ANGLE_SCALE rad: what the rules shoot along. */
export const ANGLE_SCALE = 10_000;

/**
 * A player's facing in the state (`angle`, int8): 1/256 of a turn. Others draw it, the rules never read it
 * back, and 1.4 degrees is finer than a drawn player shows; it changes on nearly every tick of every player
 * who aims, and one byte instead of two takes a tenth off each patch (loadtest/patchBytesByField.ts).
 */
const HEADING_UNITS_PER_RADIAN = 128 / Math.PI;

/** Radians (any) as the state's facing: -128..127, where -128 is facing -π (= π). */
export function headingUnits(radians: number): number {
  const units = Math.round(radians * HEADING_UNITS_PER_RADIAN);
  return ((((units + 128) % 256) + 256) % 256) - 128;
}

/** The state's facing in radians, -π..π. */
export function headingRadians(units: number): number {
  return units / HEADING_UNITS_PER_RADIAN;
}
