/**
 * Fixed-point scales of the wire fields: positions in tenths of a world unit
 * (int16 covers the 1600x900 arena), angles in 1/10000 rad (int16 covers ±π).
 * Half the bytes of float32 with precision well under a pixel. The position
 * scale belongs to the rules, which keep positions on that grid. A module of
 * its own so clients read the scales without loading the schema classes.
 */
/**
 * Positions live on a grid of 1/POSITION_SCALE world units. The rules keep every
 * position on it, so a client starting from the wire value holds exactly the server's number.
 */
export const POSITION_SCALE = 10;
export const ANGLE_SCALE = 10_000;
