/**
 * Fixed-point scales of the wire fields: positions in tenths of a world unit
 * (int16 covers the 1600x900 arena), angles in 1/10000 rad (int16 covers ±π).
 * Half the bytes of float32 with precision well under a pixel. The position
 * scale belongs to the rules, which keep positions on that grid. A module of
 * its own so clients read the scales without loading the schema classes.
 */
export { POSITION_SCALE } from "../rooms/match/rules";
export const ANGLE_SCALE = 10_000;
